"""POST /api/v1/ask through a tiny Flask app built here."""
from __future__ import annotations

import pytest
from flask import Flask

from bot.policy_api import make_blueprint


@pytest.fixture()
def client(any_answerer):
    app = Flask(__name__)
    app.register_blueprint(make_blueprint(lambda: any_answerer))
    return app.test_client()


def test_answer_with_sources(client):
    r = client.post("/api/v1/ask", json={"question": "老师发现了必须报告吗? 报给谁?"})
    assert r.status_code == 200
    body = r.get_json()
    assert set(body) == {"answer", "found", "sources"}
    assert body["found"] is True
    assert set(body["sources"][0]) == {"document", "title", "section"}


def test_not_found_is_honest(client):
    body = client.post("/api/v1/ask", json={"question": "给孩子办护照需要什么材料"}).get_json()
    assert body["found"] is False and body["sources"] == [] and "12345" in body["answer"]


@pytest.mark.parametrize("kwargs", [
    {"data": "{not json", "content_type": "application/json"},
    {"data": "question=hi", "content_type": "application/x-www-form-urlencoded"},
    {"json": {}},
    {"json": {"question": 42}},
    {"json": ["question"]},
    {"json": None},
])
def test_bad_requests_are_400_json(client, kwargs):
    r = client.post("/api/v1/ask", **kwargs)
    assert r.status_code == 400
    assert r.get_json()["error"] == "bad_request"


def test_empty_and_huge_questions_are_answered(client):
    for q in ("", "留守" * 10000):
        r = client.post("/api/v1/ask", json={"question": q})
        assert r.status_code == 200 and r.get_json()["answer"]
