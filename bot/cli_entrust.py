"""CLI: `shouhu entrust rebind` — village staff bind a family's registration to the
parent's new chat account after checking who they are in person (no SMS here).

The parent's phone is asked at a prompt, not taken as an argument, so it stays out of
the shell history; the action is audited under the staff account named.
"""
from __future__ import annotations

import click


@click.group("entrust")
def entrust_group() -> None:
    """Entrustment registrations (委托监护登记)."""


@entrust_group.command("rebind")
@click.option("--username", required=True, help="The staff account doing it (village staff or above).")
@click.option("--child", "child_id", required=True, type=int, help="The child's file id (儿童档案编号).")
@click.option("--code", required=True, help="The re-bind code the chat gave the parent on the new account.")
@click.option("--phone", prompt="家长登记时留的手机号", help="The parent's registered phone (asked if not given).")
def rebind_command(username: str, child_id: int, code: str, phone: str) -> None:
    """Bind the registration to the parent's new account (after an in-person check)."""
    from bot.cli import _runtime
    from core.db import transaction, utcnow
    from core.services import entrust_rebind
    from core.services import staff as staff_service
    from core.services.errors import DomainError

    runtime, _ = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            staff = staff_service.find_user(session, username)
            if staff is None:
                raise click.ClickException(f"no staff account '{username}'")
            children = entrust_rebind.rebind(session, staff, child_id, phone, code.strip(), utcnow(), "cli")
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"re-bound: child files {', '.join(map(str, children))} now answer to the new account")
