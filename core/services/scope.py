"""Jurisdiction scoping: every staff query goes through these filters."""
from __future__ import annotations

from sqlalchemy import false, true

from core.models import Case, Child, StaffUser


def case_scope(user: StaffUser):
    scope = user.scope
    if scope == "region":
        return true()
    if scope == "township" and user.township_id:
        return Case.township_id == user.township_id
    if scope == "village" and user.village_id:
        return Case.village_id == user.village_id
    if scope == "school" and user.school is not None:
        return Case.assigned_unit == user.school.name
    return false()


def child_scope(user: StaffUser):
    scope = user.scope
    if scope == "region":
        return true()
    if scope == "township" and user.township_id:
        return Child.township_id == user.township_id
    if scope == "village" and user.village_id:
        return Child.village_id == user.village_id
    if scope == "school" and user.school_id:
        return Child.school_id == user.school_id
    return false()
