"""Reads of the archive that pages, exports and the bench share."""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from simedsos.accounts.authz import Action, AuthorizationError, visible_unit_ids
from simedsos.accounts.models import User, WorkUnit
from simedsos.archive import search
from simedsos.archive.models import ArchiveEntry, ArchiveEntryPerson, DocumentationPackage
from simedsos.content.models import ContentItem, DraftRevision, ReviewComment, StepRun
from simedsos.publishing.models import Publication, SocialAccount

# Period codes of an export: the whole year, a semester, or a month ("01".."12").
YEAR = "Y"
SEMESTER_1 = "S1"
SEMESTER_2 = "S2"


@dataclass(frozen=True)
class ArchiveFilters:
    q: str = ""
    date_from: datetime.date | None = None  # finished on or after (local date)
    date_to: datetime.date | None = None  # finished on or before (local date)
    content_type: str = ""
    platform: str = ""
    # Items these people took part in: None is anyone; an empty set is nobody (a person
    # filter that found no one shows no items rather than everyone's).
    person_ids: frozenset[int] | None = None
    status: str = ""
    unit_id: int | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=timezone.get_current_timezone())


def period_bounds(year: int, period: str) -> tuple[datetime.date, datetime.date]:
    """First and last day (inclusive) of a year, a semester ("S1"/"S2") or a month ("1".."12")."""
    if period == YEAR:
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if period == SEMESTER_1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    if period == SEMESTER_2:
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
    month = int(period)
    if not 1 <= month <= 12:
        raise ValueError(f"unknown period {period!r}")
    return datetime.date(year, month, 1), datetime.date(
        year, month, calendar.monthrange(year, month)[1]
    )


def archive_search(
    user: User, filters: ArchiveFilters, *, unit_ids: set[int] | None = None
) -> QuerySet[ArchiveEntry]:
    """Finished items the user may see (CONTENT_VIEW, units below included) that match the
    filters: best text match first when there is text, otherwise the latest finished first.

    Rows come with their unit and package loaded: a page of results is one query plus the
    count, whatever the number of items.
    """
    if unit_ids is None:
        unit_ids = visible_unit_ids(user, Action.CONTENT_VIEW)
    if filters.unit_id:
        unit_ids = unit_ids & {filters.unit_id}
    qs = (
        ArchiveEntry.objects.filter(work_unit_id__in=unit_ids)
        .select_related("work_unit", "item__documentation_package")
        .defer("search_vector")
        .order_by("-finished_at", "-item_id")
    )
    if filters.date_from:
        qs = qs.filter(finished_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        qs = qs.filter(finished_at__lt=_day_start(filters.date_to + datetime.timedelta(days=1)))
    if filters.content_type:
        qs = qs.filter(content_type=filters.content_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.platform:
        qs = qs.filter(platforms__contains=f" {filters.platform} ")
    if filters.person_ids is not None:
        if not filters.person_ids:
            return qs.none()
        qs = qs.filter(
            Exists(
                ArchiveEntryPerson.objects.filter(
                    entry_id=OuterRef("pk"), user_id__in=filters.person_ids
                )
            )
        )
    if filters.q and filters.q.strip():
        qs = search.apply_text_search(qs, filters.q)
    return qs


def archive_units(unit_ids: set[int]) -> QuerySet[WorkUnit]:
    return WorkUnit.objects.filter(pk__in=unit_ids).order_by("code")


def package_get_visible(user: User, item_id: int) -> DocumentationPackage:
    """An item's package (with item and unit) for someone allowed to see the item.

    Raises Http404 when the item has no package, AuthorizationError when the user may not see
    it."""
    package = (
        DocumentationPackage.objects.select_related("item__work_unit")
        .filter(item_id=item_id)
        .first()
    )
    if package is None:
        raise Http404("Paket dokumentasi tidak ditemukan.")
    if package.item.work_unit_id not in visible_unit_ids(user, Action.CONTENT_VIEW):
        raise AuthorizationError(
            f"Anda tidak berwenang melihat arsip di {package.item.work_unit.name}."
        )
    return package


def package_source(item_id: int) -> ContentItem:
    """Everything a documentation package holds, loaded in a fixed number of queries."""
    return (
        ContentItem.objects.select_related(
            "work_unit",
            "sop_version",
            "assignee",
            "created_by",
            "disposition__memo",
            "disposition__given_by",
            "upload_order__memo",
            "upload_order__ordered_by",
        )
        .prefetch_related(
            "attachments",
            "legal_products",
            Prefetch("target_accounts", queryset=SocialAccount.objects.order_by("platform", "pk")),
            "memos",
            "media",  # every medium ever uploaded: a revision may show one since removed
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
                    "account__platform", "account__handle", "id"
                ),
            ),
            Prefetch(
                "step_runs",
                queryset=StepRun.objects.select_related("step", "actor", "assignee").order_by(
                    "arrived_at", "id"
                ),
            ),
        )
        .get(pk=item_id)
    )


def export_entries(
    unit: WorkUnit, unit_ids: set[int], start: datetime.date, end: datetime.date
) -> QuerySet[ArchiveEntry]:
    """Finished items of `unit` and the units below it (within `unit_ids`) that finished
    between two local dates (inclusive), oldest first, with package and publications."""
    subtree = (
        {unit.pk}
        | set(WorkUnit.objects.filter(parent_id=unit.pk).values_list("pk", flat=True))
        | set(WorkUnit.objects.filter(parent__parent_id=unit.pk).values_list("pk", flat=True))
    )
    return (
        ArchiveEntry.objects.filter(
            work_unit_id__in=subtree & unit_ids,
            finished_at__gte=_day_start(start),
            finished_at__lt=_day_start(end + datetime.timedelta(days=1)),
        )
        .select_related("work_unit", "item__documentation_package")
        .prefetch_related(
            Prefetch(
                "item__publications",
                queryset=Publication.objects.select_related("account").order_by(
                    "account__platform", "id"
                ),
            )
        )
        .defer("search_vector")
        .order_by("finished_at", "item_id")
    )
