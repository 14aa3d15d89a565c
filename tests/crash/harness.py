"""The crash test's moving parts: gunicorn under control, and chat clients that retry.

`Server` starts gunicorn (tests/crash/gunicorn_conf.py) on loopback, lists and kills its
workers, arms the crash points and stops everything. `Reporter` is one person filing (or
cancelling, or abandoning) a report over POST /api/chat: it answers what the bot asks,
and retries what went unanswered the way a real client would.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

ROOT = Path(__file__).resolve().parents[2]
CONF = Path(__file__).with_name("gunicorn_conf.py")
NUMBER = re.compile(r"BG-\d{8}-\d{4}")
CONFIRMED = re.compile(r"已提交！您的报告编号是 (BG-\d{8}-\d{4})")
PENDING = "还在处理中"  # the engine's answer to a retry while the first copy still runs
APOLOGY = "系统刚才出了点问题"  # a failed turn: "please send it again"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """gunicorn with N gthread workers on 127.0.0.1, importing the worktree's code."""

    def __init__(self, env: dict[str, str], control: Path, log_path: Path, workers: int = 3,
                 threads: int = 4):
        self.env, self.control, self.log_path, self.workers = env, control, log_path, workers
        self.threads, self.port = threads, free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        self.control.mkdir(parents=True, exist_ok=True)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        env = {**self.env, "PYTHONPATH": str(ROOT), "SHOUHU_CRASH_DIR": str(self.control)}
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [str(gunicorn), "-c", str(CONF), "--chdir", str(ROOT), "-w", str(self.workers),
             "-k", "gthread", "--threads", str(self.threads), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "60", "--graceful-timeout", "5", "--log-level", "warning",
             "bot.wsgi:create()"],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_workers(timeout)
        code = (self.control / f"ready-{self.ready_workers()[0]}").read_text(encoding="utf-8")
        if not Path(code).is_relative_to(ROOT):
            raise RuntimeError(f"gunicorn imported bot from {code}, not from {ROOT}")

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn workers), from /proc."""
        pids: list[int] = []
        for task in Path(f"/proc/{self.proc.pid}/task").glob("*"):
            try:
                pids += [int(p) for p in (task / "children").read_text().split()]
            except OSError:
                pass
        return pids

    def ready_workers(self) -> list[int]:
        return [p for p in self.worker_pids() if (self.control / f"ready-{p}").exists()]

    def wait_workers(self, timeout: float = 60) -> None:
        """Until all N workers have loaded the app and the port answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.proc.returncode}):\n{self.log_tail()}")
            if len(self.ready_workers()) >= self.workers:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), 0.5):
                        return
                except OSError:
                    pass
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn workers not ready after {timeout} s:\n{self.log_tail()}")

    def kill(self, pid: int) -> None:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass  # it died on its own meanwhile

    def arm(self, point: str) -> None:
        tmp = self.control / "arm.tmp"
        tmp.write_text(point, encoding="utf-8")
        tmp.rename(self.control / "arm")

    def disarm(self) -> None:
        (self.control / "arm").unlink(missing_ok=True)

    def take_hit(self) -> tuple[int, str] | None:
        """(pid, point) of a worker paused at the armed crash point, if any."""
        hit = self.control / "hit"
        try:
            pid, point = hit.read_text(encoding="utf-8").split()
        except (OSError, ValueError):
            return None
        hit.unlink()
        return int(pid), point

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """SIGTERM to the master (it stops its workers), SIGKILL to its process group if
        that takes too long, then SIGKILL to any orphan left in the group."""
        if self.proc is None:
            return
        group = self.proc.pid  # start_new_session: the master leads its own group
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(group, signal.SIGKILL)  # the master is not reaped yet: still ours
                self.proc.wait(10)
        for pid in _group_members(group):
            self.kill(pid)
        self._log.close()

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _group_members(pgid: int) -> list[int]:
    """Live processes whose process group is `pgid` (from /proc/<pid>/stat)."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


# --- the clients ------------------------------------------------------------------------

@dataclass
class Person:
    """A fictional reporter and the child they report."""

    user: str
    name: str
    phone: str
    school: str
    township: str
    village: str
    age: int
    opening: str  # the first message


@dataclass
class Reporter:
    """One conversation. plan: submit | cancel (at the summary) | cancel_midway (at the
    first question) | abandon_early (after the first message) | abandon_at_summary.
    Patient clients retry an unanswered message with its msg_id for ~20 s; impatient ones
    retry it once. Then both send the same text again without a msg_id."""

    base: str
    person: Person
    plan: str
    patient: bool
    think: tuple[float, float] = (0.1, 0.5)
    max_turns: int = 14
    rng: object = None
    abort: threading.Event = field(default_factory=threading.Event)
    transcript: list[str] = field(default_factory=list)
    confirmed: list[str] = field(default_factory=list)  # numbers seen in "已提交" replies
    listed: list[str] = field(default_factory=list)  # numbers seen under 我的报告
    retries: int = 0  # same msg_id again
    resends: int = 0  # same text, no msg_id
    apologies: int = 0
    failures: list[str] = field(default_factory=list)  # errors seen (not all are anomalies)
    unanswered: list[str] = field(default_factory=list)
    outcome: str = "running"  # confirmed | cancelled | abandoned | stuck
    problem: str = ""  # why the driver gave up (a test-side or product-side mystery)
    n: int = 0
    t0: float = field(default_factory=time.monotonic)  # transcript times are relative to it

    def note(self, line: str) -> None:
        self.transcript.append(f"{time.monotonic() - self.t0:5.1f}s {line}")

    # -- HTTP -----------------------------------------------------------------------------
    def _post(self, text: str, msg_id: str | None) -> tuple[str, list[dict]]:
        """('ok', replies) or ('error'|'pending'|'apology', replies-or-[])."""
        body = {"user_id": self.person.user, "text": text}
        if msg_id:
            body["msg_id"] = msg_id
        host, port = self.base.split(":")
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        try:
            conn.request("POST", "/api/chat", json.dumps(body, ensure_ascii=False).encode(),
                         {"Content-Type": "application/json"})
            resp = conn.getresponse()
            raw = resp.read()
        except (OSError, http.client.HTTPException) as exc:
            self.failures.append(f"{text!r}: {type(exc).__name__}")
            self.note(f"  ({type(exc).__name__})")
            return "error", []
        finally:
            conn.close()
        if resp.status >= 500:
            self.failures.append(f"{text!r}: HTTP {resp.status}")
            return "error", []
        if resp.status != 200:
            raise AssertionError(f"{self.person.user}: HTTP {resp.status} for {body}: {raw[:200]!r}")
        replies = json.loads(raw).get("replies") or []
        joined = "\n".join(r.get("text", "") for r in replies)
        if not replies:
            self.failures.append(f"{text!r}: empty reply")
            return "error", []
        if PENDING in joined:
            return "pending", replies
        if APOLOGY in joined:
            self.apologies += 1
            self.failures.append(f"{text!r}: apology")
            self.note("  (apology)")
            return "apology", replies
        return "ok", replies

    def send(self, text: str) -> str | None:
        """Send one message until it is answered; the replies' text, or None."""
        self.n += 1
        msg_id = f"{self.person.user}-{self.n}"
        self.note(f"> {text}")
        same_id_tries = 6 if self.patient else 2
        for attempt in range(same_id_tries):
            if self.abort.is_set():
                break
            status, replies = self._post(text, msg_id)
            if status == "ok":
                return self._heard(replies)
            if status == "apology":
                break  # the stored answer of that msg_id is the apology: resend instead
            self.retries += attempt + 1 < same_id_tries
            self.note(f"  ({status}; retry {msg_id})")
            time.sleep(min(0.5 + attempt, 2.5))
        # Second pass: the same words as a new message, as a client that lost its ids would.
        for _ in range(4):
            if self.abort.is_set():
                break
            time.sleep(1.0)
            self.resends += 1
            self.note("  (resent without msg_id)")
            status, replies = self._post(text, None)
            if status == "ok":
                return self._heard(replies)
        self.unanswered.append(text)
        self.note("  (never answered)")
        return None

    def _heard(self, replies: list[dict]) -> str:
        text = "\n".join(r.get("text", "") for r in replies)
        self.note("< " + text.replace("\n", " / ")[:100])
        if (m := CONFIRMED.search(text)) and m.group(1) not in self.confirmed:
            self.confirmed.append(m.group(1))
        if "您的报告进度" in text:
            self.listed += [n for n in NUMBER.findall(text) if n not in self.listed]
        return text

    # -- the conversation -------------------------------------------------------------------
    def answer(self, reply: str, sent_confirm: bool) -> str | None:
        """What this person says next (None: they would not know what to say)."""
        p = self.person
        rules = (  # first match wins; the more specific texts come first
            ("请核对您的报告", lambda: {"submit": "1", "cancel": "取消"}.get(self.plan)),
            ("请回复“确认”提交", lambda: "确认" if self.plan == "submit" else "取消"),
            ("强制报告责任人", lambda: f"{p.name}，{p.school}，{p.phone}"),
            ("请留下您的姓名", lambda: f"{p.name}，{p.school}，{p.phone}"),
            ("您的姓名", lambda: p.name),  # "还需要…": one missing item at a time
            ("您的单位", lambda: p.school),
            ("您的电话", lambda: p.phone),
            ("电话号码好像不对", lambda: p.phone),
            ("哪个乡镇", lambda: p.township + p.village),
            ("哪个村", lambda: p.township + p.village),
            ("没有在本县找到", lambda: p.township + p.village),
            ("有几个地方叫", lambda: p.township + p.village),
            ("几岁", lambda: f"{p.age}岁"),
            ("准确年龄", lambda: f"{p.age}岁"),
            ("您是孩子的什么人", lambda: "我是老师"),
            ("我是邻居", lambda: "我是老师"),
            ("对吗", lambda: "对" if "单独居住" in reply else "都不是"),  # the category check
            ("哪种情况", lambda: "孩子一个人住、没人照看"),
            ("最接近的情况", lambda: "孩子一个人住、没人照看"),
            ("发生了什么", lambda: p.opening),
            ("现在有危险吗", lambda: "没有，现在没有危险"),  # the danger question, when the model is unsure
            ("要接着填吗", lambda: "继续填写"),
        )
        for words, say in rules:
            if words in reply:
                return say()
        if sent_confirm and self.plan == "submit":
            return "我的报告"  # the answer to "1" was lost in a crash: look the case up
        return None

    def run(self) -> None:
        rng = self.rng
        if self.plan == "abandon_early":
            self.send(self.person.opening)
            self.outcome = "abandoned"
            return
        reply = self.send(self.person.opening)
        sent_confirm = asked_status = False
        for _ in range(self.max_turns):
            if reply is None:
                self.outcome = "stuck"
                self.problem = "a message was never answered"
                return
            if self.confirmed or (asked_status and self.listed):
                self.outcome = "confirmed"
                return
            if self.plan.startswith("cancel") and ("已取消" in reply or "已经取消" in reply):
                self.outcome = "cancelled"
                return
            if self.plan == "abandon_at_summary" and "请核对您的报告" in reply:
                self.outcome = "abandoned"
                return
            if asked_status:  # looked the case up and it is not there
                self.outcome = "stuck"
                self.problem = "confirmed with 1, yet 我的报告 lists no case"
                return
            said = "取消" if self.plan == "cancel_midway" else self.answer(reply, sent_confirm)
            if said is None:
                self.outcome = "stuck"
                self.problem = "the driver does not understand: " + reply[:120].replace("\n", " / ")
                return
            sent_confirm |= said in ("1", "确认")
            asked_status = said == "我的报告"
            time.sleep(rng.uniform(*self.think))
            reply = self.send(said)
        self.outcome = "stuck"
        self.problem = f"no outcome after {self.max_turns} turns"


def run_all(reporters: list[Reporter], start_times: list[float]) -> list[threading.Thread]:
    """One thread per conversation, each starting at its offset (seconds from now)."""
    t0 = time.monotonic()

    def go(r: Reporter, at: float) -> None:
        time.sleep(max(0.0, t0 + at - time.monotonic()))
        try:
            r.run()
        except Exception as exc:  # noqa: BLE001 - a driver bug must surface, not vanish
            r.outcome, r.problem = "stuck", f"driver crashed: {type(exc).__name__}: {exc}"

    threads = [threading.Thread(target=go, args=(r, at), daemon=True)
               for r, at in zip(reporters, start_times, strict=True)]
    for t in threads:
        t.start()
    return threads
