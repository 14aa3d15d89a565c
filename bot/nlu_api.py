"""Rasa-compatible HTTP API for the NLU: POST /model/parse, GET /status, GET /version."""
from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, jsonify, request

from bot.channels.inbound import clean_incoming_text

log = logging.getLogger(__name__)
RASA_VERSION = "3.6.20"  # the Rasa API version whose shapes we follow


def make_blueprint(get_parser: Callable[[], object]) -> Blueprint:
    bp = Blueprint("nlu_api", __name__)

    def error(status: int, reason: str, message: str):
        return jsonify({"version": RASA_VERSION, "status": "failure", "message": message,
                        "reason": reason, "code": status}), status

    @bp.post("/model/parse")
    def parse():
        body = request.get_json(silent=True, force=True)
        if not isinstance(body, dict):
            return error(400, "BadRequest", "the body must be a JSON object like {\"text\": \"...\"}")
        text = body.get("text")
        if text is None:
            return error(400, "BadRequest", "missing 'text'")
        if not isinstance(text, str):
            return error(400, "BadRequest", "'text' must be a string")
        try:
            return jsonify(get_parser().parse(clean_incoming_text(text, "a /model/parse text")))
        except Exception as exc:  # noqa: BLE001 - Parser.parse does not raise; this guards a broken parser factory
            log.error("NLU parser unavailable: %s", type(exc).__name__)
            return error(503, "ModelUnavailable", "the NLU model is not available")

    @bp.get("/status")
    def status():
        parser = get_parser()
        meta = getattr(parser, "meta", None) or getattr(getattr(parser, "fallback", None), "meta", {}) or {}
        return jsonify({"model_id": meta.get("hash", ""), "model_file": f"shouhu-nlu-{meta.get('hash', '')}",
                        "num_active_training_jobs": 0, "fingerprint": {"trained_at": meta.get("trained_at")}})

    @bp.get("/version")
    def version():
        return jsonify({"version": RASA_VERSION, "minimum_compatible_version": "3.0.0",
                        "shouhu_nlu": True})

    return bp
