"""A settable clock for timing tests: patches django.utils.timezone.now."""

from __future__ import annotations

import datetime
from contextlib import contextmanager
from unittest.mock import patch
from zoneinfo import ZoneInfo

JAKARTA = ZoneInfo("Asia/Jakarta")


def at(day: str, hhmm: str) -> datetime.datetime:
    """A local (Asia/Jakarta) moment, e.g. at("2026-11-25", "09:00")."""
    return datetime.datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=JAKARTA)


class Clock:
    def __init__(self, start: datetime.datetime) -> None:
        self.now = start

    def set(self, day: str, hhmm: str) -> datetime.datetime:
        self.now = at(day, hhmm)
        return self.now


@contextmanager
def frozen(start: datetime.datetime):
    clock = Clock(start)
    with patch("django.utils.timezone.now", side_effect=lambda: clock.now):
        yield clock
