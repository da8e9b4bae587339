"""Reads of memos that pages (and later the API) share."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from simedsos.accounts.authz import Action, visible_unit_ids
from simedsos.accounts.models import User, WorkUnit
from simedsos.content.models import ContentItem
from simedsos.memos.models import Memo, MemoAttachment


@dataclass(frozen=True)
class MemoFilters:
    unit_id: int | None = None
    kind: str = ""
    year: int | None = None
    sifat: str = ""
    query: str = ""


def memo_unit_ids(user: User) -> set[int]:
    """Ids of the units whose memos the user may read (compute once per request)."""
    return visible_unit_ids(user, Action.CONTENT_VIEW)


def memo_visible_units(user: User, unit_ids: set[int] | None = None) -> QuerySet[WorkUnit]:
    ids = memo_unit_ids(user) if unit_ids is None else unit_ids
    return WorkUnit.objects.filter(pk__in=ids)


def memo_list(
    user: User, filters: MemoFilters | None = None, *, unit_ids: set[int] | None = None
) -> QuerySet[Memo]:
    """Memos of the units the user may read, newest first, narrowed by the filters."""
    filters = filters or MemoFilters()
    ids = memo_unit_ids(user) if unit_ids is None else unit_ids
    memos = Memo.objects.filter(work_unit_id__in=ids).select_related("work_unit")
    if filters.unit_id:
        memos = memos.filter(work_unit_id=filters.unit_id)
    if filters.kind:
        memos = memos.filter(kind=filters.kind)
    if filters.year:
        memos = memos.filter(year=filters.year)
    if filters.sifat:
        memos = memos.filter(sifat=filters.sifat)
    if filters.query:
        memos = memos.filter(
            Q(number__icontains=filters.query) | Q(subject__icontains=filters.query)
        )
    return memos.order_by("-issued_on", "-id")


def memo_years(user: User, unit_ids: set[int] | None = None) -> list[int]:
    ids = memo_unit_ids(user) if unit_ids is None else unit_ids
    return list(
        Memo.objects.filter(work_unit_id__in=ids)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )


def memo_get_visible(user: User, memo_id: int) -> Memo:
    """The memo, if the user may read its unit; 404 otherwise (no hint that it exists)."""
    memo = (
        Memo.objects.select_related("work_unit", "content_item", "issued_by")
        .filter(pk=memo_id, work_unit_id__in=visible_unit_ids(user, Action.CONTENT_VIEW))
        .first()
    )
    if memo is None:
        raise Http404("Nota dinas tidak ditemukan.")
    return memo


def memo_attachments(memo: Memo) -> list[MemoAttachment]:
    return list(memo.attachments.all())


def memos_of_item(item: ContentItem) -> QuerySet[Memo]:
    """The memos issued for a content item (disposition, upload order), oldest first: for the
    content item page."""
    return Memo.objects.filter(content_item=item).order_by("issued_on", "id")
