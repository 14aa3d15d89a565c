"""Database engine, sessions and the declarative base (SQLAlchemy 2.0 style)."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def utcnow() -> datetime:
    """Naive UTC: stored the same way on SQLite and PostgreSQL."""
    return datetime.now(UTC).replace(tzinfo=None)


def make_engine(url: str, echo: bool = False) -> Engine:
    kwargs: dict = {"echo": echo, "future": True}
    db_file = None
    if url.startswith("sqlite:///") and ":memory:" not in url:
        db_file = Path(url[len("sqlite:///"):])
        private_sqlite_file(db_file)
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        _sqlite_transactions(engine)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # pragma: no cover - trivial
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: consistent after any crash; only the last commits may be lost
            # on power failure. Cuts an fsync per commit (webhooks commit several times).
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()
            if db_file is not None:
                private_sqlite_file(db_file)
    return engine


def private_sqlite_file(path: Path) -> None:
    """The SQLite file and its -wal/-shm companions: readable by this account only (0600).
    The file is created here, before SQLite opens it, so it never exists with wider rights;
    SQLite gives the companions the main file's mode, and existing ones are narrowed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        try:
            if name.stat().st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            pass


WRITE = {"shouhu_write": True}  # execution option: this transaction will write (BEGIN IMMEDIATE)


def _sqlite_transactions(engine: Engine) -> None:
    """SQLAlchemy's documented pysqlite recipe: turn off the driver's own transaction
    handling and let SQLAlchemy emit BEGIN. Without it, pysqlite begins lazily and
    SAVEPOINT / ROLLBACK TO do not nest inside the outer transaction, so a "nested"
    block could commit rows that the outer transaction later rolled back.

    A transaction marked with the WRITE option starts with BEGIN IMMEDIATE: it takes the
    write lock at once instead of failing later when a read upgrades to a write while
    another process has committed (SQLITE_BUSY_SNAPSHOT is not retried by busy_timeout)."""
    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_conn, _record):  # pragma: no cover - trivial
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn):
        immediate = conn.get_execution_options().get("shouhu_write")
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def transaction(factory: sessionmaker[Session], write: bool = False) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any error. `write`: it reads
    then writes, so on SQLite take the write lock at BEGIN (see _sqlite_transactions)."""
    session = factory()
    try:
        if write:
            session.connection(execution_options=WRITE)
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
