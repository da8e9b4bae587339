"""Reads of content items that pages and the API share: inbox, list, item page, timeline.

Each issues a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from simedsos.accounts.authz import (
    Action,
    AuthorizationError,
    capacities_of,
    find_capacity,
    visible_unit_ids,
)
from simedsos.accounts.models import User
from simedsos.accounts.roles import Role
from simedsos.content.models import ContentItem, DraftRevision, ReviewComment, StepRun
from simedsos.publishing.models import Publication, SocialAccount
from simedsos.worktime.services import WorkCalendar

DEFAULT_OVERDUE_FACTOR = 2
# Roles whose steps wait in a shared queue of the unit (staff steps wait for the assignee).
QUEUE_ROLES = frozenset({Role.KABAG, Role.KASUBBAG, Role.ADMIN})


def overdue_factor() -> float:
    return float(getattr(settings, "OVERDUE_FACTOR", DEFAULT_OVERDUE_FACTOR))


@dataclass(frozen=True)
class InboxEntry:
    """One step waiting for the user."""

    run: StepRun
    item: ContentItem
    step_number: int
    activity: str
    arrived_at: datetime.datetime
    started_at: datetime.datetime | None
    capacity: str  # how it reached the user: "ditugaskan kepada Anda" or the role queue
    elapsed_seconds: int  # working seconds since it arrived
    standard_seconds: int
    over_standard: bool  # elapsed > the step's standard
    overdue: bool  # elapsed > OVERDUE_FACTOR x standard (what triggers the notice)


def inbox_for(user: User, *, now: datetime.datetime | None = None) -> list[InboxEntry]:
    """Open step runs waiting for `user`, oldest first.

    Waiting for the user means: assigned to them, or (unassigned) in the queue of a role they
    hold in that unit, acting (Plt/Plh) capacities included. Four queries in all.
    """
    now = now or timezone.now()
    capacities = capacities_of(user)
    queue = Q(assignee=user)
    labels: dict[tuple[int, str], str] = {}
    for capacity in capacities:
        if capacity.role in QUEUE_ROLES:
            queue |= Q(
                assignee__isnull=True,
                item__work_unit_id=capacity.work_unit.pk,
                actor_role=capacity.role,
            )
            labels.setdefault((capacity.work_unit.pk, capacity.role), capacity.label)
    runs = list(
        StepRun.objects.filter(finished_at__isnull=True)
        .filter(queue)
        .select_related("item", "item__work_unit", "step")
        .order_by("arrived_at", "id")
    )
    if not runs:
        return []
    calendar = WorkCalendar.for_span(min(r.arrived_at for r in runs), now)
    factor = overdue_factor()
    entries = []
    for run in runs:
        elapsed = calendar.seconds_between(run.arrived_at, now, run.item.work_unit_id)
        standard = run.step.time_standard_minutes * 60
        entries.append(
            InboxEntry(
                run=run,
                item=run.item,
                step_number=run.step.number,
                activity=run.step.activity,
                arrived_at=run.arrived_at,
                started_at=run.started_at,
                capacity=(
                    _("Ditugaskan kepada Anda")
                    if run.assignee_id == user.pk
                    else labels.get((run.item.work_unit_id, run.actor_role), "")
                ),
                elapsed_seconds=elapsed,
                standard_seconds=standard,
                over_standard=elapsed > standard,
                overdue=elapsed > factor * standard,
            )
        )
    return entries


def items_for(
    user: User,
    *,
    status: str | None = None,
    step_number: int | None = None,
    content_type: str | None = None,
    assignee_ids: Collection[int] | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    platform: str | None = None,
    q: str | None = None,
) -> QuerySet[ContentItem]:
    """Content items the user may see (CONTENT_VIEW, units below included), newest first.

    Filters: status, current step number, content type, assignees (None: anyone; empty: no
    items), opened between two dates (local, inclusive), a target platform, and text in the
    title, instruction or a memo number. Rows come with unit, current step, assignee and
    target accounts loaded.
    """
    units = visible_unit_ids(user, Action.CONTENT_VIEW)
    qs = (
        ContentItem.objects.filter(work_unit_id__in=units)
        .select_related("work_unit", "current_step", "assignee")
        .prefetch_related(
            Prefetch("target_accounts", queryset=SocialAccount.objects.order_by("platform"))
        )
        .order_by("-created_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    if step_number:
        qs = qs.filter(current_step__number=step_number)
    if content_type:
        qs = qs.filter(content_type=content_type)
    if assignee_ids is not None:
        # An empty collection is a person filter that found nobody: no items, not all of them.
        qs = qs.filter(assignee_id__in=sorted(assignee_ids)) if assignee_ids else qs.none()
    tz = timezone.get_current_timezone()
    if date_from:
        start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=tz)
        qs = qs.filter(created_at__gte=start)
    if date_to:
        end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min)
        qs = qs.filter(created_at__lt=end.replace(tzinfo=tz))
    if platform:
        through = ContentItem.target_accounts.through
        qs = qs.filter(
            Exists(
                through.objects.filter(
                    contentitem_id=OuterRef("pk"), socialaccount__platform=platform
                )
            )
        )
    if q and q.strip():
        text = q.strip()
        from simedsos.memos.models import Memo

        qs = qs.filter(
            Q(title__icontains=text)
            | Q(instruction__icontains=text)
            | Exists(Memo.objects.filter(content_item_id=OuterRef("pk"), number__icontains=text))
        )
    return qs


def item_detail(user: User, item_id: int) -> ContentItem:
    """One item with everything its page shows, in a fixed number of queries.

    Loaded: unit, SOP version, current step, assignee, creator, disposition (+memo, giver),
    upload order (+memo), working draft and its media, attachments, target accounts, legal
    products, memos, revisions (+submitter, review with reviewer, comments with authors),
    publications (+account, recorder) and step runs (+step, actor, assignee).
    Raises Http404 when there is no such item, AuthorizationError when the user may not see it.
    """
    item = (
        ContentItem.objects.select_related(
            # The unit's ancestors too: the read check walks up from the unit, no query.
            "work_unit__parent__parent",
            "sop_version",
            "current_step",
            "assignee",
            "created_by",
            "disposition__memo",
            "disposition__given_by",
            "upload_order__memo",
            "upload_order__ordered_by",
            "draft",
        )
        .prefetch_related(
            "attachments",
            "legal_products",
            Prefetch("target_accounts", queryset=SocialAccount.objects.order_by("platform")),
            "memos",
            Prefetch("media", queryset=item_media_queryset()),
            Prefetch(
                "revisions",
                queryset=DraftRevision.objects.select_related(
                    "submitted_by", "review__reviewer"
                ).prefetch_related(
                    Prefetch("comments", queryset=ReviewComment.objects.select_related("author"))
                ),
            ),
            Prefetch(
                "publications",
                queryset=Publication.objects.select_related("account", "recorded_by").order_by(
                    "account__platform", "id"
                ),
            ),
            Prefetch(
                "step_runs",
                queryset=StepRun.objects.select_related("step", "actor", "assignee").order_by(
                    "arrived_at", "id"
                ),
            ),
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404(_("Konten tidak ditemukan."))
    if find_capacity(user, Action.CONTENT_VIEW, item.work_unit) is None:
        raise AuthorizationError(
            _("Anda tidak berwenang melihat konten di %(work_unit_name)s.")
            % {"work_unit_name": item.work_unit.name}
        )
    return item


def item_media_queryset():
    from simedsos.content.models import DraftMedia

    return DraftMedia.objects.filter(removed=False).order_by("position", "id")


@dataclass(frozen=True)
class TimelineRow:
    """One pass through one step, with its times measured in working seconds."""

    run_id: int
    step_number: int
    activity: str
    actor_name: str
    capacity: str
    arrived_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None
    waiting_seconds: int  # arrived -> started (or now, while not started)
    working_seconds: int  # started -> finished (or now, while open); 0 before it starts
    standard_seconds: int
    breach: bool  # working time beyond the step's standard
    outcome: str
    outcome_label: str
    comment: str


def timeline_for(item: ContentItem, *, now: datetime.datetime | None = None) -> list[TimelineRow]:
    """Every step run of the item in order, against the standards of its pinned SOP version.

    Uses the item's prefetched `step_runs` when present (as `item_detail` loads them);
    otherwise one query, plus one for holidays.
    """
    now = now or timezone.now()
    cache = getattr(item, "_prefetched_objects_cache", {})
    if "step_runs" in cache:
        runs = list(cache["step_runs"])
    else:
        runs = list(
            StepRun.objects.filter(item=item)
            .select_related("step", "actor", "assignee")
            .order_by("arrived_at", "id")
        )
    if not runs:
        return []
    latest = max([now, *[r.finished_at for r in runs if r.finished_at]])
    calendar = WorkCalendar.for_span(min(r.arrived_at for r in runs), latest)
    unit_id = item.work_unit_id
    rows = []
    for run in runs:
        end = run.finished_at or now
        started = run.started_at
        waiting = calendar.seconds_between(run.arrived_at, started or end, unit_id)
        working = calendar.seconds_between(started, end, unit_id) if started else 0
        standard = run.step.time_standard_minutes * 60
        rows.append(
            TimelineRow(
                run_id=run.pk,
                step_number=run.step.number,
                activity=run.step.activity,
                actor_name=(
                    run.actor.get_full_name()
                    if run.actor
                    else (run.assignee.get_full_name() if run.assignee else "")
                ),
                capacity=run.capacity,
                arrived_at=run.arrived_at,
                started_at=run.started_at,
                finished_at=run.finished_at,
                waiting_seconds=waiting,
                working_seconds=working,
                standard_seconds=standard,
                breach=working > standard,
                outcome=run.outcome,
                outcome_label=run.get_outcome_display() if run.outcome else "",
                comment=run.comment,
            )
        )
    return rows
