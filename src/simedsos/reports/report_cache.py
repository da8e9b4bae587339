"""Built reports, kept in the cache until something happens in their units."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone, translation

from simedsos.accounts.models import WorkUnit
from simedsos.core.models import AuditEvent
from simedsos.reports.selectors import Period, Report, report_build


def units_last_event(unit_ids: list[int]) -> int:
    """The sequence of the newest audit event in any of the units (0 when none).

    Every transition, publication and SOP change writes an audit event in its unit, so this
    number moves whenever a figure of their report can. One index seek per unit
    (audit_unit_idx), not a scan of the log.
    """
    newest = (
        AuditEvent.objects.filter(work_unit_id=OuterRef("pk"))
        .order_by("-sequence")
        .values("sequence")[:1]
    )
    found = (
        WorkUnit.objects.filter(pk__in=unit_ids)
        .annotate(newest=Subquery(newest))
        .aggregate(value=Max("newest"))["value"]
    )
    return found or 0


def report_cached(*, unit: WorkUnit, period: Period, children: list[WorkUnit]) -> Report:
    """The report of `unit` (no authorization: callers check), built once per change.

    The key holds the newest audit event of the units, so a transition anywhere in them shows
    in the next view; REPORT_CACHE_SECONDS bounds how long figures that move without an event
    (none today) or a restored database could show old numbers.
    """
    unit_ids = [unit.pk, *(c.pk for c in children)]
    version = units_last_event(unit_ids)
    raw = f"{unit_ids}|{period.start}|{period.end}|{version}|{translation.get_language()}"
    key = "reports:v1:" + hashlib.sha256(raw.encode()).hexdigest()
    report = cache.get(key)
    if report is None:
        report = report_build(unit=unit, period=period, children=children)
        report.computed_at = timezone.now()
        cache.set(key, report, settings.REPORT_CACHE_SECONDS)
    return report
