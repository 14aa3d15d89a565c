"""The web channel: POST /api/chat (JSON) and a small chat page at /."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request

from core.messages import Inbound, Location

MAX_TEXT = 10_000


def _bad(message: str):
    return jsonify({"error": message}), 400


def make_blueprint(get_engine) -> Blueprint:
    bp = Blueprint("web", __name__, template_folder="templates")

    @bp.get("/")
    def page():
        return render_template("chat.html", region=current_app.config.get("REGION_NAME", ""))

    @bp.post("/api/chat")
    def chat():
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            return _bad("body must be a JSON object")
        user_id, text = body.get("user_id"), body.get("text", "")
        if not isinstance(user_id, str) or not user_id.strip() or len(user_id) > 128:
            return _bad("user_id must be a non-empty string (at most 128 characters)")
        if not isinstance(text, str):
            return _bad("text must be a string")
        location = None
        loc = body.get("location")
        if loc is not None:
            try:
                location = Location(lat=float(loc["lat"]), lng=float(loc["lng"]),
                                    label=str(loc.get("label") or ""))
            except (TypeError, KeyError, ValueError):
                return _bad("location must be {lat, lng, label?}")
            if not (-90 <= location.lat <= 90 and -180 <= location.lng <= 180):
                return _bad("location is out of range")
        inbound = Inbound(channel="web", user_id=user_id.strip(), text=text[:MAX_TEXT],
                          location=location, msg_id=body.get("msg_id") if isinstance(body.get("msg_id"), str) else None)
        handled = get_engine().process(inbound)
        body = {"replies": [r.to_dict() for r in handled.replies]}
        if handled.retry:  # nothing of it was stored yet: send it again with the same msg_id
            return jsonify({**body, "retry": True}), 503, {"Retry-After": "2"}
        return jsonify(body)

    return bp
