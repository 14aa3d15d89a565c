"""The overview a township head looks at: charts (Apache ECharts, served from our static
files) fed by a JSON endpoint scoped to the staff member's jurisdiction."""
from __future__ import annotations

from flask import jsonify, render_template

from admin.access import staff, timezone_name
from core.db import transaction
from core.services import stats


def dashboard(sessions):
    with transaction(sessions) as session:
        user = staff(session)
        data = stats.overview(session, user, timezone_name())
        return render_template("admin/dashboard.html", user=user, data=data,
                               counts=data["counts"], acceptance=data["acceptance"],
                               kids=data["children"])


def dashboard_data(sessions):
    """The same numbers for the charts (counts only, no names; read by static/dashboard.js)."""
    with transaction(sessions) as session:
        return jsonify(stats.overview(session, staff(session), timezone_name()))


GET = ["GET"]
ROUTES = (
    ("/", dashboard, GET),
    ("/dashboard.json", dashboard_data, GET),
)
