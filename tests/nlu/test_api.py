import pytest
from flask import Flask

from bot.nlu_api import make_blueprint


@pytest.fixture
def client(parser):
    app = Flask(__name__)
    app.register_blueprint(make_blueprint(lambda: parser))
    return app.test_client()


def test_parse(client):
    r = client.post("/model/parse", json={"text": "孩子一个人住 没人管"})
    assert r.status_code == 200
    body = r.get_json()
    assert body["intent"]["name"] == "report_case" and body["text"] == "孩子一个人住 没人管"
    assert {"entity", "value", "start", "end"} <= set(body["entities"][0])


@pytest.mark.parametrize("data,ctype", [
    ("not json", "application/json"), ("[1, 2]", "application/json"), ("{}", "application/json"),
    ('{"text": 5}', "application/json"), ('{"text": null}', "application/json"), ("", "text/plain"),
])
def test_bad_requests_are_400_json(client, data, ctype):
    r = client.post("/model/parse", data=data, content_type=ctype)
    assert r.status_code == 400 and r.get_json()["status"] == "failure"


def test_empty_and_odd_text_is_200_low_confidence(client):
    for text in ["", "   ", "😀", "\x00", "长" * 10_000]:
        r = client.post("/model/parse", json={"text": text})
        assert r.status_code == 200
    assert client.post("/model/parse", json={"text": ""}).get_json()["intent"]["confidence"] == 0.0


def test_status_and_version(client):
    assert client.get("/version").get_json()["version"].startswith("3.")
    assert client.get("/status").get_json()["model_id"]
