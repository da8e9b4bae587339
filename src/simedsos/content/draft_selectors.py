"""Reads for the draft editor, the submission page and the review page.

Each loads what its page shows in a fixed number of queries, whatever the number of media,
revisions or comments.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from simedsos.accounts.authz import Action, AuthorizationError, find_capacity
from simedsos.accounts.models import User
from simedsos.content.models import (
    ContentItem,
    DraftMedia,
    DraftRevision,
    ReviewComment,
    StepRun,
)
from simedsos.publishing.models import SocialAccount
from simedsos.sop.models import SopStep

Act = SopStep.SystemAction


def _check_visible(user: User, item: ContentItem) -> None:
    # One capacity lookup (two queries), not the whole list of visible units.
    if find_capacity(user, Action.CONTENT_VIEW, item.work_unit) is None:
        raise AuthorizationError(
            _("Anda tidak berwenang melihat konten di %(work_unit_name)s.")
            % {"work_unit_name": item.work_unit.name}
        )


def _revisions_queryset():
    return DraftRevision.objects.select_related(
        "submitted_by", "review__reviewer"
    ).prefetch_related(
        Prefetch("comments", queryset=ReviewComment.objects.select_related("author"))
    )


def open_run(item: ContentItem) -> StepRun | None:
    return StepRun.objects.filter(item=item, finished_at__isnull=True).first()


@dataclass
class EditorData:
    item: ContentItem
    media: list[DraftMedia]
    run: StepRun | None
    editable: bool  # the user is the assignee and the item waits at the drafting step
    last_revision: DraftRevision | None  # with its review and comments (a returned draft)


def editor_data(user: User, item_id: int) -> EditorData:
    """The item with its draft, media, disposition, attachments and legal products."""
    item = (
        ContentItem.objects.select_related(
            "work_unit",
            "current_step",
            "assignee",
            "draft",
            "disposition__given_by",
            "disposition__memo",
        )
        .prefetch_related(
            "attachments",
            "legal_products",
            Prefetch("target_accounts", queryset=SocialAccount.objects.order_by("platform")),
            Prefetch(
                "media",
                queryset=DraftMedia.objects.filter(removed=False).order_by("position", "id"),
            ),
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404(_("Konten tidak ditemukan."))
    _check_visible(user, item)
    run = open_run(item)
    editable = (
        item.current_step is not None
        and item.current_step.action == Act.DRAFT
        and item.assignee_id == user.pk
        and run is not None
        and run.assignee_id == user.pk
    )
    last = _revisions_queryset().filter(item=item).order_by("-number").first()
    return EditorData(
        item=item,
        media=list(item.media.all()),
        run=run,
        editable=editable,
        last_revision=last,
    )


@dataclass
class ReviewData:
    item: ContentItem
    revision: DraftRevision | None  # the latest revision (the one under review)
    previous: DraftRevision | None  # the one before it, with its review and comments
    media_by_id: dict[int, DraftMedia]  # every medium either revision shows
    run: StepRun | None
    at_review: bool  # the item waits at the review step
    may_decide: bool  # the user holds the step's role in the unit and did not submit it
    own_revision: bool  # the user submitted the revision under review


def review_data(user: User, item_id: int) -> ReviewData:
    item = (
        ContentItem.objects.select_related("work_unit", "current_step", "assignee")
        .prefetch_related(
            "legal_products",
            Prefetch("target_accounts", queryset=SocialAccount.objects.order_by("platform")),
        )
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404(_("Konten tidak ditemukan."))
    step = item.current_step
    at_review = step is not None and step.action == Act.REVIEW
    # Whoever may act on the review step may see the item: one capacity lookup, not two.
    step_capacity = (
        find_capacity(user, Action.STEP_ACT, item.work_unit, roles=frozenset({step.actor_role}))
        if at_review
        else None
    )
    if step_capacity is None:
        _check_visible(user, item)
    latest_two = list(_revisions_queryset().filter(item=item).order_by("-number")[:2])
    revision = latest_two[0] if latest_two else None
    previous = latest_two[1] if len(latest_two) > 1 else None
    ids = {entry.get("media_id") for rev in latest_two for entry in (rev.media or [])} - {None}
    media_by_id = {m.pk: m for m in DraftMedia.objects.filter(pk__in=ids)} if ids else {}
    run = open_run(item) if at_review else None
    own = revision is not None and revision.submitted_by_id == user.pk
    may_decide = at_review and revision is not None and not own and step_capacity is not None
    return ReviewData(
        item=item,
        revision=revision,
        previous=previous,
        media_by_id=media_by_id,
        run=run,
        at_review=at_review,
        may_decide=may_decide,
        own_revision=own,
    )


def media_for_file(user: User, media_id: int) -> DraftMedia:
    """A medium whose file the user may see (anyone who may see its item)."""
    media = DraftMedia.objects.select_related("item__work_unit").filter(pk=media_id).first()
    if media is None:
        raise Http404(_("Media tidak ditemukan."))
    _check_visible(user, media.item)
    return media
