"""WSGI entry point for production servers: `gunicorn 'bot.wsgi:create()'`.

Settings come from config.yaml and the environment, read when the server calls create().
Run `shouhu jobs work` beside it: gunicorn workers do not start the delivery worker.
"""
from __future__ import annotations

from bot.app import create_app
from bot.secrets import apply_instance_secrets
from core.settings import load_settings


def create():
    settings = load_settings()
    apply_instance_secrets(settings)
    return create_app(settings)
