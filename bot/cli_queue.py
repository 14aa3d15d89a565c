"""CLI commands of the job queue: `shouhu worker`, `shouhu scheduler`, `shouhu jobs ...`.

Both processes also run the outbox relay (bot/relay.py); several relays are harmless,
because a task re-reads its row and delivers a job once.
"""
from __future__ import annotations

import click

from bot.cli_channels import _runtime
from core.db import transaction
from core.services import jobs as job_service
from core.settings import SettingsError


def _consume(workers: int | None, role: str) -> None:
    runtime = _runtime()
    try:
        queue = runtime.queue
    except SettingsError as exc:
        raise click.ClickException(str(exc)) from exc
    embedded = bool(queue.cfg["in_process"])
    # Embedded profile (one machine, SQLite): the worker does everything, as the old
    # `shouhu jobs work` did. Production: the worker consumes, the scheduler schedules.
    periodic = role == "scheduler" or embedded
    if role == "scheduler":
        workers = 0
    runtime.start_relay()
    consumer = queue.consumer(workers, periodic=periodic)
    click.echo(f"{role}: {queue.cfg['backend']} queue, {consumer.workers} worker thread(s), "
               f"periodic tasks {'on' if periodic else 'off'} (Ctrl+C to stop)")
    try:
        consumer.run()
    finally:
        runtime.close()


@click.command()
@click.option("--workers", type=int, help="Worker threads (default: queue.workers).")
def worker(workers: int | None) -> None:
    """Run queued jobs: notifications, WeChat/Telegram messages, media downloads."""
    _consume(workers, "worker")


@click.command()
def scheduler() -> None:
    """Enqueue the periodic tasks (escalation, quarterly confirmations, visit reminders)."""
    _consume(None, "scheduler")


@click.group()
def jobs() -> None:
    """Outbound jobs (late WeChat replies, staff alerts)."""


@jobs.command("work")
@click.option("--interval", type=float, default=None, help="Kept for old scripts; unused.")
@click.option("--workers", type=int, help="Worker threads (default: queue.workers).")
def jobs_work(interval: float | None, workers: int | None) -> None:
    """The same as `shouhu worker` (the name older deployments use)."""
    _consume(workers, "worker")


@jobs.command("status")
def jobs_status() -> None:
    """How many jobs are in each state, and the failed ones (the dead-letter list)."""
    runtime = _runtime()
    try:
        with transaction(runtime.sessions) as session:
            counts = job_service.counts(session)
            click.echo("  ".join(f"{k}: {v}" for k, v in sorted(counts.items())) or "no jobs")
            for job in job_service.failed_jobs(session, 50):
                click.echo(f"failed #{job.id} {job.kind} attempts={job.attempts} "
                           f"created={job.created_at:%Y-%m-%d %H:%M} error={job.last_error}")
    finally:
        runtime.close()


COMMANDS = (worker, scheduler, jobs)
