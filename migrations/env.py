"""Alembic environment: the URL comes from the caller (core.migrate) or from settings."""
from __future__ import annotations

from alembic import context


import core.models  # noqa: F401  (registers every table)
from core.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def render_item(type_, obj, autogen_context):
    """Encrypted columns are plain TEXT / VARCHAR(64) in migrations: no app imports there."""
    if type_ == "type":
        name = type(obj).__name__
        if name == "Encrypted":
            return "sa.Text()"
        if name == "LookupHash":
            return "sa.String(length=64)"
    return False


def _url() -> str:
    url = config.attributes.get("database_url") or config.get_main_option("sqlalchemy.url")
    if not url:
        from core.settings import load_settings
        url = load_settings().database_url
    return url


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True, render_item=render_item)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True, render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    with engine.connect() as conn:
        context.configure(connection=conn, target_metadata=target_metadata, render_as_batch=True, render_item=render_item)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
