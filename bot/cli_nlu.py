"""`shouhu nlu ...`: train, evaluate and try the NLU model. Wired into the main CLI by bot/cli.py."""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import click


def _settings():
    from core.settings import load_settings

    return load_settings()


def _model_dir(settings, nlu_cfg: dict) -> Path:
    path = Path(nlu_cfg.get("model_dir") or settings.instance_dir / "nlu-models")
    if not path.is_absolute() and settings.config_path is not None:
        path = settings.config_path.resolve().parent / path
    return path


@click.group("nlu")
def nlu_group():
    """Train, evaluate and try the Chinese NLU model."""


@nlu_group.command("train")
@click.option("--data", type=click.Path(dir_okay=False), default=None, help="training data (nlu.yml)")
def train_cmd(data):
    """Train the embedded model and write a versioned artefact."""
    from nlu import DEFAULT_DATA, NluDataError, train

    settings = _settings()
    cfg = settings.section("nlu")
    started = time.perf_counter()
    try:
        path = train(data or cfg.get("data") or DEFAULT_DATA, _model_dir(settings, cfg), cfg.get("pipeline"))
    except NluDataError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    click.echo(f"trained in {time.perf_counter() - started:.1f} s -> {path}")


@nlu_group.command("test")
@click.option("--data", type=click.Path(exists=True, dir_okay=False), default=None,
              help="held-out data (default nlu/data/test.yml)")
@click.option("--report", "report_dir", type=click.Path(file_okay=False), default=None,
              help="write report.json, summary.txt and confusion.png here")
def test_cmd(data, report_dir):
    """Evaluate on held-out data: per-intent scores, entities, urgent recall, errors."""
    from nlu import load_parser
    from nlu.evaluate import evaluate, summary, write_report

    settings = _settings()
    cfg = {**settings.section("nlu"), "backend": "embedded"}
    parser = load_parser(cfg, _model_dir(settings, cfg))
    data = data or Path(__file__).resolve().parents[1] / "nlu" / "data" / "test.yml"
    report = evaluate(parser, data, parser.meta.get("synonyms"))
    click.echo(summary(report))
    if report_dir:
        for f in write_report(report, report_dir):
            click.echo(f"wrote {f}")


@nlu_group.command("parse")
@click.argument("text")
def parse_cmd(text):
    """Parse one message and print Rasa's JSON."""
    from nlu import load_parser

    settings = _settings()
    cfg = settings.section("nlu")
    parser = load_parser(cfg, _model_dir(settings, cfg))
    click.echo(json.dumps(parser.parse(text), ensure_ascii=False, indent=2))
