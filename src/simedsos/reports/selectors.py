"""Report figures, computed by the database: each function is one aggregate query.

Definitions (the same on SQLite and PostgreSQL):
- a step run counts in a period when it *finished* inside the period (local dates, inclusive)
  and has a start time;
- working time = finished - started, waiting time = started - arrived, in elapsed seconds
  (wall-clock, not working hours: the timeline page shows working hours per item);
- within standard: working time <= the run's own step standard (minutes * 60); a breach is
  working time above it;
- percentiles: continuous (linear interpolation), see `reports.db`;
- an item counts when it finished (its last step) inside the period; its lead time runs from
  the disposition (the item's opening) to its last publication that went live;
- output: publications that went live inside the period.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, F, FloatField, Max, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from simedsos.accounts.authz import (
    ACTION_LABELS,
    GRANTS,
    Action,
    AuthorizationError,
    Capacity,
    authorize,
    capacities_of,
)
from simedsos.accounts.models import User, WorkUnit
from simedsos.content.models import ContentItem, ContentType, StepRun
from simedsos.publishing.models import Publication
from simedsos.publishing.platforms.limits import account_platform_choices
from simedsos.reports.db import PercentileCont, Seconds
from simedsos.sop.models import SopVersion

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
MAX_PERIOD_DAYS = 2 * 366


@dataclass(frozen=True)
class Period:
    """Local calendar days, both ends included."""

    start: datetime.date
    end: datetime.date

    @classmethod
    def semester(cls, year: int, half: int) -> Period:
        if half not in (1, 2):
            raise ValueError("half must be 1 or 2")
        if half == 1:
            return cls(datetime.date(year, 1, 1), datetime.date(year, 6, 30))
        return cls(datetime.date(year, 7, 1), datetime.date(year, 12, 31))

    @classmethod
    def current_semester(cls, today: datetime.date | None = None) -> Period:
        today = today or timezone.localdate()
        return cls.semester(today.year, 1 if today.month <= 6 else 2)

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00, day after end 00:00) in the site's time zone."""
        tz = timezone.get_current_timezone()
        low = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=tz)
        high = datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=tz
        )
        return low, high

    @property
    def label(self) -> str:
        def day(d: datetime.date) -> str:
            return f"{d.day} {MONTHS_ID[d.month - 1]} {d.year}"

        return f"{day(self.start)} – {day(self.end)}"


def semester_label(year: int, half: int) -> str:
    return f"Semester {'I' if half == 1 else 'II'} {year}"


# --- figures ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class StepFigures:
    unit_id: int
    number: int
    activity: str
    standard_minutes: int  # the smallest standard among the versions seen
    standard_minutes_max: int
    count: int
    within: int
    breaches: int
    working_median: float | None  # seconds
    working_p90: float | None
    waiting_median: float | None
    waiting_p90: float | None
    breach_excess_median: float | None  # seconds above the standard, over breaching runs

    @property
    def share_within(self) -> float | None:
        return self.within / self.count if self.count else None

    @property
    def median_over_standard(self) -> float | None:
        """Median working time minus the standard (seconds); negative when within."""
        if self.working_median is None:
            return None
        return self.working_median - self.standard_minutes * 60


def _runs_in(unit_ids, period: Period, sop_version: SopVersion | None = None):
    low, high = period.bounds()
    qs = StepRun.objects.filter(
        item__work_unit_id__in=list(unit_ids),
        finished_at__gte=low,
        finished_at__lt=high,
        started_at__isnull=False,
    )
    if sop_version is not None:
        qs = qs.filter(item__sop_version=sop_version)
    return qs.annotate(
        working=Seconds(F("finished_at"), F("started_at")),
        waiting=Seconds(F("started_at"), F("arrived_at")),
        standard_seconds=F("step__time_standard_minutes") * 60,
    )


def step_figures(
    *, unit_ids, period: Period, sop_version: SopVersion | None = None
) -> list[StepFigures]:
    """Per unit and step number: counts, median/p90 working and waiting time, breaches."""
    breach = Q(working__gt=F("standard_seconds"))
    rows = (
        _runs_in(unit_ids, period, sop_version)
        .values("item__work_unit_id", "step__number")
        .annotate(
            activity=Max("step__activity"),
            standard_min=Min("step__time_standard_minutes"),
            standard_max=Max("step__time_standard_minutes"),
            count=Count("pk"),
            breaches=Count("pk", filter=breach),
            working_median=PercentileCont("working", 0.5),
            working_p90=PercentileCont("working", 0.9),
            waiting_median=PercentileCont("waiting", 0.5),
            waiting_p90=PercentileCont("waiting", 0.9),
            breach_excess_median=PercentileCont(
                F("working") - F("standard_seconds"), 0.5, filter=breach
            ),
        )
        .order_by("item__work_unit_id", "step__number")
    )
    return [
        StepFigures(
            unit_id=r["item__work_unit_id"],
            number=r["step__number"],
            activity=r["activity"],
            standard_minutes=r["standard_min"],
            standard_minutes_max=r["standard_max"],
            count=r["count"],
            within=r["count"] - r["breaches"],
            breaches=r["breaches"],
            working_median=r["working_median"],
            working_p90=r["working_p90"],
            waiting_median=r["waiting_median"],
            waiting_p90=r["waiting_p90"],
            breach_excess_median=r["breach_excess_median"],
        )
        for r in rows
    ]


@dataclass(frozen=True)
class ItemFigures:
    unit_id: int
    items: int = 0  # finished in the period
    published_items: int = 0  # of which at least one publication went live
    lead_median: float | None = None  # seconds
    lead_p90: float | None = None
    returns_total: int = 0
    items_returned: int = 0
    returns_max: int = 0

    @property
    def returns_per_item(self) -> float | None:
        return self.returns_total / self.items if self.items else None


def item_figures(*, unit_ids, period: Period) -> dict[int, ItemFigures]:
    """Per unit: items finished, lead time (median, p90) and returns per item."""
    low, high = period.bounds()
    last_live = (
        Publication.objects.filter(item=OuterRef("pk"), status=Publication.Status.PUBLISHED)
        .order_by()
        .values("item")
        .annotate(last=Max("went_live_at"))
        .values("last")
    )
    lead = Seconds(Subquery(last_live), F("created_at"))
    rows = (
        ContentItem.objects.filter(
            work_unit_id__in=list(unit_ids), finished_at__gte=low, finished_at__lt=high
        )
        .order_by()
        .annotate(lead=lead)
        .values("work_unit_id")
        .annotate(
            items=Count("pk"),
            published_items=Count("lead"),
            lead_median=PercentileCont("lead", 0.5),
            lead_p90=PercentileCont("lead", 0.9),
            returns_total=Sum("return_count"),
            items_returned=Count("pk", filter=Q(return_count__gt=0)),
            returns_max=Max("return_count"),
        )
    )
    return {
        r["work_unit_id"]: ItemFigures(
            unit_id=r["work_unit_id"],
            items=r["items"],
            published_items=r["published_items"],
            lead_median=r["lead_median"],
            lead_p90=r["lead_p90"],
            returns_total=r["returns_total"] or 0,
            items_returned=r["items_returned"],
            returns_max=r["returns_max"] or 0,
        )
        for r in rows
    }


@dataclass(frozen=True)
class OutputRow:
    key: str
    label: str
    posts: int  # publications that went live
    items: int  # distinct content items among them


def _live_publications(unit_id: int, period: Period):
    low, high = period.bounds()
    return Publication.objects.filter(
        item__work_unit_id=unit_id,
        status=Publication.Status.PUBLISHED,
        went_live_at__gte=low,
        went_live_at__lt=high,
    ).order_by()


def _output_by(unit_id: int, period: Period, field: str, labels: dict) -> list[OutputRow]:
    """Posts and items that went live in the period, grouped by one field of the publication."""
    rows = (
        _live_publications(unit_id, period)
        .values(field)
        .annotate(posts=Count("pk"), items=Count("item", distinct=True))
        .order_by(field)
    )
    return [
        OutputRow(
            key=r[field], label=labels.get(r[field], r[field]), posts=r["posts"], items=r["items"]
        )
        for r in rows
    ]


def output_by_platform(*, unit_id: int, period: Period) -> list[OutputRow]:
    return _output_by(unit_id, period, "account__platform", dict(account_platform_choices()))


def output_by_content_type(*, unit_id: int, period: Period) -> list[OutputRow]:
    return _output_by(unit_id, period, "item__content_type", dict(ContentType.choices))


def output_by_month(*, unit_id: int, period: Period) -> list[OutputRow]:
    tz = timezone.get_current_timezone()
    rows = (
        _live_publications(unit_id, period)
        .annotate(month=TruncMonth("went_live_at", tzinfo=tz))
        .values("month")
        .annotate(posts=Count("pk"), items=Count("item", distinct=True))
        .order_by("month")
    )
    result = []
    for r in rows:
        month = r["month"]
        result.append(
            OutputRow(
                key=f"{month.year:04d}-{month.month:02d}",
                label=f"{MONTHS_ID[month.month - 1]} {month.year}",
                posts=r["posts"],
                items=r["items"],
            )
        )
    return result


@dataclass(frozen=True)
class WorkloadRow:
    user_id: int
    name: str
    runs: int
    items: int
    working_total: float  # seconds
    working_median: float | None
    breaches: int


def workload(*, unit_id: int, period: Period) -> list[WorkloadRow]:
    """Per person who finished step runs: how many, for how many items, how long."""
    rows = (
        _runs_in([unit_id], period)
        .filter(actor__isnull=False)
        .values("actor_id")
        .annotate(
            full_name=Max("actor__full_name"),
            username=Max("actor__username"),
            runs=Count("pk"),
            items=Count("item", distinct=True),
            working_total=Sum("working", output_field=FloatField()),
            working_median=PercentileCont("working", 0.5),
            breaches=Count("pk", filter=Q(working__gt=F("standard_seconds"))),
        )
        .order_by("-runs", "full_name")
    )
    return [
        WorkloadRow(
            user_id=r["actor_id"],
            name=r["full_name"] or r["username"],
            runs=r["runs"],
            items=r["items"],
            working_total=r["working_total"] or 0.0,
            working_median=r["working_median"],
            breaches=r["breaches"],
        )
        for r in rows
    ]


# --- the whole report ------------------------------------------------------------------------


@dataclass
class Report:
    unit: WorkUnit
    period: Period
    steps: list[StepFigures]
    items: ItemFigures
    platforms: list[OutputRow]
    content_types: list[OutputRow]
    months: list[OutputRow]
    workload: list[WorkloadRow]
    # Side by side: the unit itself and the units directly below it (a province's regencies).
    compared_units: list[WorkUnit] = field(default_factory=list)
    compared_steps: dict[int, dict[int, StepFigures]] = field(default_factory=dict)
    compared_items: dict[int, ItemFigures] = field(default_factory=dict)
    # When the figures were computed (reports are cached until their units change).
    computed_at: datetime.datetime | None = None

    @property
    def step_numbers(self) -> list[int]:
        numbers = {s.number for s in self.steps}
        for per_unit in self.compared_steps.values():
            numbers |= set(per_unit)
        return sorted(numbers)


def report_build(
    *, unit: WorkUnit, period: Period, children: list[WorkUnit] | None = None
) -> Report:
    """Every figure of the report for `unit` (no authorization: callers check).

    `children` (the units directly below, by code) saves a query when the caller has them.
    """
    if children is None:
        children = list(WorkUnit.objects.filter(parent=unit).order_by("code"))
    unit_ids = [unit.pk, *(c.pk for c in children)]
    all_steps = step_figures(unit_ids=unit_ids, period=period)
    all_items = item_figures(unit_ids=unit_ids, period=period)
    compared_steps: dict[int, dict[int, StepFigures]] = {pk: {} for pk in unit_ids}
    for figures in all_steps:
        compared_steps[figures.unit_id][figures.number] = figures
    report = Report(
        unit=unit,
        period=period,
        steps=[f for f in all_steps if f.unit_id == unit.pk],
        items=all_items.get(unit.pk, ItemFigures(unit_id=unit.pk)),
        platforms=output_by_platform(unit_id=unit.pk, period=period),
        content_types=output_by_content_type(unit_id=unit.pk, period=period),
        months=output_by_month(unit_id=unit.pk, period=period),
        workload=workload(unit_id=unit.pk, period=period),
    )
    if children:
        report.compared_units = [unit, *children]
        report.compared_steps = compared_steps
        report.compared_items = {pk: all_items.get(pk, ItemFigures(unit_id=pk)) for pk in unit_ids}
    return report


def report_for(
    *, user: User, unit: WorkUnit, period: Period, units: list[WorkUnit] | None = None
) -> Report:
    """The report, after checking that `user` may read it.

    `units` is `report_units(user=user)` when the caller has it: the unit must be among
    them (the same rule as `authorize`, read-down included) and its children come from it.
    """
    # Imported here: the cache module builds on this one.
    from simedsos.reports.report_cache import report_cached

    if units is None:
        authorize(user, Action.REPORT_VIEW, unit)
        children = list(WorkUnit.objects.filter(parent=unit).order_by("code"))
        return report_cached(unit=unit, period=period, children=children)
    if unit.pk not in {u.pk for u in units}:
        raise AuthorizationError(
            f"Anda tidak berwenang {ACTION_LABELS[Action.REPORT_VIEW]} di {unit.name}."
        )
    # Read-down reaches every unit below a visible one, so its children are in `units`.
    children = [u for u in units if u.parent_id == unit.pk]
    return report_cached(unit=unit, period=period, children=children)


def report_units(*, user: User, capacities: list[Capacity] | None = None) -> list[WorkUnit]:
    """Units whose reports the user may read (own units and, read-down, those below), in one
    query after the capacities."""
    granted, reaches_down = GRANTS[Action.REPORT_VIEW]
    if capacities is None:
        capacities = capacities_of(user)
    own = {c.work_unit.pk for c in capacities if c.role in granted}
    if not own:
        return []
    where = Q(pk__in=own)
    if reaches_down:
        where |= Q(parent_id__in=own) | Q(parent__parent_id__in=own)
    return list(WorkUnit.objects.filter(where).order_by("code"))
