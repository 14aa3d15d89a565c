"""The rasa backend against a local server answering with Rasa 3.x-shaped responses."""
import json

import pytest

from nlu.rasa_http import RasaParser

# Hand-written in the shape of a Rasa 3.6 /model/parse answer (extra keys such as id,
# text_tokens and response_selector included); Rasa itself cannot be installed here.
RECORDED = {
    "text": "我孙子一整夜没回来",
    "intent": {"id": -4455169238, "name": "report_case", "confidence": 0.9871},
    "entities": [{"entity": "urgency", "start": 3, "end": 9, "confidence_entity": 0.97,
                  "value": "urgent", "extractor": "DIETClassifier", "processors": ["EntitySynonymMapper"]}],
    "text_tokens": [[0, 1], [1, 3], [3, 9]],
    "intent_ranking": [{"id": -4455169238, "name": "report_case", "confidence": 0.9871},
                       {"id": 1830204910, "name": "check_status", "confidence": 0.0071}],
    "response_selector": {"all_retrieval_intents": [], "default": {"response": {}, "ranking": []}},
}


@pytest.fixture
def rasa(parser, httpserver):
    return RasaParser(url=httpserver.url_for("/"), fallback=parser, token="s3cret", timeout=1.0)


def test_uses_the_rasa_answer(rasa, httpserver):
    httpserver.expect_request("/model/parse", method="POST", query_string={"token": "s3cret"},
                              json={"text": "我孙子一整夜没回来"}).respond_with_json(RECORDED)
    r = rasa.parse("我孙子一整夜没回来")
    assert r["intent"] == {"name": "report_case", "confidence": 0.9871}
    assert r["intent_ranking"][1]["name"] == "check_status"
    assert r["entities"][0]["value"] == "urgent"


def test_adds_gazetteer_places_rasa_does_not_know(rasa, httpserver):
    answer = dict(RECORDED, text="东风村有个娃没人管", entities=[])
    httpserver.expect_request("/model/parse").respond_with_json(answer)
    r = rasa.parse("东风村有个娃没人管")
    assert ("village", "东风村") in {(e["entity"], e["value"]) for e in r["entities"]}


def test_falls_back_on_server_error(rasa, httpserver):
    httpserver.expect_request("/model/parse").respond_with_data("boom", status=500)
    r = rasa.parse("转人工")
    assert r["intent"]["name"] == "human_handoff"  # the embedded model answered


def test_falls_back_on_malformed_answer(rasa, httpserver):
    httpserver.expect_request("/model/parse").respond_with_data(json.dumps({"nope": 1}),
                                                                content_type="application/json")
    assert rasa.parse("转人工")["intent"]["name"] == "human_handoff"


def test_falls_back_when_unreachable(parser):
    rasa = RasaParser(url="http://127.0.0.1:9", fallback=parser, timeout=0.3)
    assert rasa.parse("转人工")["intent"]["name"] == "human_handoff"
    assert rasa.parse("")["intent"]["confidence"] == 0.0


def test_load_parser_rasa_backend(model_dir):
    from nlu import load_parser
    from tests.nlu.conftest import CONFIG

    p = load_parser({**CONFIG, "backend": "rasa"}, model_dir)
    assert isinstance(p, RasaParser)
    assert p.parse("谢谢")["intent"]["name"] == "thanks"
    with pytest.raises(ValueError):
        load_parser({**CONFIG, "backend": "spacy"}, model_dir)
