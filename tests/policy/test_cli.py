"""`kb ingest`, `kb eval` and `ask` through click's runner with a temporary config."""
from __future__ import annotations

import json

from click.testing import CliRunner

from bot.cli_kb import ask_command, kb_group


def test_cli_round_trip(tmp_path, docs_dir):
    config = tmp_path / "config.yaml"
    config.write_text("instance_dir: inst\nkb:\n  dir: inst/kb\nregion:\n"
                      "  civil_affairs_phone: '0000-7654321'\n", encoding="utf-8")
    runner = CliRunner()
    files = [str(p) for p in sorted(docs_dir.glob("*.txt"))]
    r = runner.invoke(kb_group, ["--config", str(config), "ingest", *files])
    assert r.exit_code == 0, r.output
    assert (tmp_path / "inst" / "kb" / "passages.json").exists()
    assert "乌海政办发〔2016〕71号" in r.output and "5 documents" in r.output
    r = runner.invoke(kb_group, ["--config", str(config), "ingest", *files])
    assert r.output.count("unchanged") == 5

    r = runner.invoke(kb_group, ["--config", str(config), "eval"])
    assert r.exit_code == 0 and "top-1 source" in r.output and "refused" in r.output

    r = runner.invoke(ask_command, ["--config", str(config), "--json", "什么是留守儿童"])
    body = json.loads(r.output)
    assert body["found"] and body["sources"][0]["document"]
    r = runner.invoke(ask_command, ["--config", str(config), "孩子的户口怎么迁"])
    assert "0000-7654321" in r.output
