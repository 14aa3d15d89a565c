"""The routes of the overview pages, added to the staff UI's blueprint by admin/views.py:
dashboard, Excel exports, the audit screen and user management."""
from __future__ import annotations

from admin import dashboard, exports

ROUTES = (*dashboard.ROUTES, *exports.ROUTES)
