"""The web channel: POST /api/chat (JSON) and a small chat page at /."""
from __future__ import annotations

import logging

from flask import Blueprint, current_app, jsonify, render_template, request

from bot.channels.inbound import clean_inbound
from bot.channels.local import LocalChannel
from bot.throttle import request_gate
from core.messages import Inbound, Location

log = logging.getLogger(__name__)
MAX_TEXT = 10_000


def _bad(message: str):
    return jsonify({"error": message}), 400


class WebChannel(LocalChannel):
    """Answers in the HTTP response; it has no way to reach a user later."""

    name = "web"

    @staticmethod
    def make_blueprint(get_channel) -> Blueprint:
        return make_blueprint(lambda: get_channel().get_engine())


def _location(loc) -> Location | str:
    """The optional location of a chat message, or the error to answer with."""
    try:
        location = Location(lat=float(loc["lat"]), lng=float(loc["lng"]),
                            label=str(loc.get("label") or ""))
    except (TypeError, KeyError, ValueError, OverflowError, AttributeError):
        return "location must be {lat, lng, label?}"
    if not (-90 <= location.lat <= 90 and -180 <= location.lng <= 180):
        return "location is out of range"
    return location


def _inbound(body) -> Inbound | str:
    """The message of a POST /api/chat body, or the error to answer with."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    user_id, text = body.get("user_id"), body.get("text", "")
    if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > 128:
        return "user_id must be a non-empty string (at most 128 characters)"
    if not isinstance(text, str):
        return "text must be a string"
    location = None
    if body.get("location") is not None:
        location = _location(body["location"])
        if isinstance(location, str):
            return location
    msg_id = body.get("msg_id") if isinstance(body.get("msg_id"), str) else None
    return clean_inbound(Inbound(channel="web", user_id=user_id.strip(), text=text[:MAX_TEXT],
                                 location=location, msg_id=msg_id))


def make_blueprint(get_engine) -> Blueprint:
    bp = Blueprint("web", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/chat-static")

    @bp.get("/")
    def page():
        return render_template("chat.html", region=current_app.config.get("REGION_NAME", ""))

    @bp.post("/api/chat")
    def chat():
        inbound = _inbound(request.get_json(silent=True))
        if isinstance(inbound, str):
            return _bad(inbound)
        gate = request_gate()
        refused = gate(inbound) if gate else None
        if refused:  # over a rate limit: said in words, and in the status for other clients
            return jsonify({"replies": [r.to_dict() for r in refused]}), 429, {"Retry-After": "10"}
        handled = get_engine().process(inbound)
        body = {"replies": [r.to_dict() for r in handled.replies]}
        if handled.retry:  # nothing of it was stored yet: send it again with the same msg_id
            return jsonify({**body, "retry": True}), 503, {"Retry-After": "2"}
        return jsonify(body)

    return bp
