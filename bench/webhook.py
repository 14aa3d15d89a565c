"""Benchmark: the safe-mode (AES) WeChat endpoint under gunicorn on loopback.

    python bench/webhook.py [--clients 50] [--messages 5000] [--workers 2] [--threads 8]
                            [--database-url postgresql+psycopg://...]

Starts gunicorn on a fresh database (SQLite in a temporary folder unless
--database-url is given), encrypts every message as WeChat would before timing, then
drives the endpoint with N concurrent keep-alive clients (asyncio, raw HTTP/1.1 so the
client stays cheap on a small machine) and prints messages/s and p50/p95/p99 latency.
Every reply is checked (HTTP 200, an encrypted XML reply).
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOKEN, AES_KEY, APPID = "benchtoken", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG", "wxbench0000000001"


def wsgi():
    """gunicorn entry point used by this bench (settings from the env)."""
    from bot.wsgi import create
    return create()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_requests(n: int, users: int, port: int, first_id: int = 10**12) -> list[bytes]:
    from wechatpy.crypto import WeChatCrypto
    crypto = WeChatCrypto(TOKEN, AES_KEY, APPID)
    texts = ["你好", "帮助", "谢谢", "我想问问政策", "1"]
    out = []
    for i in range(n):
        ts, nonce = str(int(time.time())), f"n{i}"
        xml = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oBench{i % users}]]>"
               f"</FromUserName><CreateTime>{ts}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
               f"<Content><![CDATA[{texts[i % len(texts)]}]]></Content><MsgId>{first_id + i}</MsgId></xml>")
        enc = ET.fromstring(crypto.encrypt_message(xml, nonce, ts))
        body = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><Encrypt><![CDATA[{enc.findtext('Encrypt')}]]>"
                f"</Encrypt></xml>").encode()
        sig = hashlib.sha1("".join(sorted([TOKEN, ts, nonce])).encode()).hexdigest()
        path = (f"/wechat?signature={sig}&timestamp={ts}&nonce={nonce}&openid=oBench"
                f"&encrypt_type=aes&msg_signature={enc.findtext('MsgSignature')}")
        out.append(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\n"
                   f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return out


async def exchange(reader, writer, request: bytes, errors: list[str]) -> None:
    """Send one request on a keep-alive connection and read its whole answer."""
    writer.write(request)
    status = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    body = await reader.readexactly(length)
    if b" 200 " not in status or b"<Encrypt>" not in body:
        errors.append(status.decode(errors="replace").strip())


async def client(port: int, queue: list[bytes], latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while queue:
            request = queue.pop()
            start = time.perf_counter()
            await exchange(reader, writer, request, errors)
            latencies.append(time.perf_counter() - start)
    finally:
        writer.close()


async def paced_client(port: int, requests: list[bytes], interval: float, offset: float,
                       t0: float, latencies: list[float], errors: list[str]) -> None:
    """Open loop: request i is due at t0 + offset + i*interval; latency counts from when it
    was due, so a slow server cannot hide its queueing (no coordinated omission)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        for i, request in enumerate(requests):
            due = t0 + offset + i * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            await exchange(reader, writer, request, errors)
            latencies.append(time.perf_counter() - due)
    finally:
        writer.close()


async def drive(port: int, requests: list[bytes], clients: int,
                rate: float = 0.0) -> tuple[float, list[float], list[str]]:
    """Closed loop (rate 0: as fast as the server answers) or open loop at `rate` msg/s."""
    latencies: list[float] = []
    errors: list[str] = []
    start = time.perf_counter()
    if rate:
        interval = clients / rate
        shares = [requests[i::clients] for i in range(clients)]
        await asyncio.gather(*(paced_client(port, share, interval, k * interval / clients,
                                            start + 0.05, latencies, errors)
                               for k, share in enumerate(shares)))
    else:
        queue = list(reversed(requests))
        await asyncio.gather(*(client(port, queue, latencies, errors) for _ in range(clients)))
    return time.perf_counter() - start, latencies, errors


def wait_up(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited early")
        try:
            with socket.create_connection(("127.0.0.1", port), 0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("gunicorn did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--users", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--threads", type=int, default=6)
    ap.add_argument("--rate", type=float, default=300.0,
                    help="offered load of the latency run (msg/s); the capacity run is closed-loop")
    ap.add_argument("--database-url", default="")
    args = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from core import crypto, migrate

    tmp = Path(tempfile.mkdtemp(prefix="shouhu-bench-"))
    db_url = args.database_url or f"sqlite:///{tmp}/bench.db"
    migrate.upgrade(db_url)
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHOUHU_INSTANCE_DIR": str(tmp),
           "SHOUHU_DATABASE_URL": db_url, "SHOUHU_FIELD_KEY": crypto.generate_key(),
           "SHOUHU_SECRET_KEY": "bench", "SHOUHU_WECHAT_TOKEN": TOKEN,
           "SHOUHU_WECHAT_AES_KEY": AES_KEY, "SHOUHU_WECHAT_APPID": APPID}
    gunicorn = Path(sys.executable).with_name("gunicorn")
    proc = subprocess.Popen([str(gunicorn), "-w", str(args.workers), "-k", "gthread",
                             "--threads", str(args.threads), "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", "--keep-alive", "30", "bench.webhook:wsgi()"],
                            cwd=ROOT, env=env)
    try:
        wait_up(port, proc)
        warm = build_requests(300, args.users, port, first_id=10**11)
        asyncio.run(drive(port, warm, args.clients))  # connections, caches, first users
        capacity = asyncio.run(drive(port, build_requests(args.messages, args.users, port),
                                     args.clients))
        paced = asyncio.run(drive(port, build_requests(args.messages, args.users, port, 2 * 10**12),
                                  args.clients, args.rate))
    finally:
        proc.terminate()
        proc.wait(10)
    backend = db_url.split(":", 1)[0]
    print(f"safe-mode WeChat webhook, gunicorn -w {args.workers} gthread x{args.threads}, "
          f"{args.clients} clients, {backend}, {os.cpu_count()} CPUs")
    failed = False
    for name, (elapsed, lat, errors) in (("capacity (closed loop)", capacity),
                                         (f"latency at {args.rate:.0f} msg/s offered (open loop)", paced)):
        lat.sort()

        def pct(p: float, lat=lat) -> float:
            return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000
        print(f"{name}: {len(lat)} messages, {len(errors)} errors, {len(lat) / elapsed:.0f} msg/s, "
              f"p50 {pct(50):.1f} ms, p95 {pct(95):.1f} ms, p99 {pct(99):.1f} ms, "
              f"max {lat[-1] * 1000:.1f} ms")
        if errors:
            print("  first errors:", errors[:3])
            failed = True
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
