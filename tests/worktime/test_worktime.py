"""Working seconds: working hours, working days, national and unit holidays."""

import datetime

import pytest

from simedsos.worktime.models import Holiday
from simedsos.worktime.services import working_seconds_between
from tests.content.clock import at
from tests.factories import make_unit

pytestmark = pytest.mark.django_db


def test_within_one_working_day():
    assert working_seconds_between(at("2026-11-25", "09:00"), at("2026-11-25", "10:30")) == 5400


def test_outside_hours_and_reversed_spans_count_nothing():
    assert working_seconds_between(at("2026-11-25", "16:30"), at("2026-11-25", "23:00")) == 0
    assert working_seconds_between(at("2026-11-25", "05:00"), at("2026-11-25", "07:30")) == 0
    assert working_seconds_between(at("2026-11-25", "10:00"), at("2026-11-25", "09:00")) == 0


def test_overnight_and_weekend():
    # Friday 15:00 -> Monday 08:30: one hour on Friday, one on Monday.
    assert working_seconds_between(at("2026-11-27", "15:00"), at("2026-11-30", "08:30")) == 7200
    # A full working day is 8.5 hours.
    assert working_seconds_between(at("2026-11-25", "00:00"), at("2026-11-26", "00:00")) == 30600


def test_holidays_national_and_per_unit():
    unit = make_unit("62")
    other = make_unit("63")
    Holiday.objects.create(date=datetime.date(2026, 11, 26), name="Libur nasional")
    Holiday.objects.create(date=datetime.date(2026, 11, 27), name="Hari jadi", work_unit=unit)
    start, end = at("2026-11-25", "15:00"), at("2026-11-30", "08:30")
    # Wed 1h, Thu national holiday, Fri holiday only for `unit`, Mon 1h.
    assert working_seconds_between(start, end, unit=unit) == 7200
    assert working_seconds_between(start, end, unit=other) == 7200 + 30600
    assert working_seconds_between(start, end) == 7200 + 30600


def test_hours_and_days_come_from_settings(settings):
    settings.WORK_HOURS = ("08:00", "12:00")
    settings.WORK_DAYS = (0, 1, 2, 3, 4, 5)
    # Saturday is a working day now, mornings only.
    assert working_seconds_between(at("2026-11-28", "07:00"), at("2026-11-28", "13:00")) == 14400


def test_holidays_are_read_once_and_a_change_is_seen_at_once(django_assert_num_queries):
    unit = make_unit("62")
    start, end = at("2026-11-25", "15:00"), at("2026-11-30", "08:30")
    assert working_seconds_between(start, end, unit=unit) == 7200 + 2 * 30600
    with django_assert_num_queries(0):  # the year's holidays come from the cache now
        assert working_seconds_between(start, end, unit=unit) == 7200 + 2 * 30600
    holiday = Holiday.objects.create(date=datetime.date(2026, 11, 26), name="Libur nasional")
    assert working_seconds_between(start, end, unit=unit) == 7200 + 30600
    holiday.delete()
    assert working_seconds_between(start, end, unit=unit) == 7200 + 2 * 30600


def test_a_span_over_new_year_reads_both_years():
    Holiday.objects.create(date=datetime.date(2026, 12, 31), name="Cuti bersama")
    Holiday.objects.create(date=datetime.date(2027, 1, 1), name="Tahun baru")
    # Wed 30 Dec 15:00 -> Mon 4 Jan 08:30: 31 Dec and 1 Jan are off.
    assert working_seconds_between(at("2026-12-30", "15:00"), at("2027-01-04", "08:30")) == 7200
