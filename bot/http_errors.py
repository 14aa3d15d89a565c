"""No 5xx for any input: safe JSON parsing and JSON error answers for the whole app."""
from __future__ import annotations

import logging

from flask import Flask, has_request_context, jsonify, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

log = logging.getLogger(__name__)
# Machine endpoints answer errors in JSON; the admin UI and the chat page keep HTML pages.
JSON_PREFIXES = ("/api/", "/model/", "/telegram/")


class JSONTooDeep(BadRequest):
    description = "the JSON body is nested too deeply"


class SafeJSONProvider(DefaultJSONProvider):
    """Every `request.get_json()` of the app parses through here. A body nested deeper than
    Python's recursion limit (e.g. 100000 "[") would raise RecursionError, which is not a
    ValueError, so `get_json(silent=True)` would let it through as a 500."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            where = request.endpoint if has_request_context() else None
            log.warning("rejected a JSON body nested too deeply (endpoint %s)", where)
            raise JSONTooDeep() from None


def install_error_handling(app: Flask) -> None:
    """Safe JSON parsing, and JSON answers for 400, 413 and (under JSON_PREFIXES) 404/405."""
    app.json = SafeJSONProvider(app)
    app.json.ensure_ascii = False

    @app.errorhandler(413)
    def too_large(_e):
        return jsonify({"error": "request body too large"}), 413

    @app.errorhandler(400)
    def bad_request(e):
        return jsonify({"error": getattr(e, "description", "bad request")}), 400

    for status, message in ((404, "not found"), (405, "method not allowed")):
        app.register_error_handler(status, _json_for_machines(status, message))


def _json_for_machines(status: int, message: str):
    def handler(e):
        if request.path.startswith(JSON_PREFIXES):
            return jsonify({"error": message}), status
        return e
    return handler
