"""A built report is reused until something happens in its units."""

import re

import pytest
from django.urls import reverse

from simedsos.core.audit import audit_record
from simedsos.reports import report_cache, selectors
from tests.factories import make_unit
from tests.reports.dataset import SEMESTER, at, build, make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build()


@pytest.fixture
def builds(monkeypatch):
    """Counts the reports actually computed."""
    calls = []
    real = report_cache.report_build

    def counting(**kwargs):
        calls.append(kwargs["unit"].pk)
        return real(**kwargs)

    monkeypatch.setattr(report_cache, "report_build", counting)
    return calls


def _items_finished(report) -> int:
    return report.items.items


def _add_item(data, title: str):
    w = data.world
    from tests.reports.dataset import _cycle

    item, _end = make_item(
        w.unit,
        w.version,
        title=title,
        content_type="INFOGRAFIS",
        created=at(5, 4),
        runs=_cycle(w, w.staf, [(0, 30, "")], [0], [2], 1),
        pubs=[(w.accounts[0], at(5, 4, 9, 46))],
        staff=w.staf,
        kabag=w.kabag,
    )
    return item


def test_second_view_reuses_the_report_and_says_when_it_was_computed(client, data, builds):
    w = data.world
    client.force_login(w.kabag)
    query = {"unit": w.unit.pk, "start": "2026-01-01", "end": "2026-06-30"}
    first = client.get(reverse("reports:report"), query).content.decode()
    second = client.get(reverse("reports:report"), query).content.decode()
    assert builds == [w.unit.pk]
    # The same figures: the tables (chart ids and the CSRF token differ per response).
    tables = [re.findall(r"<table.*?</table>", page, re.S) for page in (first, second)]
    assert tables[0] and tables[0] == tables[1]
    assert "angka per" in first and "angka per" in second


def test_an_event_in_the_unit_or_a_unit_below_shows_in_the_next_view(data, builds):
    w = data.world
    report = selectors.report_for(user=w.kabag, unit=w.unit, period=SEMESTER)
    before = _items_finished(report)
    item = _add_item(data, "F")
    # Rows written without an event (as no service does) are not seen yet...
    assert _items_finished(selectors.report_for(user=w.kabag, unit=w.unit, period=SEMESTER)) == (
        before
    )
    # ...the transition's audit event in the unit makes the next view recompute.
    audit_record(actor=w.staf, action="content.publish", obj=item, work_unit=w.unit)
    after = selectors.report_for(user=w.kabag, unit=w.unit, period=SEMESTER)
    assert _items_finished(after) == before + 1
    # An event in the regency below also belongs to the province's report (side by side).
    audit_record(actor=None, action="content.publish", obj=item, work_unit=data.regency)
    selectors.report_for(user=w.kabag, unit=w.unit, period=SEMESTER)
    assert builds == [w.unit.pk, w.unit.pk, w.unit.pk]


def test_an_event_elsewhere_keeps_the_cached_report(data, builds):
    w = data.world
    elsewhere = make_unit("6399", name="KPU Provinsi Kalimantan Selatan")
    selectors.report_for(user=w.kabag, unit=w.unit, period=SEMESTER)
    audit_record(actor=None, action="unit.update", obj=elsewhere, work_unit=elsewhere)
    selectors.report_for(user=w.kabag, unit=w.unit, period=SEMESTER)
    assert builds == [w.unit.pk]


def test_units_last_event_is_the_newest_event_of_those_units(data):
    w = data.world
    assert report_cache.units_last_event([w.unit.pk, data.regency.pk]) >= 0
    event = audit_record(actor=None, action="unit.update", obj=data.regency, work_unit=data.regency)
    assert report_cache.units_last_event([w.unit.pk, data.regency.pk]) == event.sequence
    assert report_cache.units_last_event([w.unit.pk]) < event.sequence
