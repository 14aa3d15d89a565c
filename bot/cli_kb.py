"""CLI: `shouhu kb ingest PATH...`, `shouhu kb eval`, `shouhu ask QUESTION [--json]`.

Thin: read settings, open the knowledge base, call policy, print. The lead wires
`kb_group` and `ask_command` into the main `shouhu` group.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from policy import Answerer, open_kb
from policy.evaluate import evaluate


def _settings(config: str | None):
    from core.settings import load_settings

    return load_settings(config)


def kb_dir_from(settings) -> Path:
    """config `kb.dir`, a relative path being relative to the config file's folder."""
    raw = settings.section("kb").get("dir") or "instance/kb"
    path = Path(raw)
    if not path.is_absolute():
        base = settings.config_path.resolve().parent if settings.config_path else Path.cwd()
        path = (base / path).resolve()
    return path


def make_answerer(settings) -> Answerer:
    kb = open_kb(kb_dir_from(settings))
    return Answerer(kb, settings.section("region"))


def _print_answer(answer) -> None:
    click.echo(answer.answer)
    for s in answer.sources:
        click.echo(f"来源：{s['document']} {s['section']}" + (f"（{s['title']}）" if s["title"] else ""))
    if answer.looks_like_report:
        click.echo("（这听起来像是需要报告的情况：可以发送 /report 开始报告；紧急请拨打110。）")


@click.group("kb")
@click.option("--config", envvar="SHOUHU_CONFIG", default=None, help="config.yaml to use")
@click.pass_context
def kb_group(ctx: click.Context, config: str | None) -> None:
    """The policy knowledge base: ingest official documents, evaluate answers."""
    ctx.obj = {"config": config}


@kb_group.command("ingest")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.pass_context
def ingest_cmd(ctx: click.Context, paths: tuple[str, ...]) -> None:
    """Add documents (.txt, .html, .docx, .pdf, or folders of them); re-ingesting is harmless."""
    settings = _settings(ctx.obj["config"])
    kb = open_kb(kb_dir_from(settings))
    failed = 0
    for r in kb.ingest(paths):
        if r.status == "error":
            failed += 1
            click.echo(f"✗ {r.path}: {r.error}", err=True)
            continue
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(r.dropped.items())) or "nothing"
        click.echo(f"{r.status:9s} {r.document}  {r.passages} passages  (removed: {dropped})  ← {r.path}")
    click.echo(f"knowledge base: {len(kb.documents)} documents, {len(kb.passages)} passages in {kb.dir}")
    if failed:
        sys.exit(1)


@kb_group.command("eval")
@click.option("--file", "eval_file", type=click.Path(exists=True), default=None,
              help="evaluation YAML (default: policy/data/eval.yml)")
@click.option("--verbose", "-v", is_flag=True, help="list every question that missed")
@click.pass_context
def eval_cmd(ctx: click.Context, eval_file: str | None, verbose: bool) -> None:
    """Score the answers: top-1 source %, key fact present %, unanswerable refused %."""
    from policy.evaluate import load_eval

    settings = _settings(ctx.obj["config"])
    answerer = make_answerer(settings)
    report = evaluate(answerer, load_eval(eval_file))
    if not answerer.kb.passages:
        click.echo("note: the knowledge base is empty; curated answers only "
                   "(run `shouhu kb ingest` for passages and the 原文 view)")
    click.echo(f"questions: {report['questions']} ({report['answerable']} answerable, "
               f"{report['unanswerable']} unanswerable)")
    click.echo(f"top-1 source:                {report['top1_source_pct']:5.1f} %")
    click.echo(f"key fact present:            {report['key_fact_pct']:5.1f} %")
    click.echo(f"unanswerable refused:        {report['refused_pct']:5.1f} %")
    click.echo(f"answerable but refused:      {report['false_refusal_pct']:5.1f} %")
    click.echo(f"wrong answers (found=true):  {report['wrong']:5d}   "
               f"(of which wrong source or unanswerable: {report['wrong_source']})")
    click.echo(f"answered from: {report['by_kind']}")
    if verbose:
        for row in report["rows"]:
            ok = row.get("ok_refused") if row["unanswerable"] else row["ok_source"] and row["ok_fact"]
            if not ok:
                tag = "WRONG" if row["wrong"] else "miss"
                click.echo(f"  {tag}: {row['q']}  → {row['kind']} {row['source']}")


@click.command("ask")
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="print the API's JSON")
@click.option("--config", envvar="SHOUHU_CONFIG", default=None, help="config.yaml to use")
def ask_command(question: str, as_json: bool, config: str | None) -> None:
    """Answer a policy question with its sources."""
    answer = make_answerer(_settings(config)).ask(question)
    if as_json:
        click.echo(json.dumps({"answer": answer.answer, "found": answer.found,
                               "sources": answer.sources,
                               "looks_like_report": answer.looks_like_report},
                              ensure_ascii=False, indent=2))
    else:
        _print_answer(answer)
