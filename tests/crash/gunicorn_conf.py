"""gunicorn settings for tests/crash only: crash points in every worker.

    gunicorn -c tests/crash/gunicorn_conf.py ... 'bot.wsgi:create()'

with SHOUHU_CRASH_DIR set to a folder the test watches. Nothing here is production code:
the listeners are installed by `post_worker_init`, in the test's gunicorn workers only.

The test arms a crash point by writing its name into $SHOUHU_CRASH_DIR/arm. The first
worker thread that reaches that point in a database transaction that inserted a case
claims the arm (an atomic rename, so one worker wins), writes $SHOUHU_CRASH_DIR/hit
("<pid> <point>") and sleeps, so that the test can SIGKILL the worker right there:

    before_commit  the case row is inserted, the COMMIT not sent yet
    after_commit   the COMMIT of the transaction that inserted the case has returned,
                   before anything that follows it in the same request (an after-commit
                   hook, the next transaction, the HTTP answer)
    any_commit     before the COMMIT of whatever transaction comes next (a message claim,
                   a user, a draft, a turn...): a kill at a random point of some turn
    any_checkin    a connection goes back to the pool (a transaction just ended)

The case insert is recognised on the connection (any INSERT INTO case_report, ORM or
Core), so the points hold however the engine groups its transactions.
"""
from __future__ import annotations

import os
import threading
import time

PAUSE_SECONDS = 3.0  # the test kills within ~0.1 s; the worker goes on if it does not
FLAG = "shouhu_crash_test"  # key in the DBAPI connection's info dict

_local = threading.local()


def _reach(point: str) -> None:
    control = os.environ.get("SHOUHU_CRASH_DIR")
    if not control:
        return
    arm = os.path.join(control, "arm")
    try:
        with open(arm, encoding="utf-8") as fh:
            if fh.read().strip() != point:
                return
        os.rename(arm, os.path.join(control, f"claimed-{os.getpid()}"))
    except FileNotFoundError:
        return  # not armed, or another worker claimed it first
    tmp = os.path.join(control, f"hit-{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()} {point}\n")
    os.rename(tmp, os.path.join(control, "hit"))
    time.sleep(PAUSE_SECONDS)


def _after_cursor_execute(conn, cursor, statement, parameters, context, executemany):
    if statement.lstrip()[:24].upper().startswith("INSERT INTO CASE_REPORT"):
        conn.info[FLAG] = "inserted"


def _commit(conn):
    """Before the DBAPI commit of a transaction."""
    _reach("any_commit")
    if conn.info.get(FLAG) == "inserted":
        _reach("before_commit")
        conn.info[FLAG] = "committing"
        _local.committing = conn.info


def _rollback(conn):
    conn.info.pop(FLAG, None)


def _session_after_commit(session):
    """A Session's commit has returned. Class-level listeners run before the ones a
    service adds to the session instance (e.g. alerts queued after the commit)."""
    info = getattr(_local, "committing", None)
    _local.committing = None
    if info is not None and info.pop(FLAG, None) == "committing":
        _reach("after_commit")


def _checkin(dbapi_connection, record):
    """A connection returns to the pool (if the case was committed outside a Session,
    this is the first moment after that commit)."""
    if record.info.pop(FLAG, None) == "committing":
        _local.committing = None
        _reach("after_commit")
    _reach("any_checkin")


def install() -> None:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import Pool

    event.listen(Engine, "after_cursor_execute", _after_cursor_execute)
    event.listen(Engine, "commit", _commit)
    event.listen(Engine, "rollback", _rollback)
    event.listen(Session, "after_commit", _session_after_commit)
    event.listen(Pool, "checkin", _checkin)


# Load the app (and the NLU model) once in the master: a killed worker is replaced by a
# fork in milliseconds instead of a fresh import of everything, which keeps the test short.
preload_app = True


def when_ready(server):
    """In the master, after the preload, before the first fork: warm the NLU, then close
    the database connections that used so no worker inherits a socket."""
    runtime = server.app.wsgi().extensions["shouhu"]
    runtime.engine  # noqa: B018 - builds the parser (model + gazetteer) and the engine
    runtime.db.dispose()


def post_fork(server, worker):
    server.app.wsgi().extensions["shouhu"].db.dispose(close=False)


def post_worker_init(worker):
    install()
    control = os.environ.get("SHOUHU_CRASH_DIR")
    if control:  # tells the test this worker has loaded the app (and from where)
        import bot
        with open(os.path.join(control, f"ready-{os.getpid()}"), "w", encoding="utf-8") as fh:
            fh.write(bot.__file__)
