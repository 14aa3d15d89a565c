"""Crash test: 50 people report children over POST /api/chat while gunicorn workers are
SIGKILLed, some of them in the middle of filing a case. Afterwards the database must hold
exactly the reports people were told about, once each, with their events and alerts.

The kills that matter are deterministic: tests/crash/gunicorn_conf.py pauses the worker
that commits a case (before or after the COMMIT) and the test kills it there; more kills
land at random moments. Clients retry what went unanswered, first with the same msg_id,
then as a new message without one. Reproduce a run with SHOUHU_CRASH_SEED=<seed> (printed
in the summary; `pytest -s tests/crash` shows it on success too).
"""
from __future__ import annotations

import os
import random
import re
import secrets
import shutil
import tempfile
import threading
import time
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import yaml
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from core import migrate
from core.db import transaction
from core.models import Case, CaseEvent, ChannelUser, InboundMessage, OutboundJob, StaffUser
from core.settings import REPO_ROOT, load_settings
from tests.conftest import DEMO_JURISDICTION, FIELD_KEY, PG_URL
from tests.crash.harness import NUMBER, Person, Reporter, Server, run_all

pytestmark = pytest.mark.crash

CONVERSATIONS = 50
WORKERS = 3
ORPHAN_TAKEOVER_SECONDS = 5  # conversation.orphan_takeover_seconds in the test's config
START_SPREAD = 16.0  # seconds over which the conversations begin
RUN_DEADLINE = 75.0  # after this the clients are told to give up
# The chaos, one kill per step: a crash point armed in gunicorn_conf.py (the worker that
# reaches it is killed there: before/after the commit of a case, or of any transaction
# at all), or "random" (a random worker, at once). The master restarts every killed
# worker. SHOUHU_CRASH_CHAOS=before_commit,random,... replaces it (to study one point).
CHAOS = ("after_commit", "any_commit", "before_commit", "random", "any_checkin", "after_commit",
         "any_commit", "before_commit", "any_checkin")
ALERTED = ("urgent", "high")
# On-duty police who get an e-mail job for every urgent or high case of their station.
DUTY = {"红星镇": ("crash_hx_police", "duty@hongxing.example.cn", "红星派出所"),
        "青山镇": ("crash_qs_police", "duty@qingshan.example.cn", "青山派出所"),
        "柳河乡": ("crash_lh_police", "duty@liuhe.example.cn", "柳河派出所")}
PLACES = {"红星镇": (("东风村", "向阳村"), ("红星镇中心小学", "红星镇初级中学")),
          "青山镇": (("石桥村", "白沙村"), ("青山镇中学",)),
          "柳河乡": (("李家村", "王庄村"), ("柳河乡小学",))}
NAMES = ("王芳", "李娜", "张伟", "刘洋", "陈静", "杨磊", "赵敏", "黄丽", "周强", "吴霞", "徐涛",
         "孙敏", "马丽", "朱军", "胡艳", "郭勇", "何平", "林娟", "罗斌", "高燕", "梁超", "宋佳",
         "郑琳", "谢东", "韩梅")
OPENINGS = (  # all tried against the real NLU: each leads to the summary in 1-4 turns
    "我是{school}的老师，我们班有个孩子父母都在外地打工，他一个人住了一个星期，{age}岁，在{village}",
    "我是{school}的老师，班上一个学生爸妈都出去打工了，家里就他自己，已经半个月了，{age}岁，住{township}{village}",
    "{village}有个{age}岁的孩子，父母在外打工，他一个人住，我是他们班的老师",
    "我是{township}的老师，我们学校有个{age}岁的学生，父母都在外地，他自己一个人在{village}住了好几天了",
)
SHOW_ANOMALIES, SHOW_TRANSCRIPTS = 40, 8  # how much of a bad run the failure message shows
USER = re.compile(r"crash-web-\d\d-[0-9a-f]{6}")
PLANS = ["submit"] * 34 + ["cancel"] * 5 + ["cancel_midway"] * 3 + ["abandon_early"] * 4 + \
        ["abandon_at_summary"] * 4


# --- fixtures ---------------------------------------------------------------------------

@pytest.fixture(scope="session")
def crash_nlu_model_dir():
    """The embedded NLU trained once per session; the workers load it from here."""
    from nlu.pipeline import ensure_model
    with tempfile.TemporaryDirectory(prefix="shouhu-crash-nlu-") as model_dir:
        ensure_model(model_dir)
        yield Path(model_dir)


@pytest.fixture
def workdir():
    """Config, instance folder, SQLite database, gunicorn log: removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="shouhu-crash-") as path:
        yield Path(path)


@pytest.fixture
def crash_db_url(request, workdir):
    """A fresh migrated database: SQLite in workdir, or a scratch PostgreSQL database on
    the test server (dropped afterwards; the shared test database if we may not create)."""
    if not PG_URL:
        path = workdir / "shouhu.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    name = f"shouhu_crash_{os.getpid()}_{secrets.token_hex(3)}"
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except SQLAlchemyError:
        admin.dispose()
        yield request.getfixturevalue("database_url")
        return
    url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    try:
        migrate.upgrade(url)
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# --- set-up -----------------------------------------------------------------------------

def write_config(path: Path, model_dir: Path) -> Path:
    raw = yaml.safe_load((REPO_ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw["conversation"]["orphan_takeover_seconds"] = ORPHAN_TAKEOVER_SECONDS
    raw["notifications"]["channels"] = ["email"]  # alerts become notify:email jobs
    raw["nlu"]["model_dir"] = str(model_dir)
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def prepare_database(settings) -> None:
    """The demo county and one on-duty police officer per station with an e-mail target."""
    from bot.app import build_runtime
    from core.services import staff as staff_service
    from core.services.jurisdiction import load_jurisdiction_file

    runtime = build_runtime(settings)
    try:
        with transaction(runtime.sessions) as s:
            load_jurisdiction_file(s, DEMO_JURISDICTION)
        with transaction(runtime.sessions) as s:
            for township, (username, email, _station) in DUTY.items():
                staff_service.create_user(s, username, "police", secrets.token_urlsafe(12),
                                          township=township, actor="crash-test")
        with transaction(runtime.sessions) as s:
            for username, email, _station in DUTY.values():
                officer = s.scalar(select(StaffUser).where(StaffUser.username == username))
                officer.on_duty, officer.notify_to = True, f"email:{email}"
    finally:
        runtime.db.dispose()


def make_reporters(rng: random.Random, base: str, abort: threading.Event,
                   t0: float) -> list[Reporter]:
    plans = list(PLANS)
    rng.shuffle(plans)
    reporters = []
    for i, plan in enumerate(plans[:CONVERSATIONS]):
        township = rng.choice(sorted(PLACES))
        villages, schools = PLACES[township]
        village, school, age = rng.choice(villages), rng.choice(schools), rng.randint(6, 14)
        opening = rng.choice(OPENINGS).format(school=school, age=age, village=village,
                                              township=township)
        person = Person(user=f"crash-web-{i:02d}-{rng.getrandbits(24):06x}", name=NAMES[i % len(NAMES)],
                        phone=f"139{rng.randint(10**7, 10**8 - 1)}", school=school,
                        township=township, village=village, age=age, opening=opening)
        reporters.append(Reporter(base=base, person=person, plan=plan, patient=i % 2 == 0,
                                  rng=random.Random(rng.random()), abort=abort, t0=t0))
    return reporters


# --- chaos ------------------------------------------------------------------------------

def chaos(server: Server, threads: list[threading.Thread], rng: random.Random, plan: list[str],
          kills: list[tuple[str, int, float]], missed: list[str], t0: float) -> None:
    """Arm a crash point and kill the worker that reaches it, or kill a random worker;
    wait for the master to restart it before the next step."""
    def running() -> bool:
        return any(t.is_alive() for t in threads)

    for i, step in enumerate(plan):
        if i:  # spread the kills over the run
            time.sleep(rng.uniform(0.8, 2.2))
        if not running():
            missed.append(step)
            continue
        if step == "random":
            workers = server.ready_workers()
            if not workers:
                missed.append(step)
                continue
            pid = rng.choice(workers)
            server.kill(pid)
            kills.append((step, pid, time.monotonic() - t0))
        else:
            server.arm(step)
            hit, deadline = None, time.monotonic() + 30
            while hit is None and time.monotonic() < deadline and running():
                hit = server.take_hit()
                time.sleep(0.01)
            server.disarm()
            if hit is None:
                time.sleep(0.2)  # a worker may have claimed the arm at the last moment
                hit = server.take_hit()
            if hit is None or hit[1] != step:
                missed.append(step)
                continue
            server.kill(hit[0])
            kills.append((step, hit[0], time.monotonic() - t0))
        server.wait_workers(60)


# --- checks -----------------------------------------------------------------------------

def alert_records(session) -> dict[str, dict[str, Counter]]:
    """Alerts about each case, read from where they are queued: case number -> source ->
    Counter of targets. Sources: OutboundJob rows of kind notify:* (the target is the
    job's), and the rows of any table named *outbox* (the target is the duty e-mail or the
    unit that the row mentions), in case the engine queues alerts there first."""
    from core.db import Base

    found: dict[str, dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for job in session.scalars(select(OutboundJob).where(OutboundJob.kind.like("notify:%"))):
        for number in set(NUMBER.findall(job.body or "")):
            found[number]["outbound_job"][f"{job.kind}:{job.target}"] += 1
    targets = [email for _u, email, _s in DUTY.values()] + [s for _u, _e, s in DUTY.values()]
    for mapper in Base.registry.mappers:
        table = mapper.local_table.name
        if "outbox" not in table:
            continue
        for row in session.scalars(select(mapper.class_)):
            words = " ".join(str(getattr(row, a.key, "")) for a in mapper.column_attrs)
            target = next((t for t in targets if t in words), "?")
            for number in set(NUMBER.findall(words)):
                found[number][table][target] += 1
    return found


def check_alerts(tag: str, case: Case, records: dict[str, Counter]) -> list[str]:
    """Exactly one alert to the station's on-duty officer."""
    email, station = next(((e, st) for _u, e, st in DUTY.values() if st == case.assigned_unit),
                          (None, None))
    if email is None:
        return [f"{tag}: assigned to {case.assigned_unit}, not a police station"]
    if "outbound_job" in records or not records:
        got = records.get("outbound_job", Counter())
        ok = dict(got) == {f"notify:email:{email}": 1}
    else:  # queued in an outbox table, not relayed to jobs yet
        got = sum(records.values(), Counter())
        ok = dict(got) in ({email: 1}, {station: 1})
    problem = (f"{tag}: alert jobs {dict(got) or 'none'}; want exactly one notify:email job "
               f"to {email} ({station} on duty)")
    return [] if ok else [problem]


def check_database(runtime, reporters: list[Reporter]) -> tuple[list[str], dict]:
    """Everything wrong in the database, read directly (fields decrypted by the models)."""
    anomalies: list[str] = []
    by_user = {r.person.user: r for r in reporters}
    with runtime.sessions() as s:
        users = {u.id: u.external_ref for u in s.scalars(select(ChannelUser))}
        cases = s.scalars(select(Case).order_by(Case.id)).all()
        events: dict[int, Counter] = defaultdict(Counter)
        for e in s.scalars(select(CaseEvent)):
            events[e.case_id][e.action] += 1
        alerts = alert_records(s)
        processing = s.scalar(select(func.count()).select_from(InboundMessage).where(
            InboundMessage.status == "processing"))
        numbers = {c.number for c in cases}
        cases_of: dict[str, list[Case]] = defaultdict(list)
        for case in cases:
            who = users.get(case.reporter_channel_user_id)
            cases_of[who].append(case)
            tag = f"case {case.number} ({who}, {case.urgency})"
            if who not in by_user:
                anomalies.append(f"{tag}: filed by nobody this test knows")
            if not events[case.id]:
                want = "'submitted', 'alerted'" if case.urgency in ALERTED else "'submitted'"
                anomalies.append(f"{tag}: no events at all (want {want}): the case row was "
                                 "committed without them")
            elif events[case.id]["submitted"] != 1:
                anomalies.append(f"{tag}: {events[case.id]['submitted']} 'submitted' events (want 1)")
            if case.urgency in ALERTED:
                if events[case.id] and events[case.id]["alerted"] != 1:
                    anomalies.append(f"{tag}: {events[case.id]['alerted']} 'alerted' events (want 1)")
                anomalies += check_alerts(tag, case, alerts.get(case.number, {}))
        for number in sorted(set(alerts) - numbers):
            anomalies.append(f"alert queued for {number}, which is not a case")

    for r in reporters:
        mine = cases_of.get(r.person.user, [])
        got = [c.number for c in mine]
        told = sorted(set(r.confirmed) | set(r.listed))
        who = f"{r.person.user} ({r.plan}, {'patient' if r.patient else 'impatient'} client)"
        if r.plan == "submit":
            if len(mine) != 1:
                anomalies.append(f"{who}: {len(mine)} cases {got} for one report; the client was "
                                 f"told {told or 'nothing'}")
            if len(r.confirmed) > 1:
                anomalies.append(f"{who}: told two numbers {r.confirmed} for one report")
            for number in told:
                if number not in got:
                    anomalies.append(f"{who}: told {number}, which is not a case of this user "
                                     f"({'exists' if number in numbers else 'does not exist'})")
            if not told:
                anomalies.append(f"{who}: never saw its report confirmed ({r.outcome}: {r.problem})")
        elif mine:
            anomalies.append(f"{who}: {r.plan} conversation produced case(s) {got}")
        if r.unanswered:
            anomalies.append(f"{who}: never answered: {r.unanswered}")
        if r.outcome == "stuck" and r.plan != "submit":
            anomalies.append(f"{who}: conversation stuck: {r.problem}")
    stats = {"cases": len(cases), "processing": processing}
    return anomalies, stats


# --- the test ---------------------------------------------------------------------------

def test_reports_survive_killed_workers(crash_db_url, crash_nlu_model_dir, workdir):
    seed = int(os.environ.get("SHOUHU_CRASH_SEED") or time.time_ns() % 10**9)
    rng = random.Random(seed)
    plan = (os.environ.get("SHOUHU_CRASH_CHAOS") or ",".join(CHAOS)).split(",")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SHOUHU_")}
    env.update({"SHOUHU_CONFIG": str(write_config(workdir / "config.yaml", crash_nlu_model_dir)),
                "SHOUHU_INSTANCE_DIR": str(workdir / "instance"),
                "SHOUHU_DATABASE_URL": crash_db_url, "SHOUHU_FIELD_KEY": FIELD_KEY,
                "SHOUHU_SECRET_KEY": "crash-test-secret-key"})
    settings = load_settings(env["SHOUHU_CONFIG"], env=env)
    prepare_database(settings)

    abort = threading.Event()
    kills: list[tuple[str, int, float]] = []
    missed: list[str] = []
    started = time.monotonic()
    with Server(env, workdir / "control", workdir / "gunicorn.log", workers=WORKERS) as server:
        t0 = time.monotonic()
        reporters = make_reporters(rng, f"127.0.0.1:{server.port}", abort, t0)
        starts = sorted(rng.uniform(0, START_SPREAD) for _ in reporters)
        threads = run_all(reporters, starts)
        try:
            chaos(server, threads, rng, plan, kills, missed, t0)
            deadline = started + RUN_DEADLINE
            for t in threads:
                t.join(max(0.0, deadline - time.monotonic()))
            late = sum(t.is_alive() for t in threads)
        finally:
            abort.set()  # the clients give up at their next retry
            for t in threads:
                t.join(30)
        log_tail = server.log_tail(25)
    elapsed = time.monotonic() - started

    from bot.app import build_runtime
    runtime = build_runtime(settings)
    try:
        anomalies, stats = check_database(runtime, reporters)
    finally:
        runtime.db.dispose()
    if late:
        anomalies.append(f"{late} conversations still running after {RUN_DEADLINE:.0f} s")
    harness = [f"no worker was killed at the crash point {point} (nothing reached it "
               f"while it was armed)" for point in sorted(set(plan) - {"random"})
               if not any(kill[0] == point for kill in kills)]

    db = settings.database_url.split(":", 1)[0]
    plans = dict(Counter(r.plan for r in reporters))
    outcomes = dict(Counter(r.outcome for r in reporters))
    kill_list = ", ".join(f"{point} {t:.1f}s" for point, _pid, t in kills)
    not_done = f", not done: {missed}" if missed else ""
    retries, resends = sum(r.retries for r in reporters), sum(r.resends for r in reporters)
    failed, apologies = sum(len(r.failures) for r in reporters), sum(r.apologies for r in reporters)
    summary = "\n".join([
        f"crash test on {db}, seed {seed} (SHOUHU_CRASH_SEED replays it), {elapsed:.0f} s",
        f"  conversations: {len(reporters)} {plans}, outcomes {outcomes}",
        f"  kills: {len(kills)} [{kill_list}]{not_done}",
        f"  client: {retries} retries with the same msg_id, {resends} resends without one, "
        + f"{failed} failed requests, {apologies} apologies",
        f"  database: {stats['cases']} cases, {stats['processing']} messages left 'processing'",
        f"  anomalies: {len(anomalies)}",
    ])
    # Not failures by themselves (the retries must cope), but worth a look when it fails.
    warnings = [f"{r.person.user}: {r.apologies} turn(s) answered with the apology"
                for r in reporters if r.apologies]
    print("\n" + summary)  # the details are in the failure message
    if anomalies or harness:
        troubled = list(dict.fromkeys(USER.findall("\n".join(anomalies))))[:SHOW_TRANSCRIPTS]
        transcripts = "\n".join(f"--- {r.person.user} ({r.plan}), seconds since the start:\n  "
                                + "\n  ".join(r.transcript[-14:])
                                for r in reporters if r.person.user in troubled)
        more = len(anomalies) - SHOW_ANOMALIES
        pytest.fail(f"{summary}\n"
                    + "".join(f"  - TEST HARNESS: {h}\n" for h in harness)
                    + "".join(f"  - {a}\n" for a in anomalies[:SHOW_ANOMALIES])
                    + (f"  ... and {more} more\n" if more > 0 else "")
                    + "".join(f"  (warning: {w})\n" for w in warnings[:SHOW_ANOMALIES])
                    + f"\ntranscripts of (some of) the conversations concerned:\n{transcripts}"
                    + f"\n\ngunicorn log (tail):\n{log_tail}", pytrace=False)
