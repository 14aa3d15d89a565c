"""The `shouhu` command line (also `python -m bot`): thin, it parses and calls services."""
from __future__ import annotations

import logging
import os
import sys

import click

from bot.app import build_runtime, create_app
from bot.secrets import apply_instance_secrets
from core import migrate
from core.db import transaction
from core.models.staff import ROLES
from core.services import staff as staff_service
from core.services.errors import DomainError
from core.services.jurisdiction import load_jurisdiction_file
from core.settings import SettingsError, load_settings


def _settings(create_secrets: bool = False):
    try:
        settings = load_settings()
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    generated = apply_instance_secrets(settings, create=create_secrets)
    return settings, generated


def _runtime(create_secrets: bool = False):
    settings, generated = _settings(create_secrets)
    try:
        return build_runtime(settings), generated
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
def cli(verbose: bool) -> None:
    """守护 Shouhu: reporting and care for rural left-behind children."""
    # Everything the service writes (database, secrets, models, uploads) is for its own
    # account only.
    os.umask(0o077)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@cli.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@click.option("--revision", default="head", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply Alembic migrations."""
    settings, _ = _settings()
    migrate.upgrade(settings.database_url, revision)
    click.echo(f"database at {revision}")


@cli.group()
def jurisdiction() -> None:
    """Townships, villages, police stations and schools."""


@jurisdiction.command("load")
@click.argument("path", type=click.Path(dir_okay=False))
def jurisdiction_load(path: str) -> None:
    """Load or update the region from a YAML file (idempotent)."""
    runtime, _ = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            result = load_jurisdiction_file(session, path)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    if result.changed:
        click.echo(f"{result.region}: {result.created} added, {result.updated} updated")
    else:
        click.echo(f"{result.region}: already up to date, nothing changed")


@cli.group()
def user() -> None:
    """Staff accounts."""


@user.command("create")
@click.option("--username", required=True)
@click.option("--role", required=True, type=click.Choice(ROLES))
@click.option("--township")
@click.option("--village")
@click.option("--school")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def user_create(username, role, township, village, school, password_stdin) -> None:
    """Create a staff account."""
    password = _password_from_stdin(password_stdin)
    _in_transaction(lambda session: staff_service.create_user(
        session, username, role, password, township=township, village=village, school=school))
    click.echo(f"created {username} ({role})")


def _password_from_stdin(flag: bool) -> str:
    if not flag:
        raise click.UsageError("pass the password on standard input with --password-stdin")
    return sys.stdin.readline().rstrip("\r\n")


def _in_transaction(work) -> None:
    """Run `work(session)` in one transaction; a domain error becomes a clean CLI error."""
    runtime, _ = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            work(session)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc


@user.command("password")
@click.option("--username", required=True)
@click.option("--password-stdin", is_flag=True, help="Read the new password from standard input.")
def user_password(username, password_stdin) -> None:
    """Set a new password (same policy as create); ends the account's sessions."""
    password = _password_from_stdin(password_stdin)
    _in_transaction(lambda session: staff_service.set_password_by_name(session, username, password))
    click.echo(f"password changed for {username}; its sessions were ended")


@user.command("totp")
@click.option("--username", required=True)
@click.option("--disable", is_flag=True, help="Turn the one-time code off again.")
def user_totp(username, disable) -> None:
    """Require a one-time code (authenticator app) at login; prints the secret once."""
    from core.services import totp
    runtime, _ = _runtime()
    with transaction(runtime.sessions) as session:
        staff = staff_service.find_user(session, username)
        if staff is None:
            raise click.ClickException(f"no staff account '{username}'")
        if disable:
            totp.disable(session, staff)
            click.echo(f"one-time codes turned off for {username}")
            return
        secret, uri = totp.enrol(session, staff)
    click.echo(f"secret (enter it in the authenticator app, or make a QR code of the URI):\n"
               f"  {secret}\n  {uri}")


@cli.group()
def token() -> None:
    """API tokens for the REST API."""


@token.command("create")
@click.option("--username", required=True)
def token_create(username: str) -> None:
    """Print a new API token (shown once; only its hash is stored)."""
    runtime, _ = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            value = staff_service.create_token(session, username)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(value)


@token.command("revoke")
@click.argument("token_or_prefix")
def token_revoke(token_or_prefix: str) -> None:
    """Revoke a token (the whole token, or its first 12 characters)."""
    runtime, _ = _runtime()
    with transaction(runtime.sessions) as session:
        count = staff_service.revoke_token(session, token_or_prefix)
    if not count:
        raise click.ClickException("no such active token")
    click.echo(f"revoked {count} token(s)")


def _serve(app, host: str, port: int, threads: int) -> None:
    from waitress import serve as waitress_serve
    click.echo(f"serving on http://{host}:{port}  (Ctrl+C to stop)")
    waitress_serve(app, host=host, port=port, threads=threads, ident="shouhu")


@cli.command()
@click.option("--host")
@click.option("--port", type=int)
def serve(host, port) -> None:
    """Serve everything configured in config.yaml."""
    runtime, _ = _runtime()
    try:
        app = create_app(runtime.settings, runtime)
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    s = runtime.settings
    runtime.start_worker()
    _serve(app, host or s.host, port or s.port, int(s.section("server").get("threads", 8)))


@cli.command()
@click.option("--host")
@click.option("--port", type=int)
def demo(host, port) -> None:
    """Serve on an embedded SQLite database with demo data (secrets generated if missing)."""
    from bot.demo.setup import ensure_demo_data
    runtime, generated = _runtime(create_secrets=True)
    s = runtime.settings
    if generated:
        click.echo(f"generated {', '.join(generated)} into {s.instance_dir / 'secrets.env'} (mode 0600)")
    migrate.upgrade(s.database_url)
    accounts = ensure_demo_data(runtime)
    docs = s.section("kb").get("demo_documents")
    if docs and s.resolve(docs).is_dir() and not runtime.kb.passages:
        results = runtime.kb.ingest([s.resolve(docs)])
        click.echo(f"policy documents ingested from {s.resolve(docs)}: "
                   f"{sum(r.passages for r in results)} passages from {len(results)} files")
    click.echo("loading the language model (trained on first start, a few seconds)...")
    runtime.parser  # noqa: B018 - warm up before the first user waits for it
    app = create_app(s, runtime)
    where = s.instance_dir / "demo-accounts.txt"
    if accounts:
        click.echo(f"demo staff accounts created (shown this once; also in {where}, mode 0600):")
        for username, role, password in accounts:
            click.echo(f"  {username:<18} {role:<14} {password}")
    else:
        click.echo(f"demo staff accounts: their passwords are in {where} (mode 0600)")
    click.echo(f"admin: http://{host or s.host}:{port or s.port}/admin/")
    runtime.start_worker()
    _serve(app, host or s.host, port or s.port, int(s.section("server").get("threads", 8)))


# The channels' commands (chat, wechat, telegram) and the queue's (worker, scheduler,
# jobs) live in their own modules.
from bot import cli_channels, cli_queue

for _command in (*cli_channels.COMMANDS, *cli_queue.COMMANDS):
    cli.add_command(_command)


def _register_subcommands() -> None:
    from bot.cli_entrust import entrust_group
    from bot.cli_kb import ask_command, kb_group
    from bot.cli_nlu import nlu_group
    cli.add_command(entrust_group)
    cli.add_command(nlu_group)
    cli.add_command(kb_group)
    cli.add_command(ask_command)


_register_subcommands()


def main() -> None:
    cli(prog_name="shouhu")


if __name__ == "__main__":
    main()
