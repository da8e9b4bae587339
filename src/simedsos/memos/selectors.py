"""Reads of memos that pages (and later the API) share."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Min, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from simedsos.accounts.authz import Action, visible_unit_ids
from simedsos.accounts.models import Membership, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.content.models import ContentItem
from simedsos.memos.models import Memo, MemoAttachment, MemoKind


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


def memo_years() -> list[int]:
    """Years for the year filter, newest first: from the first memo the installation holds
    to this year. One index seek (memo_year_idx) instead of collecting the distinct years of
    every visible memo; a year with no memo of the user's units simply lists nothing."""
    first = Memo.objects.aggregate(first=Min("year"))["first"]
    this_year = timezone.localdate().year
    if first is None:
        return []
    return list(range(max(this_year, first), first - 1, -1))


def memo_get_visible(user: User, memo_id: int) -> Memo:
    """The memo, if the user may read its unit; 404 otherwise (no hint that it exists)."""
    memo = (
        Memo.objects.select_related("work_unit", "content_item", "issued_by")
        .filter(pk=memo_id, work_unit_id__in=visible_unit_ids(user, Action.CONTENT_VIEW))
        .first()
    )
    if memo is None:
        raise Http404(_("Nota dinas tidak ditemukan."))
    return memo


def memo_attachments(memo: Memo) -> list[MemoAttachment]:
    return list(memo.attachments.all())


def memos_of_item(item: ContentItem) -> QuerySet[Memo]:
    """The memos issued for a content item (disposition, upload order), oldest first: for the
    content item page."""
    return Memo.objects.filter(content_item=item).order_by("issued_on", "id")


def _addressee(user: User | None, fallback_position: str) -> str:
    """ "Jabatan (Nama)" as the Yth. line names a person, or the bare position."""
    if user is None:
        return fallback_position
    position = user.jabatan or fallback_position
    return f"{position} ({user.get_full_name()})"


def memo_initial_fields(
    *,
    item: ContentItem,
    kind: str,
    signer: User,
    acting_kind: str = "",
    on: datetime.date | None = None,
) -> dict:
    """The memo fields prefilled from a content item, for the form shown before issuing.

    Step 1 (disposition) goes to the unit's Kasubbag; step 5 (upload order) to the staff member
    who holds the item. Everything stays editable until the memo is issued.
    """
    unit = item.work_unit
    day = on or timezone.localdate()
    if kind == MemoKind.DISPOSITION:
        membership = (
            Membership.objects.filter(work_unit=unit, role=Role.KASUBBAG, is_active=True)
            .select_related("user")
            .first()
        )
        recipient = _addressee(membership.user if membership else None, Role.KASUBBAG.label)
        subject = f"Pembuatan Konten Media Sosial JDIH: {item.title}"
        body = item.instruction
        attachments = item.attachments.count()
    else:
        recipient = _addressee(item.assignee, Role.STAF.label)
        subject = f"Perintah Pengunggahan Konten Media Sosial JDIH: {item.title}"
        body = (
            f"Konsep konten \u201c{item.title}\u201d telah disetujui. Bersama ini Saudara "
            "diperintahkan untuk mengunggahnya ke akun media sosial JDIH "
            f"{unit.name}.\n\nDemikian untuk dilaksanakan."
        )
        attachments = 0
    position = signer.jabatan or Role.KABAG.label
    return {
        "issued_on": day,
        "recipient": recipient,
        "sender": position,
        "carbon_copies": [],
        "sifat": item.priority,
        "attachment_count": attachments,
        "subject": subject[:300],
        "body": body,
        "signer_name": signer.get_full_name(),
        "signer_position": position,
        "signer_nip": signer.nip or "",
        "signer_acting_kind": acting_kind,
        "place": unit.city,
    }
