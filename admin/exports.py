"""Excel exports of the case and child ledgers (台账): scoped, audited, written to a
temporary file (write-only workbook) and streamed from there."""
from __future__ import annotations

import tempfile

from flask import send_file

from admin.access import source, staff, timezone_name
from core.db import transaction
from core.services import exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _send(write, filename: str, sessions):
    # An unnamed temporary file (gone when closed, readable by this process only): the
    # ledger holds personal data and is never kept on the server.
    out = tempfile.TemporaryFile()  # noqa: SIM115 - send_file closes it after streaming
    try:
        with transaction(sessions) as session:
            user = staff(session, "export")
            write(session, user, out, timezone_name(), source=source())
    except BaseException:
        out.close()
        raise
    out.seek(0)
    return send_file(out, mimetype=XLSX, as_attachment=True,
                     download_name=f"{filename}-{exports.stamp(tz_name=timezone_name())}.xlsx")


def cases_xlsx(sessions):
    return _send(exports.write_cases, "案件台账", sessions)


def children_xlsx(sessions):
    return _send(exports.write_children, "留守儿童台账", sessions)


GET = ["GET"]
ROUTES = (
    ("/export/cases.xlsx", cases_xlsx, GET),
    ("/export/children.xlsx", children_xlsx, GET),
)
