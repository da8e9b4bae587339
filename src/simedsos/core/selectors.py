"""Reads of the audit log shared by the audit page and the item pages' history boxes.

These selectors do not authorise: callers decide which units the reader may see (the audit
page through `visible_unit_ids`, an item page by authorising the item itself).
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Q
from django.utils import timezone

from simedsos.accounts.authz import ACTION_LABELS
from simedsos.core.audit import AUDIT_ACTION_LABELS
from simedsos.core.models import AuditEvent

AUDIT_PAGE_SIZE = 50


@dataclass(frozen=True)
class DiffRow:
    key: str
    before: str  # "" when the key did not exist before
    after: str  # "" when the key no longer exists
    change: str  # "added", "removed" or "changed"


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def audit_diff(before: Any, after: Any) -> list[DiffRow]:
    """The keys whose values differ between before and after, in key order."""
    if before is None and after is None:
        return []
    if not isinstance(before, dict) or not isinstance(after, dict):
        if isinstance(before, dict) and after is None:
            after = {}
        elif isinstance(after, dict) and before is None:
            before = {}
        else:
            if before == after:
                return []
            change = "added" if before is None else "removed" if after is None else "changed"
            return [
                DiffRow(
                    "nilai",
                    "" if before is None else _show(before),
                    "" if after is None else _show(after),
                    change,
                )
            ]
    rows = []
    for key in sorted(set(before) | set(after)):
        if key in before and key in after:
            if before[key] == after[key]:
                continue
            rows.append(DiffRow(key, _show(before[key]), _show(after[key]), "changed"))
        elif key in after:
            rows.append(DiffRow(key, "", _show(after[key]), "added"))
        else:
            rows.append(DiffRow(key, _show(before[key]), "", "removed"))
    return rows


@dataclass
class AuditFilters:
    object_type: str = ""
    object_id: str = ""
    actor_ids: frozenset[int] | None = None  # None: anyone; empty: nobody matched, no events
    action: str = ""  # prefix: "draft" finds draft.create and draft.submit
    unit_id: int | None = None
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None


@dataclass
class AuditPage:
    events: list[AuditEvent]  # each with `.diff` (list of DiffRow) and `.object_label`
    newer_cursor: int | None  # pass as `after` to see newer events; None on the newest page
    older_cursor: int | None  # pass as `before` to see older events; None on the oldest page


@functools.cache
def object_type_label(label: str) -> str:
    """ "sop.SopVersion" -> "versi SOP" (the model's verbose name), or the label itself."""
    try:
        return str(apps.get_model(label)._meta.verbose_name)
    except (LookupError, ValueError):
        return label


def _decorate(events: list[AuditEvent]) -> list[AuditEvent]:
    for event in events:
        event.diff = audit_diff(event.before, event.after)
        event.object_label = object_type_label(event.object_type)
        event.action_label = AUDIT_ACTION_LABELS.get(event.action) or ACTION_LABELS.get(
            event.action, ""
        )
    return events


def _day_start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def audit_events_visible(*, unit_ids: Iterable[int], include_system: bool) -> models.QuerySet:
    """Events of the given units, plus events without a unit when `include_system`."""
    condition = Q(work_unit_id__in=list(unit_ids))
    if include_system:
        condition |= Q(work_unit__isnull=True)
    return AuditEvent.objects.filter(condition)


def _filtered(queryset: models.QuerySet, filters: AuditFilters) -> models.QuerySet:
    if filters.object_type:
        queryset = queryset.filter(object_type=filters.object_type)
    if filters.object_id:
        queryset = queryset.filter(object_id=filters.object_id)
    if filters.actor_ids is not None:
        if not filters.actor_ids:
            return queryset.none()
        queryset = queryset.filter(actor_id__in=sorted(filters.actor_ids))
    if filters.action:
        queryset = queryset.filter(action__startswith=filters.action)
    if filters.unit_id is not None:
        queryset = queryset.filter(work_unit_id=filters.unit_id)
    if filters.date_from:
        queryset = queryset.filter(occurred_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        next_day = filters.date_to + datetime.timedelta(days=1)
        queryset = queryset.filter(occurred_at__lt=_day_start(next_day))
    return queryset


def audit_log_page(
    queryset: models.QuerySet,
    filters: AuditFilters,
    *,
    before: int | None = None,
    after: int | None = None,
    page_size: int = AUDIT_PAGE_SIZE,
) -> AuditPage:
    """One page of events, newest first, by keyset on `sequence`.

    No COUNT over the log: one extra row tells whether another page exists, so the page costs
    the same on a log of a thousand or ten million events. `before` pages towards older
    events, `after` towards newer ones.
    """
    queryset = _filtered(queryset, filters).select_related("work_unit")
    if after is not None:
        rows = list(queryset.filter(sequence__gt=after).order_by("sequence")[: page_size + 1])
        has_more_newer = len(rows) > page_size
        events = list(reversed(rows[:page_size]))
        newer_cursor = events[0].sequence if events and has_more_newer else None
        older_cursor = events[-1].sequence if events else None
        # Older events exist: we came from there. An empty result means `after` was past the
        # newest; show nothing further rather than an extra query.
    else:
        if before is not None:
            queryset = queryset.filter(sequence__lt=before)
        rows = list(queryset.order_by("-sequence")[: page_size + 1])
        events = rows[:page_size]
        older_cursor = events[-1].sequence if len(rows) > page_size else None
        newer_cursor = events[0].sequence if events and before is not None else None
    return AuditPage(events=_decorate(events), newer_cursor=newer_cursor, older_cursor=older_cursor)


def audit_events_for(obj: models.Model, limit: int = 20) -> list[AuditEvent]:
    """The newest `limit` events about one object, decorated like an AuditPage's events."""
    events = AuditEvent.objects.filter(object_type=obj._meta.label, object_id=str(obj.pk))
    return _decorate(list(events.select_related("work_unit").order_by("-sequence")[:limit]))
