"""Whether a child is left behind (留守儿童), and what in an entrustment is a concern.

Left-behind status is DERIVED, never typed in: both parents away, or one away and the
other unable to care (or absent), for 3 months or more, with the child under 16
(国发〔2016〕13号). The child file, the API and the exports all call `status`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

LEFT_BEHIND_AGE = 16
AWAY_MONTHS = 3
GUARDIAN_MIN_AGE, GUARDIAN_MAX_AGE = 18, 70
NO_CARE = ("away", "unable", "none")  # the other parent cannot look after the child

CONCERNS = {
    "no_guardian": "孩子不满16岁，父母都不在身边，却没有委托照顾的人。按规定不能让孩子单独居住生活",
    "guardian_young": "照顾孩子的人未满18岁，按规定不能作为被委托人",
    "guardian_old": "照顾孩子的人已超过70岁，年纪大了可能照顾不过来",
    "guardian_unable": "照顾孩子的人身体不好，可能没有能力照顾孩子",
    "guardian_apart": "照顾孩子的人不和孩子住在一起，孩子平时可能没人看着",
}


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)


@dataclass(frozen=True)
class Status:
    left_behind: bool
    reason: str  # why (or why not), in plain Chinese for staff


def status(child, entrustment, today: date) -> Status:
    """The one definition. `entrustment` is the current one (or None)."""
    if entrustment is None or entrustment.ended_at is not None:
        return Status(False, "父母在家，没有委托监护" if entrustment is not None else "没有委托监护登记")
    if entrustment.other_parent not in NO_CARE:
        return Status(False, "另一位家长在家照顾")
    age = age_on(child.birth_date, today)
    if age is None or age >= LEFT_BEHIND_AGE:
        return Status(False, "已满16岁" if age is not None else "不知道孩子的年龄")
    since = entrustment.left_on or entrustment.start_date
    if since is None or months_between(since, today) < AWAY_MONTHS:
        return Status(False, "外出还不满3个月")
    return Status(True, "父母都外出（或一方外出、另一方无力照顾）满3个月，孩子不满16岁")


def concerns(child_ages: list[int | None], other_parent: str | None, guardian: dict) -> list[str]:
    """Policy checks on one registration; codes of CONCERNS, in order."""
    found = []
    young = any(a is not None and a < LEFT_BEHIND_AGE for a in child_ages)
    if not guardian.get("name"):
        if young and other_parent in NO_CARE:
            found.append("no_guardian")
        return found
    age = guardian.get("age")
    if age is not None and age < GUARDIAN_MIN_AGE:
        found.append("guardian_young")
    if age is not None and age > GUARDIAN_MAX_AGE:
        found.append("guardian_old")
    if guardian.get("health") in ("ill", "disabled"):
        found.append("guardian_unable")
    if guardian.get("lives_with") is False:
        found.append("guardian_apart")
    return found
