"""Counting working seconds between two moments.

Settings (read with getattr so a deployment may override them):
- WORK_HOURS: ("07:30", "16:00") — the working day, local time (TIME_ZONE);
- WORK_DAYS: (0, 1, 2, 3, 4) — Monday..Friday as `date.weekday()` numbers;
- holidays: `Holiday` rows, national (no unit) and per unit.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone

from simedsos.worktime.holidays import holidays_between

DEFAULT_WORK_HOURS = ("07:30", "16:00")
DEFAULT_WORK_DAYS = (0, 1, 2, 3, 4)


def _parse_time(value: str | datetime.time) -> datetime.time:
    if isinstance(value, datetime.time):
        return value
    hours, minutes = value.split(":")
    return datetime.time(int(hours), int(minutes))


@dataclass
class WorkCalendar:
    """Working hours plus the holidays of a date range, loaded once (one query).

    Build it with `WorkCalendar.load(first_day, last_day)` and ask it about any span inside
    that range as often as needed: lists of step runs cost one query, not one per row.
    """

    day_start: datetime.time
    day_end: datetime.time
    work_days: frozenset[int]
    # date -> ids of units off that day; None in the set = a national holiday
    holidays: dict[datetime.date, set[int | None]] = field(default_factory=dict)

    @classmethod
    def load(cls, first_day: datetime.date, last_day: datetime.date) -> WorkCalendar:
        start, end = getattr(settings, "WORK_HOURS", DEFAULT_WORK_HOURS)
        days = getattr(settings, "WORK_DAYS", DEFAULT_WORK_DAYS)
        holidays: dict[datetime.date, set[int | None]] = defaultdict(set)
        for day, unit_id in holidays_between(first_day, last_day):
            holidays[day].add(unit_id)
        return cls(
            day_start=_parse_time(start),
            day_end=_parse_time(end),
            work_days=frozenset(days),
            holidays=dict(holidays),
        )

    @classmethod
    def for_span(cls, start: datetime.datetime, end: datetime.datetime) -> WorkCalendar:
        return cls.load(timezone.localdate(start), timezone.localdate(max(start, end)))

    def is_working_day(self, day: datetime.date, unit_id: int | None = None) -> bool:
        if day.weekday() not in self.work_days:
            return False
        off = self.holidays.get(day, ())
        return None not in off and (unit_id is None or unit_id not in off)

    def seconds_between(
        self, start: datetime.datetime, end: datetime.datetime, unit_id: int | None = None
    ) -> int:
        """Working seconds in [start, end); 0 when end is not after start."""
        if end <= start:
            return 0
        tz = timezone.get_current_timezone()
        start_local = timezone.localtime(start, tz)
        end_local = timezone.localtime(end, tz)
        total = 0.0
        day = start_local.date()
        while day <= end_local.date():
            if self.is_working_day(day, unit_id):
                opens = datetime.datetime.combine(day, self.day_start, tzinfo=tz)
                closes = datetime.datetime.combine(day, self.day_end, tzinfo=tz)
                lo = max(opens, start_local)
                hi = min(closes, end_local)
                if hi > lo:
                    total += (hi - lo).total_seconds()
            day += datetime.timedelta(days=1)
        return int(total)


def working_seconds_between(start: datetime.datetime, end: datetime.datetime, *, unit=None) -> int:
    """Working seconds between two moments for a unit (its holidays and the national ones)."""
    if end <= start:
        return 0
    calendar = WorkCalendar.for_span(start, end)
    return calendar.seconds_between(start, end, getattr(unit, "pk", unit))
