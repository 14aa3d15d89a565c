"""CLI commands of the channels: `shouhu chat`, `shouhu wechat menu`, `shouhu telegram poll`."""
from __future__ import annotations

import click

from bot.app import build_runtime
from bot.secrets import apply_instance_secrets
from core import migrate
from core.settings import SettingsError, load_settings


def _load_settings(embedded: bool = False):
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    # On the embedded SQLite database, `shouhu chat` works out of the box like the demo.
    generated = apply_instance_secrets(settings, create=embedded and settings.is_sqlite)
    if generated:
        click.echo(f"generated {', '.join(generated)} into {settings.instance_dir} (mode 0600)")
    if embedded and settings.is_sqlite:
        migrate.upgrade(settings.database_url)
    return settings


def _runtime(embedded: bool = False):
    try:
        return build_runtime(_load_settings(embedded))
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@click.command()
@click.option("--user", "user_id", default="console", show_default=True,
              help="Who you are in the conversation (state is kept per user).")
def chat(user_id: str) -> None:
    """Talk to the conversation engine on stdin/stdout."""
    from bot.channels import console
    runtime = _runtime(embedded=True)
    try:
        console.run(runtime.engine, user_id)
    finally:
        runtime.close()


@click.group()
def wechat() -> None:
    """WeChat official account."""


@wechat.command("menu")
def wechat_menu() -> None:
    """Create the custom menu (我要报告 / 监护登记 / 政策咨询 / 我的进度)."""
    runtime = _runtime()
    try:
        if not runtime.wechat.api.configured:
            raise click.ClickException("set SHOUHU_WECHAT_APPID and SHOUHU_WECHAT_SECRET first")
        try:
            runtime.wechat.create_menu()
        except Exception as exc:
            raise click.ClickException(f"menu not created: {exc}") from exc
        click.echo("menu created: 我要报告 / 监护登记 / 政策咨询 / 我的进度")
    finally:
        runtime.close()


@click.group()
def telegram() -> None:
    """Telegram bot."""


@telegram.command("poll")
def telegram_poll() -> None:
    """Long-poll Telegram for updates (development; removes any webhook)."""
    runtime = _runtime()
    if runtime.telegram.bot is None:
        raise click.ClickException("set SHOUHU_TELEGRAM_TOKEN first")
    runtime.start_worker()
    click.echo("polling Telegram (Ctrl+C to stop)")
    try:
        runtime.telegram.poll()
    except KeyboardInterrupt:
        pass
    finally:
        runtime.close()


COMMANDS = (chat, wechat, telegram)
