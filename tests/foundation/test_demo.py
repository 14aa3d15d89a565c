"""`shouhu demo` (what `make run` starts) from an empty instance folder."""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import PG_URL

pytestmark = pytest.mark.skipif(bool(PG_URL), reason="the demo is the embedded SQLite profile")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, data: dict | None = None):
    req = urllib.request.Request(url, data=json.dumps(data).encode() if data else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as resp:
        return resp.status, resp.read().decode("utf-8")


def test_demo_starts_from_nothing(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_")}
    env["SHOUHU_INSTANCE_DIR"] = str(tmp_path / "instance")
    proc = subprocess.Popen([sys.executable, "-m", "bot", "demo", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "serving on" in line:
                break
        out = "".join(lines)
        assert "serving on" in out, out
        for _ in range(50):  # the banner is printed just before the socket is bound
            try:
                status, body = _get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.1)
        assert status == 200 and json.loads(body)["db"] == "ok"
        status, body = _get(f"http://127.0.0.1:{port}/admin/login")
        assert status == 200 and "登录" in body
        status, body = _get(f"http://127.0.0.1:{port}/api/chat", {"user_id": "demo-1", "text": "你好"})
        assert status == 200 and json.loads(body)["replies"]
        assert re.search(r"hongxing_police\s+police\s+\S{8,}", out), out
        secrets = tmp_path / "instance" / "secrets.env"
        assert oct(secrets.stat().st_mode & 0o777) == "0o600"
        assert "SHOUHU_FIELD_KEY=" in secrets.read_text()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
