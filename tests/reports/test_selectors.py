"""Report figures against values computed by hand from tests/reports/dataset.py.

Percentile method (both databases): continuous, linear interpolation. Sort the n values
v[0..n-1]; position p = q * (n - 1); result = v[floor p] + (v[ceil p] - v[floor p]) * frac(p).
"""

import pytest

from simedsos.reports import selectors
from simedsos.reports.db import percentile_cont
from simedsos.reports.selectors import Period
from tests.reports.dataset import MIN, SEMESTER, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return build()


def by_number(figures):
    return {f.number: f for f in figures}


def test_percentile_definition():
    assert percentile_cont([30, 50, 70, 90, 130], 0.5) == 70
    assert percentile_cont([30, 50, 70, 90, 130], 0.9) == pytest.approx(114)
    assert percentile_cont([1, 2, 3, 5], 0.5) == 2.5
    assert percentile_cont([1, 2, 3, 5], 0.9) == pytest.approx(4.4)
    assert percentile_cont([], 0.5) is None


def test_step_figures_match_hand_computed_values(data):
    steps = by_number(selectors.step_figures(unit_ids=[data.world.unit.pk], period=SEMESTER))
    assert sorted(steps) == [1, 2, 3, 4, 5, 6]

    # Step 2 (standard 60 min): working 30, 50, 70, 90, 130 minutes.
    s2 = steps[2]
    assert s2.count == 5
    assert s2.working_median == pytest.approx(70 * MIN)
    # p = 0.9 * 4 = 3.6 -> 90 + 0.6 * (130 - 90) = 114
    assert s2.working_p90 == pytest.approx(114 * MIN)
    # waiting 0, 10, 20, 30, 40 -> median 20, p90 30 + 0.6 * 10 = 36
    assert s2.waiting_median == pytest.approx(20 * MIN)
    assert s2.waiting_p90 == pytest.approx(36 * MIN)
    assert (s2.within, s2.breaches) == (2, 3)
    assert s2.share_within == pytest.approx(0.4)
    # breaches 70, 90, 130 exceed by 10, 30, 70 -> median 30; median over standard 70 - 60
    assert s2.breach_excess_median == pytest.approx(30 * MIN)
    assert s2.median_over_standard == pytest.approx(10 * MIN)
    assert s2.standard_minutes == 60

    # Step 4 (standard 5 min): working 2, 4, 6, 8, 3 -> sorted 2, 3, 4, 6, 8.
    s4 = steps[4]
    assert s4.count == 5
    assert s4.working_median == pytest.approx(4 * MIN)
    assert s4.working_p90 == pytest.approx((6 + 0.6 * 2) * MIN)  # 7.2
    # waiting 10, 0, 0, 0, 0 -> median 0, p90 = 0 + 0.6 * 10 = 6
    assert s4.waiting_median == pytest.approx(0)
    assert s4.waiting_p90 == pytest.approx(6 * MIN)
    assert (s4.within, s4.breaches) == (3, 2)
    assert s4.breach_excess_median == pytest.approx(2 * MIN)  # over by 1 and 3

    # Step 6 (standard 1 min), an even count: 1, 2, 3, 5.
    s6 = steps[6]
    assert s6.count == 4
    assert s6.working_median == pytest.approx(2.5 * MIN)
    assert s6.working_p90 == pytest.approx(4.4 * MIN)  # p = 2.7 -> 3 + 0.7 * 2
    assert (s6.within, s6.breaches) == (1, 3)  # exactly 1 minute is within the standard
    assert s6.share_within == pytest.approx(0.25)

    # Steps 1, 3 and 5: always exactly one minute, all within.
    assert (steps[1].count, steps[1].breaches, steps[1].share_within) == (4, 0, 1.0)
    assert (steps[3].count, steps[3].breaches) == (5, 0)
    assert steps[5].working_median == pytest.approx(60)
    assert steps[5].breach_excess_median is None


def test_item_figures_lead_time_and_returns(data):
    unit = data.world.unit
    figures = selectors.item_figures(unit_ids=[unit.pk], period=SEMESTER)[unit.pk]
    # A, B, C, D finished in semester I; E finished 1 July local time (30 June in UTC).
    assert figures.items == 4
    assert figures.published_items == 4
    # Lead times (to the last publication): A 46, B 166, C 134, D 181 minutes.
    # Sorted 46, 134, 166, 181: median (134 + 166) / 2 = 150; p90 p = 2.7 -> 166 + 0.7 * 15.
    assert figures.lead_median == pytest.approx(150 * MIN)
    assert figures.lead_p90 == pytest.approx(176.5 * MIN)
    assert (figures.returns_total, figures.items_returned, figures.returns_max) == (1, 1, 1)
    assert figures.returns_per_item == pytest.approx(0.25)


def test_output_by_platform_type_and_month(data):
    unit_id = data.world.unit.pk
    platforms = selectors.output_by_platform(unit_id=unit_id, period=SEMESTER)
    assert [(r.key, r.posts, r.items) for r in platforms] == [
        ("FACEBOOK", 3, 3),
        ("INSTAGRAM", 4, 4),
    ]
    types = selectors.output_by_content_type(unit_id=unit_id, period=SEMESTER)
    assert [(r.key, r.label, r.posts, r.items) for r in types] == [
        ("INFOGRAFIS", "Infografis", 4, 2),
        ("VIDEO", "Video", 3, 2),
    ]
    months = selectors.output_by_month(unit_id=unit_id, period=SEMESTER)
    assert [(r.key, r.label, r.posts, r.items) for r in months] == [
        ("2026-01", "Januari 2026", 2, 1),
        ("2026-02", "Februari 2026", 2, 1),
        ("2026-03", "Maret 2026", 1, 1),
        ("2026-04", "April 2026", 2, 1),
    ]
    # Semester II holds item E only: went live 1 July 00:06:30 local time.
    july = selectors.output_by_month(unit_id=unit_id, period=Period.semester(2026, 2))
    assert [(r.key, r.posts) for r in july] == [("2026-07", 1)]


def test_workload_per_person(data):
    w = data.world
    rows = selectors.workload(unit_id=w.unit.pk, period=SEMESTER)
    got = {r.user_id: r for r in rows}
    assert [r.user_id for r in rows] == [w.staf.pk, w.kabag.pk, w.kasubbag.pk, w.staf2.pk]
    # staf: step 2 (30, 50, 70, 90), step 3 (four times 1), step 6 (1, 2, 3) = 11 runs.
    staf = got[w.staf.pk]
    assert (staf.runs, staf.items, staf.breaches) == (11, 3, 4)
    assert staf.working_total == pytest.approx(250 * MIN)
    assert staf.working_median == pytest.approx(2 * MIN)  # 6th of 1,1,1,1,1,2,3,30,50,70,90
    kabag = got[w.kabag.pk]
    assert (kabag.runs, kabag.items, kabag.breaches) == (8, 4, 0)
    assert kabag.working_total == pytest.approx(8 * MIN)
    kasubbag = got[w.kasubbag.pk]
    assert (kasubbag.runs, kasubbag.breaches) == (5, 2)
    assert kasubbag.working_total == pytest.approx(23 * MIN)
    assert kasubbag.working_median == pytest.approx(4 * MIN)
    staf2 = got[w.staf2.pk]
    assert (staf2.runs, staf2.items, staf2.breaches) == (3, 1, 2)
    assert staf2.working_total == pytest.approx(136 * MIN)
    assert staf2.working_median == pytest.approx(5 * MIN)


def test_province_sees_its_regencies_side_by_side(data):
    w = data.world
    report = selectors.report_build(unit=w.unit, period=SEMESTER)
    assert [u.pk for u in report.compared_units] == [w.unit.pk, data.regency.pk]
    regency_steps = report.compared_steps[data.regency.pk]
    assert regency_steps[2].count == 1
    assert regency_steps[2].working_median == pytest.approx(45 * MIN)
    assert report.compared_items[data.regency.pk].items == 1
    assert report.compared_steps[w.unit.pk][2].count == 5
    # The other province's item appears nowhere.
    assert w.other_unit.pk not in report.compared_steps
    # A regency has nothing below it: no comparison.
    regency_report = selectors.report_build(unit=data.regency, period=SEMESTER)
    assert regency_report.compared_units == []
    assert [s.count for s in regency_report.steps] == [1, 1, 1, 1, 1, 1]


def test_sop_version_filter(data):
    from tests.content.builders import make_sop_version

    newer = make_sop_version(data.world.unit, revision=1, sop=data.world.version.sop)
    assert (
        selectors.step_figures(unit_ids=[data.world.unit.pk], period=SEMESTER, sop_version=newer)
        == []
    )
    pinned = selectors.step_figures(
        unit_ids=[data.world.unit.pk], period=SEMESTER, sop_version=data.world.version
    )
    assert by_number(pinned)[2].count == 5
