"""Holidays of a year, kept in the cache until one is added, changed or removed."""

from __future__ import annotations

import datetime
import time

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from simedsos.worktime.models import Holiday

# Bounds staleness where each process has its own cache (no REDIS_URL): another process's
# change is seen within this time; with Redis it is seen at once.
HOLIDAY_CACHE_SECONDS = 300
_GENERATION_KEY = "worktime:holidays:generation"


def _generation() -> int:
    generation = cache.get(_GENERATION_KEY)
    if generation is None:
        generation = time.time_ns()
        cache.add(_GENERATION_KEY, generation, None)
        generation = cache.get(_GENERATION_KEY, generation)
    return generation


def holidays_between(
    first_day: datetime.date, last_day: datetime.date
) -> list[tuple[datetime.date, int | None]]:
    """(date, unit id or None for national) of every holiday in [first_day, last_day].

    Pages that show working time (item page, Tugas Saya, overdue checks) ask on every view;
    holidays change a few times a year, so each year is read once and then served from the
    cache: one query per year at most, none on later views.
    """
    generation = _generation()
    found: list[tuple[datetime.date, int | None]] = []
    for year in range(first_day.year, last_day.year + 1):
        key = f"worktime:holidays:{year}:{generation}"
        rows = cache.get(key)
        if rows is None:
            rows = list(Holiday.objects.filter(date__year=year).values_list("date", "work_unit_id"))
            cache.set(key, rows, HOLIDAY_CACHE_SECONDS)
        found += [(day, unit) for day, unit in rows if first_day <= day <= last_day]
    return found


@receiver(post_save, sender=Holiday, dispatch_uid="worktime.holidays.saved")
@receiver(post_delete, sender=Holiday, dispatch_uid="worktime.holidays.deleted")
def forget_holidays(**kwargs) -> None:
    """A new generation: every cached year is read again on its next use."""
    cache.set(_GENERATION_KEY, time.time_ns(), None)
