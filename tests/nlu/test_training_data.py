import pytest

from nlu import DEFAULT_DATA, NluDataError
from nlu.training_data import load_training_data, parse_example


def test_shipped_data_is_valid_and_big_enough():
    data = load_training_data(DEFAULT_DATA)
    counts = {}
    for ex in data.examples:
        counts[ex.intent] = counts.get(ex.intent, 0) + 1
    for intent in ("report_case", "register_entrustment", "update_entrustment", "ask_policy", "check_status"):
        assert counts[intent] >= 60, intent
    assert len(counts) == 14 and min(counts.values()) >= 25


def test_annotation_forms():
    text, ents = parse_example('孩子[一个人住](category)了 [家暴]{"entity": "category", "value": "domestic_violence"}')
    assert text == "孩子一个人住了 家暴"
    assert ents[0] == {"entity": "category", "value": "一个人住", "start": 2, "end": 6}
    assert ents[1]["value"] == "domestic_violence" and text[ents[1]["start"]:ents[1]["end"]] == "家暴"


@pytest.mark.parametrize("body,line,problem", [
    ("nlu:\n- intent: greet\n  examples: |\n    - 你好\n   - bad: [\n", 5, "YAML syntax"),
    ("nlu:\n- intent: greet\n  examples: |\n    - 你好\n    你好吗\n", 5, "must start with '- '"),
    ("nlu:\n- intent: greet\n  examples: |\n    - 你好\n    - [喂](mood)\n", 5, "unknown entity"),
    ("nlu:\n- intent: greet\n  examples: |\n    - 你好\n- regex: phone\n  examples: |\n    - 1[3-9\n", 7, "invalid regex"),
    ("nlu:\n- intent: greet\n", 2, "no 'examples'"),
    ("version: '3.1'\n", 1, "missing the 'nlu' key"),
    ("nlu:\n- intent: greet\n  examples: |\n    - 你好\n    - 孩子[没人管]{category}\n", 5, "JSON"),
])
def test_malformed_file_reports_file_line_problem(tmp_path, body, line, problem):
    f = tmp_path / "nlu.yml"
    f.write_text(body, encoding="utf-8")
    with pytest.raises(NluDataError) as err:
        load_training_data(f)
    msg = str(err.value)
    assert msg.startswith(f"{f}:{line}:") and problem in msg, msg


def test_cli_train_rejects_malformed_file(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from bot.cli_nlu import nlu_group

    monkeypatch.setenv("SHOUHU_INSTANCE_DIR", str(tmp_path / "instance"))
    f = tmp_path / "nlu.yml"
    f.write_text("nlu:\n- intent: greet\n  examples: |\n    - 你好\n    你好吗\n", encoding="utf-8")
    result = CliRunner().invoke(nlu_group, ["train", "--data", str(f)])
    assert result.exit_code == 2
    assert f"{f}:5:" in result.output


def test_cli_parse_prints_rasa_json(tmp_path, monkeypatch, model_dir):
    import json

    from click.testing import CliRunner

    from bot.cli_nlu import nlu_group

    monkeypatch.setenv("SHOUHU_INSTANCE_DIR", str(tmp_path / "instance"))
    result = CliRunner().invoke(nlu_group, ["parse", "转人工"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["intent"]["name"] == "human_handoff"
    assert "转人工" in result.output  # ensure_ascii=False
