"""`POST /api/v1/ask`: {"question"} → {"answer", "found", "sources": [{document, title, section}]}.

Bad JSON or a missing question is a 400 with a JSON error, never a 500.
"""
from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, jsonify, request

from bot.channels.inbound import clean_incoming_text

MAX_QUESTION_CHARS = 2000


def make_blueprint(get_answerer: Callable[[], object]) -> Blueprint:
    bp = Blueprint("policy_api", __name__)

    @bp.post("/api/v1/ask")
    def ask():
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return jsonify(error="bad_request", message="expected a JSON object like "
                           '{"question": "..."}'), 400
        question = payload.get("question")
        if not isinstance(question, str):
            return jsonify(error="bad_request", message="'question' (a string) is required"), 400
        answer = get_answerer().ask(clean_incoming_text(question[:MAX_QUESTION_CHARS], "a question"))
        return jsonify(answer=answer.answer, found=answer.found,
                       sources=[{"document": s["document"], "title": s["title"],
                                 "section": s["section"]} for s in answer.sources])

    return bp
