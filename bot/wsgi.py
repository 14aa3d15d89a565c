"""WSGI entry point for production servers: `gunicorn 'bot.wsgi:create()'`.

Settings come from config.yaml and the environment, read when the server calls create().
Run `shouhu worker` and `shouhu scheduler` beside it (docs/queue.md): gunicorn workers
only write jobs to the outbox; those processes relay and deliver them.
"""
from __future__ import annotations

from bot.app import create_app
from bot.secrets import apply_instance_secrets
from core.settings import load_settings


def create():
    settings = load_settings()
    apply_instance_secrets(settings)
    return create_app(settings)
