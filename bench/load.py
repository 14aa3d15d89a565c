"""Load bench: simulated users in whole conversations over the safe-mode WeChat webhook.

    python bench/load.py [--workers 1,2,4] [--threads 8] [--rate 10,20,150] [--capacity-conversations 400]
                         [--database-url postgresql+psycopg://...] [--redis-url redis://...]

The production profile on loopback: gunicorn (bench.webhook's app), PostgreSQL and Redis
(throwaway ones via scripts/pg.sh and redis-server unless URLs are given), the real NLU.
A realistic mix of conversations, each user waiting for the answer before the next
message: reports of 4-8 turns, entrustment registrations and updates, policy questions,
status checks and greetings. Every message is AES-encrypted and signed as WeChat would
(real wechatpy crypto) before timing. Reports:
  - capacity (closed loop: as fast as answers come) in msg/s, and CPU per message;
  - p50/p95/p99 at --rate msg/s offered (open loop: conversations arrive on a schedule and
    every message's latency counts from when it was due, so queueing is not hidden);
  - a cProfile of the hot path (the same messages through the app in this process);
  - afterwards: every case number and registration a user was told exists exactly once.
Not part of `make test`.
"""
from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import random
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import fake_wechat_api
from bench.fake_wechat_api import LateReplies
from bench.load_mix import conversation_mix, sign_and_encrypt
from bench.webhook import AES_KEY, APPID, TOKEN, free_port, wait_up

LATE_TIMEOUT = 60.0  # seconds a user waits for a reply WeChat said "success" to
NUMBER = re.compile(r"BG-\d{8}-\d{4}")


# --- one conversation over HTTP ---------------------------------------------------------------
async def post(reader, writer, port: int, body: bytes, path: str) -> tuple[int, bytes]:
    writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: text/xml\r\n"
                 f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
    status = await reader.readline()
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return int(status.split()[1]) if status else 0, await reader.readexactly(length)


class Results:
    def __init__(self):
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.cases: list[str] = []  # every case number a user was told, once per conversation
        self.registered = 0  # conversations told "已登记"
        self.updated = 0  # told "第2版"
        self.messages = 0
        self.late = 0  # answered "success" at once, the reply delivered by the API later
        self.late_missing = 0  # ...and it never came
        self.late_texts: list[str] = []  # which messages were answered late, for the record

    def add(self, other: Results) -> None:
        """Sum the counts that the final records check needs."""
        self.cases += other.cases
        self.registered += other.registered
        self.updated += other.updated
        self.late += other.late
        self.late_missing += other.late_missing


async def answer(status: int, data: bytes, crypto, user: str, res: Results,
                 late: LateReplies) -> tuple[str | None, float | None]:
    """The reply's text and, for a late one, when it arrived; (None, None) on an error."""
    if status == 200 and data == b"success":  # too slow for the passive reply: wait for the API
        res.late += 1
        got = await late.wait(user, LATE_TIMEOUT)
        if got is None:
            res.late_missing += 1
            res.errors.append("a late reply never came")
            return None, None
        return got[1], got[0]
    if status != 200 or b"<Encrypt>" not in data:
        res.errors.append(f"{status} {data[:60]!r}")
        return None, None
    reply = ET.fromstring(data)
    plain = crypto.decrypt_message(data.decode(), reply.findtext("MsgSignature"),
                                   reply.findtext("TimeStamp"), reply.findtext("Nonce"))
    return ET.fromstring(plain).findtext("Content") or "", None


async def converse(port: int, user: str, texts: list[str], crypto, res: Results, late: LateReplies,
                   start: float | None = None, think: float = 0.0) -> None:
    """One user's conversation. With `start`, message k is due at start + k*think and its
    latency counts from then (open loop); without, from when it is sent (closed loop). A
    message answered "success" counts until its late reply arrives through the API."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    seen_number = None
    try:
        for k, text in enumerate(texts):
            due = time.perf_counter() if start is None else start + k * think
            if (delay := due - time.perf_counter()) > 0:
                await asyncio.sleep(delay)
            path, body = sign_and_encrypt(crypto, user, text, f"{user}-{k}")
            late.expect(user)
            status, data = await post(reader, writer, port, body, path)
            content, arrived = await answer(status, data, crypto, user, res, late)
            if status == 200 and data == b"success":
                res.late_texts.append(f"{user} #{k} {text[:12]}" + (" (never came)" if content is None else ""))
            late.done(user)
            res.latencies.append((arrived or time.perf_counter()) - due)
            res.messages += 1
            if content is None:
                continue
            if "系统繁忙" in content or "太频繁" in content:
                res.errors.append(content[:40])
            if (m := NUMBER.search(content)) and "已提交" in content and m.group(0) != seen_number:
                seen_number = m.group(0)
                res.cases.append(seen_number)
            res.registered += "已登记" in content and "请核对" not in content
            res.updated += "第2版" in content
    finally:
        writer.close()


async def closed_loop(port: int, convs: list[tuple[str, list[str]]], clients: int, crypto,
                      res: Results, late: LateReplies) -> float:
    late.bind(asyncio.get_running_loop())
    queue = list(reversed(convs))

    async def runner():
        while queue:
            user, texts = queue.pop()
            await converse(port, user, texts, crypto, res, late)
    t0 = time.perf_counter()
    await asyncio.gather(*(runner() for _ in range(clients)))
    return time.perf_counter() - t0


async def open_loop(port: int, convs: list[tuple[str, list[str]]], rate: float, think: float,
                    crypto, res: Results, late: LateReplies) -> float:
    """Conversations start evenly spaced so that messages arrive at `rate` per second."""
    late.bind(asyncio.get_running_loop())
    mean_turns = sum(len(t) for _, t in convs) / len(convs)
    gap = mean_turns / rate
    t0 = time.perf_counter() + 0.1
    await asyncio.gather(*(converse(port, u, t, crypto, res, late, start=t0 + i * gap, think=think)
                           for i, (u, t) in enumerate(convs)))
    return time.perf_counter() - t0


# --- processes --------------------------------------------------------------------------------
def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        except OSError:
            pass
    return total


def family(root: int) -> list[int]:
    """`root` and its children (gunicorn master and workers, postmaster and backends)."""
    out = [root]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == root:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            pass
    return out


def start_services(args, tmp: Path) -> tuple[str, str, list]:
    cleanup = []
    db_url, redis_url = args.database_url, args.redis_url
    if not db_url:
        db_url = subprocess.run([str(ROOT / "scripts/pg.sh"), "start", str(tmp / "pg")], check=True,
                                capture_output=True, text=True).stdout.strip()
        cleanup.append([str(ROOT / "scripts/pg.sh"), "stop", str(tmp / "pg")])
    if not redis_url:
        port = free_port()
        subprocess.run(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                        "--daemonize", "yes", "--pidfile", str(tmp / "redis.pid"), "--dir", str(tmp)],
                       check=True, capture_output=True)
        redis_url = f"redis://127.0.0.1:{port}/0"
        cleanup.append(["redis-cli", "-p", str(port), "shutdown", "nosave"])
    return db_url, redis_url, cleanup


def prepare(db_url: str, env: dict) -> None:
    """Migrations, the demo jurisdiction and a trained NLU model, before gunicorn starts."""
    subprocess.run([sys.executable, "-c", (
        "from core import migrate; import os; migrate.upgrade(os.environ['SHOUHU_DATABASE_URL'])\n"
        "from core.settings import load_settings; from bot.app import build_runtime\n"
        "from core.db import transaction; from core.services.jurisdiction import load_jurisdiction_file\n"
        "rt = build_runtime(load_settings())\n"
        "with transaction(rt.sessions) as s: load_jurisdiction_file(s, 'bot/demo/jurisdiction.yaml')\n"
        "rt.parser\n")], cwd=ROOT, env=env, check=True)


def postmaster_pid(db_url: str, tmp: Path) -> int | None:
    pid_file = tmp / "pg" / "data" / "postmaster.pid"
    return int(pid_file.read_text().split()[0]) if pid_file.exists() else None


def check_records(env: dict, res: Results) -> list[str]:
    """Every case number told exists exactly once; every registration told is on file."""
    out = subprocess.run([sys.executable, "-c", (
        "from core.settings import load_settings; from bot.app import build_runtime\n"
        "from sqlalchemy import select, func; from core.models import Case, Child, Entrustment, OutboundJob\n"
        "rt = build_runtime(load_settings())\n"
        "with rt.sessions() as s:\n"
        "    print(' '.join(s.scalars(select(Case.number))))\n"
        "    print(s.scalar(select(func.count()).select_from(Child)))\n"
        "    print(s.scalar(select(func.count()).select_from(Entrustment)))\n"
        "    q = select(OutboundJob.kind, OutboundJob.status, func.count()).group_by(OutboundJob.kind, OutboundJob.status)\n"
        "    print(' '.join(f'{k}:{st}={n}' for k, st, n in s.execute(q)))\n"
        "    errs = s.execute(select(OutboundJob.last_error).where(OutboundJob.last_error.is_not(None)).limit(3))\n"
        "    print(' | '.join(str(e)[:160] for (e,) in errs))\n"
        "    from core.models.channel import InboundMessage as M\n"
        "    print(' '.join(f'{st}={n}' for st, n in s.execute(select(M.status, func.count()).group_by(M.status))))\n")],
        cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout.splitlines()
    stored, children, entrustments = out[0].split(), int(out[1]), int(out[2])
    job_counts, job_errors = out[3].split(), out[4] if len(out) > 4 else ""
    problems = []
    if sorted(stored) != sorted(res.cases):
        lost = set(res.cases) - set(stored)
        extra = len(stored) - len(set(stored) & set(res.cases))
        problems.append(f"cases: told {len(res.cases)}, stored {len(stored)}, lost {len(lost)}, "
                        f"stored but never told {extra}")
    if children != res.registered:
        problems.append(f"registrations: told {res.registered}, children on file {children}")
    if entrustments != res.registered + res.updated:
        problems.append(f"entrustment versions: expected {res.registered + res.updated}, stored {entrustments}")
    print(f"records: {len(stored)} cases, {children} children, {entrustments} entrustment versions")
    print("jobs by kind and status:", " ".join(job_counts) or "none")
    print("inbound messages by status:", out[5] if len(out) > 5 else "?")
    unfinished = [c for c in job_counts if c.split(":")[1].split("=")[0] != "done"]
    if unfinished:
        problems.append(f"jobs not run: {' '.join(unfinished)}" + (f" (errors: {job_errors})" if job_errors else ""))
    return problems


class InlineExecutor:
    def submit(self, fn, *args):
        from concurrent.futures import Future
        future = Future()
        future.set_result(fn(*args))
        return future

    def shutdown(self, **kw):
        pass


def profile(env: dict, n: int) -> str:
    """cProfile of the same conversations through the WSGI app in this process."""
    os.environ.update(env)
    from wechatpy.crypto import WeChatCrypto

    from bot.wsgi import create
    app = create()
    client, crypto = app.test_client(), WeChatCrypto(TOKEN, AES_KEY, APPID)
    # the turn runs in the channel's thread pool: run it inline so that the profile sees it
    app.extensions["shouhu"].wechat.pool = InlineExecutor()
    convs = conversation_mix(n, random.Random(7), prefix="oProf")
    requests = [sign_and_encrypt(crypto, u, t, f"{u}-{k}") for u, texts in convs for k, t in enumerate(texts)]
    client.post(requests[0][0], data=requests[0][1])  # model load, first connections
    prof = cProfile.Profile()
    prof.enable()
    for path, body in requests[1:]:
        client.post(path, data=body, content_type="text/xml")
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(45)
    return f"{len(requests) - 1} messages profiled\n" + out.getvalue()


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def report(name: str, elapsed: float, res: Results, throughput: bool = True) -> None:
    lat = sorted(res.latencies)

    def pct(p: float) -> float:
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000
    rate = f" = {res.messages / elapsed:.0f} msg/s" if throughput else " (with the ramp up and down)"
    print(f"{name}: {res.messages} messages in {elapsed:.1f} s{rate}, "
          f"{len(res.errors)} errors; p50 {pct(50):.1f} ms, p95 {pct(95):.1f} ms, p99 {pct(99):.1f} ms, "
          f"max {lat[-1] * 1000:.0f} ms")
    if res.errors:
        print("  first errors:", res.errors[:3])
    if res.late_texts:
        print("  answered late:", res.late_texts[:6])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--workers", default="2", help="gunicorn worker counts, one run each, e.g. 1,2,4")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--clients", type=int, default=40, help="concurrent users in the capacity run")
    ap.add_argument("--capacity-conversations", type=int, default=400)
    ap.add_argument("--rate", default="150", help="offered rates of the open-loop runs, e.g. 10,20,40")
    ap.add_argument("--seconds", type=float, default=30.0, help="length of the open-loop run")
    ap.add_argument("--think", type=float, default=2.0, help="seconds between a user's messages")
    ap.add_argument("--profile", type=int, default=60, help="conversations profiled (0: none)")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--redis-url", default="")
    args = ap.parse_args()

    from core import crypto as fields

    tmp = Path(tempfile.mkdtemp(prefix="shouhu-load-"))
    db_url, redis_url, cleanup = start_services(args, tmp)
    late, api_port = LateReplies(), free_port()
    api = fake_wechat_api.start(late, api_port)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SHOUHU_INSTANCE_DIR": str(tmp / "instance"),
           "SHOUHU_PROFILE": "production", "SHOUHU_DATABASE_URL": db_url, "SHOUHU_REDIS_URL": redis_url,
           "SHOUHU_FIELD_KEY": fields.generate_key(), "SHOUHU_SECRET_KEY": "bench",
           "SHOUHU_WECHAT_TOKEN": TOKEN, "SHOUHU_WECHAT_AES_KEY": AES_KEY, "SHOUHU_WECHAT_APPID": APPID,
           "SHOUHU_WECHAT_SECRET": "bench-secret", "SHOUHU_WECHAT_API_BASE": f"http://127.0.0.1:{api_port}"}
    procs, log = [], None
    try:
        prepare(db_url, env)
        log = (tmp / "processes.log").open("w")
        procs.append(subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT))
        total = Results()
        for workers in (int(w) for w in str(args.workers).split(",")):
            port = free_port()
            web = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "-w", str(workers),
                                    "-k", "gthread", "--threads", str(args.threads), "-b", f"127.0.0.1:{port}",
                                    "--log-level", "warning", "--keep-alive", "30", "bench.webhook:wsgi()"],
                                   cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
            procs.append(web)
            wait_up(port, web, 60)
            total.add(run_phases(args, workers, port, web.pid, postmaster_pid(db_url, tmp), late))
            stop(web)
            procs.remove(web)
            time.sleep(2)  # late replies of the last phase
        for proc in reversed(procs):
            stop(proc)
        procs = []
        problems = check_records(env, total)
        problems += [f"{len(late.unexpected)} API messages nobody waited for (a reply sent twice, or too late)"
                     ] if late.unexpected else []
        print(f"late replies: {total.late} awaited, {total.late_missing} never came; "
              f"{late.total()} customer-service messages received")
        print("lost or duplicated records:", "none" if not problems else problems)
        if args.profile:
            print(profile(env, args.profile))
    finally:
        for proc in procs:
            stop(proc)
        api.shutdown()
        if log is not None:
            log.close()
        for cmd in cleanup:
            subprocess.run(cmd, capture_output=True, check=False)


def run_phases(args, workers: int, port: int, app_pid: int, pg_pid: int | None, late: LateReplies) -> Results:
    """Warm-up, capacity (closed loop) and latency at the offered rate (open loop)."""
    from wechatpy.crypto import WeChatCrypto
    crypto, rng = WeChatCrypto(TOKEN, AES_KEY, APPID), random.Random(workers)
    print(f"load average before: {os.getloadavg()}, {os.cpu_count()} CPUs; gunicorn -w {workers} "
          f"gthread x{args.threads}; PostgreSQL + Redis on loopback; one `shouhu worker`")
    res_warm = Results()
    asyncio.run(closed_loop(port, conversation_mix(40, rng, f"oW{workers}arm"), 20, crypto, res_warm, late))
    res_cap = Results()
    pids = family(app_pid) + (family(pg_pid) if pg_pid else [])
    cpu0, app0 = cpu_seconds(pids), cpu_seconds(family(app_pid))
    elapsed = asyncio.run(closed_loop(port, conversation_mix(args.capacity_conversations, rng, f"oW{workers}cap"),
                                      args.clients, crypto, res_cap, late))
    pids = family(app_pid) + (family(pg_pid) if pg_pid else [])
    app_cpu, all_cpu = cpu_seconds(family(app_pid)) - app0, cpu_seconds(pids) - cpu0
    report(f"capacity (closed loop, {args.clients} users at once)", elapsed, res_cap)
    print(f"  CPU per message: {app_cpu / res_cap.messages * 1000:.2f} ms in gunicorn, "
          f"{all_cpu / res_cap.messages * 1000:.2f} ms with PostgreSQL")
    runs = [res_warm, res_cap]
    for n, rate in enumerate(float(r) for r in str(args.rate).split(",")):
        n_conv = max(10, int(rate * args.seconds / 5.0))  # about 5 messages a conversation
        runs.append(Results())
        elapsed = asyncio.run(open_loop(port, conversation_mix(n_conv, rng, f"oW{workers}open{n}-"), rate, args.think,
                                        crypto, runs[-1], late))
        report(f"latency at {rate:.0f} msg/s offered (open loop, {args.think:.0f} s between a "
               f"user's messages)", elapsed, runs[-1], throughput=False)
    print(f"load average after: {os.getloadavg()}")
    total = Results()
    for r in runs:
        total.add(r)
    return total


if __name__ == "__main__":
    main()
