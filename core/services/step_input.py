"""Checking what staff enter for a case step: codes from core/step_content.py, short notes.

Each checker takes the submitted fields (a dict: strings, lists of strings, a date) and
returns (note, detail), or raises Invalid with a message staff can act on. The web forms
(admin/step_forms.py) check the same things first; this is the rule, for every caller.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from core import step_content as sc
from core.services.errors import Invalid

NOTE_MAX = 1000


def _note(fields: dict, key: str = "note", required: str | None = None) -> str | None:
    text = str(fields.get(key) or "").strip()
    if len(text) > NOTE_MAX:
        raise Invalid(f"说明太长了（最多{NOTE_MAX}字）。")
    if required and not text:
        raise Invalid(required)
    return text or None


def _one(fields: dict, key: str, table: dict, missing: str) -> str:
    value = fields.get(key)
    if value not in table:
        raise Invalid(missing)
    return value


def _some(fields: dict, key: str, table: dict) -> list[str]:
    values = [v for v in (fields.get(key) or []) if v]
    unknown = [v for v in values if v not in table]
    if unknown:
        raise Invalid("有一项选择不在清单里，请重新选择。")
    return list(dict.fromkeys(values))


def _plain(fields):
    return _note(fields), None


def _respond(fields):
    mode = _one(fields, "mode", sc.RESPONSE_MODES, "请选择处置方式：出警、上门核查或电话核实。")
    measures = _some(fields, "measures", sc.MEASURES)
    if not measures:
        raise Invalid("请至少选择一项已采取的应急处置措施。")
    return _note(fields), {"mode": mode, "measures": measures}


def _refer(fields):
    return _note(fields, required="请写明向乡镇通报了什么（处置情况、孩子现在在哪里）。"), None


def _assess(fields):
    detail = {}
    for key, (name, ratings) in sc.ASSESSMENT.items():
        rating = _one(fields, f"{key}_rating", ratings, f"请评定“{name}”。")
        detail[key] = {"rating": rating, "note": _note(fields, f"{key}_note") or ""}
    return _note(fields), detail


def _assist(fields):
    services = _some(fields, "services", sc.SERVICES)
    interventions = _some(fields, "interventions", sc.INTERVENTIONS)
    if not services and not interventions:
        raise Invalid("请至少选择一项帮扶服务或监护干预措施。")
    return _note(fields), {"services": services, "interventions": interventions}


def _visit(fields):
    day = fields.get("visited_on")
    today = fields.get("today")
    if not isinstance(day, date):
        raise Invalid("请填写随访日期。")
    if isinstance(today, date) and day > today:
        raise Invalid("随访日期不能是将来的日子。")
    way = _one(fields, "way", sc.VISIT_WAYS, "请选择随访方式。")
    finding = _one(fields, "finding", sc.VISIT_FINDINGS, "请选择孩子现在的情况。")
    return _note(fields), {"visited_on": day.isoformat(), "way": way, "finding": finding}


def _close(fields):
    reason = _one(fields, "reason", sc.CLOSE_REASONS, "请选择结案原因。")
    note = _note(fields, required="选择“其他”时请写明结案原因。" if reason == "other" else None)
    return note, {"reason": reason}


def _merge(fields):
    number = str(fields.get("original") or "").strip().upper()
    if not number:
        raise Invalid("请填写要并入的原案件编号。")
    return _note(fields), {"original": number[:40]}


def _unlink(fields):
    return _note(fields, required="请写明为什么不是同一事件。"), None


CHECKS: dict[str, Callable[[dict], tuple[str | None, dict | None]]] = {
    "accept": _plain, "respond": _respond, "refer": _refer, "assess": _assess,
    "assist": _assist, "monitor": _plain, "follow_up": _plain, "visit": _visit,
    "close": _close, "merge": _merge, "unlink": _unlink,
}


def check(code: str, fields: dict) -> tuple[str | None, dict | None]:
    return CHECKS[code](fields)
