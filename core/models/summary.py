"""The dashboard's summary tables: county aggregates recomputed by a periodic task
(core/services/dashboard_summary.py), so the county dashboard reads a few thousand rows
instead of counting 200,000 cases and 1,000,000 children on every page view.

Counts only, never a name. Each row carries the columns a jurisdiction scope filters on
(township, village, assigned office, school), so core/services/scope.py scopes a summary
row exactly as it scopes the case or child it counts.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class DashboardRefresh(Base):
    """One row: when the summaries were last recomputed, and in which timezone (the
    month of a case is a local month)."""
    __tablename__ = "dashboard_refresh"
    id: Mapped[int] = mapped_column(primary_key=True)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC, the `now` counted at
    tz: Mapped[str] = mapped_column(String(64))
    took_ms: Mapped[int] = mapped_column(Integer, default=0)


class CaseMonthSummary(Base):
    """Cases per local month of filing × township × village × office × category × status,
    with the acceptance figures as of the refresh."""
    __tablename__ = "dashboard_case_month"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))  # 'YYYY-MM', local time
    township_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    village_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    assigned_unit: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    cases: Mapped[int] = mapped_column(Integer)
    due: Mapped[int] = mapped_column(Integer)         # due for acceptance (accepted, or past the deadline)
    on_time: Mapped[int] = mapped_column(Integer)     # of those, accepted by the deadline
    late_unaccepted: Mapped[int] = mapped_column(Integer)  # still 'submitted' past the deadline


class CaseTownMonthSummary(Base):
    """The same without the village (a tenth of the rows): what a county, township, school
    or office reads. Summed from dashboard_case_month by the same refresh."""
    __tablename__ = "dashboard_case_town_month"
    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(String(7))
    township_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    assigned_unit: Mapped[str] = mapped_column(String(100))
    category: Mapped[str] = mapped_column(String(30))
    status: Mapped[str] = mapped_column(String(20))
    cases: Mapped[int] = mapped_column(Integer)
    due: Mapped[int] = mapped_column(Integer)
    on_time: Mapped[int] = mapped_column(Integer)
    late_unaccepted: Mapped[int] = mapped_column(Integer)


class ChildPlaceSummary(Base):
    """Left-behind children per township × village × school, and those of them whose
    monthly contact or quarterly home visit is overdue, as of the refresh."""
    __tablename__ = "dashboard_child_place"
    id: Mapped[int] = mapped_column(primary_key=True)
    township_id: Mapped[int] = mapped_column(Integer)
    village_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    school_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    left_behind: Mapped[int] = mapped_column(Integer)
    contact_overdue: Mapped[int] = mapped_column(Integer)
    home_visit_overdue: Mapped[int] = mapped_column(Integer)


SUMMARY_INDEXES = (
    Index("ix_dashboard_case_month_village", CaseMonthSummary.village_id),
    Index("ix_dashboard_case_town_month_township", CaseTownMonthSummary.township_id),
    Index("ix_dashboard_case_town_month_unit", CaseTownMonthSummary.assigned_unit),
    Index("ix_dashboard_child_place_township", ChildPlaceSummary.township_id),
)
