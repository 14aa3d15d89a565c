"""The routes of the overview pages, added to the staff UI's blueprint by admin/views.py:
dashboard, Excel exports, the audit screen and user management."""
from __future__ import annotations

from admin import audit_view, dashboard, exports

ROUTES = (*dashboard.ROUTES, *exports.ROUTES, *audit_view.ROUTES)
