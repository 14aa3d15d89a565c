"""The overview a township head looks at: charts (Apache ECharts, served from our static
files) fed by a JSON endpoint scoped to the staff member's jurisdiction. The numbers come
from the summary tables while they are fresh (core/services/dashboard_summary.py), else
they are counted live."""
from __future__ import annotations

from flask import jsonify, render_template

from admin.access import dashboard_max_age, staff, timezone_name
from admin.child_context import rules
from core.db import transaction
from core.services import dashboard_summary


def dashboard(sessions):
    with transaction(sessions) as session:
        user = staff(session)
        data = dashboard_summary.overview(session, user, timezone_name(), max_age=dashboard_max_age(),
                                          rules=rules())
        return render_template("admin/dashboard.html", user=user, data=data,
                               counts=data["counts"], acceptance=data["acceptance"],
                               kids=data["children"])


def dashboard_data(sessions):
    """The same numbers for the charts (counts only, no names; read by static/dashboard.js)."""
    with transaction(sessions) as session:
        return jsonify(dashboard_summary.overview(session, staff(session), timezone_name(),
                                                  max_age=dashboard_max_age(), rules=rules()))


GET = ["GET"]
ROUTES = (
    ("/", dashboard, GET),
    ("/dashboard.json", dashboard_data, GET),
)
