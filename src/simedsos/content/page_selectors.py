"""Reads only the content pages need (the shared ones live in `selectors.py`).

Each issues a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simedsos.accounts.authz import GRANTS, Action, Capacity
from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.content.models import ContentItem, StepRun
from simedsos.core.models import AuditEvent
from simedsos.publishing.models import SocialAccount
from simedsos.sop.models import SopStep, SopVersion

Act = SopStep.SystemAction

# The page where each system action is done (the draft pages come from another module and
# may be absent on a branch: `action_url` falls back to the item page).
ACTION_URL_NAMES: dict[str, str] = {
    Act.DRAFT: "content:draft_edit",
    Act.SUBMIT: "content:draft_submit",
    Act.REVIEW: "content:review",
    Act.ORDER_UPLOAD: "content:upload_order",
    Act.PUBLISH: "content:publish",
}

ACTION_BUTTON_LABELS: dict[str, str] = {
    Act.DRAFT: gettext_lazy("Susun konsep"),
    Act.SUBMIT: gettext_lazy("Serahkan konsep"),
    Act.REVIEW: gettext_lazy("Periksa konsep"),
    Act.ORDER_UPLOAD: gettext_lazy("Beri perintah pengunggahan"),
    Act.PUBLISH: gettext_lazy("Unggah dan catat"),
}

HISTORY_LIMIT = 50
LIST_PAGE_SIZE = 25


def url_or_empty(name: str, **kwargs: Any) -> str:
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return ""


def action_url(action: str, item_id: int) -> str:
    """The page where `action` is done for the item, or the item page when it does not exist."""
    name = ACTION_URL_NAMES.get(action)
    url = url_or_empty(name, pk=item_id) if name else ""
    return url or reverse("content:item", kwargs={"pk": item_id})


# --- step 1: who may open the disposition form, and its choices ------------------------------


@dataclass(frozen=True)
class DisposeTarget:
    """A unit where the user may dispose, with the version and capacity that would apply."""

    unit: WorkUnit
    version_id: int
    capacity: Capacity


def dispose_targets(user: User, capacities: list[Capacity]) -> list[DisposeTarget]:
    """Units where `user` holds the role the published SOP names for the disposition step.

    One query on top of the capacities the caller already has.
    """
    step_roles = GRANTS[Action.STEP_ACT][0]
    by_unit: dict[int, list[Capacity]] = {}
    for capacity in capacities:
        if capacity.role in step_roles:
            by_unit.setdefault(capacity.work_unit.pk, []).append(capacity)
    if not by_unit:
        return []
    steps = (
        SopStep.objects.filter(
            action=Act.DISPOSE,
            version__status=SopVersion.Status.PUBLISHED,
            version__sop__work_unit_id__in=by_unit,
        )
        .order_by("version__sop_id", "number")
        .values_list("version__sop__work_unit_id", "version_id", "actor_role", "number")
    )
    targets: dict[int, DisposeTarget] = {}
    for unit_id, version_id, role, number in steps:
        # Only a version whose first step is the disposition can open items (as the service).
        if number != 1 or unit_id in targets:
            continue
        for capacity in by_unit[unit_id]:
            if capacity.role == role:
                targets[unit_id] = DisposeTarget(capacity.work_unit, version_id, capacity)
                break
    return sorted(targets.values(), key=lambda t: t.unit.code)


def unit_accounts(unit_id: int):
    return SocialAccount.objects.filter(work_unit_id=unit_id, is_active=True).order_by(
        "platform", "name"
    )


def unit_staff(unit_ids, on: datetime.date | None = None):
    """People who hold the STAF role in the units today (members and acting officials)."""
    day = on or timezone.localdate()
    members = Membership.objects.filter(
        work_unit_id__in=unit_ids, role=Role.STAF, is_active=True
    ).values("user_id")
    acting = ActingAssignment.objects.filter(
        work_unit_id__in=unit_ids, role=Role.STAF, starts_on__lte=day, ends_on__gte=day
    ).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=members) | Q(pk__in=acting))
        .order_by("full_name", "username")
    )


def dispose_memo_defaults(target: DisposeTarget) -> dict[str, Any]:
    """Recipient and sender the disposition memo will carry (before the item exists).

    Subject and body depend on what is typed into the form, so the service writes them
    unless the user does; only the parts known up front are prefilled.
    """
    from simedsos.memos.models import MemoKind
    from simedsos.memos.services import memo_fields_default

    version = SopVersion.objects.only("actor_columns").get(pk=target.version_id)
    preview = SimpleNamespace(
        pk=None,
        sop_version=version,
        title="",
        instruction="",
        deadline=None,
        priority="BIASA",
        target_accounts=SimpleNamespace(all=list),
        assignee=SimpleNamespace(get_full_name=str),
        get_content_type_display=str,
    )
    try:
        fields = memo_fields_default(preview, MemoKind.DISPOSITION, target.capacity)
    except (AttributeError, TypeError, ValueError):
        # The defaults grew a need for a real item: leave the fields blank (= automatic).
        return {"recipient": "", "sender": ""}
    return {"recipient": fields["recipient"], "sender": fields["sender"]}


# --- steps 5 and 6: may this user act now? ---------------------------------------------------


@dataclass(frozen=True)
class StepAccess:
    item: ContentItem
    run: StepRun | None
    capacity: Capacity | None
    refusal: str  # why not (Indonesian), empty when allowed
    wrong_step: bool  # the item is at another step (not a permission problem)


def step_access(user: User, item_id: int, action: str) -> StepAccess:
    """Whether `user` may do `action` on the item now, checked like the engine does."""
    from django.http import Http404

    from simedsos.accounts.authz import AuthorizationError, visible_unit_ids
    from simedsos.sop import engine

    item = (
        ContentItem.objects.select_related("work_unit", "current_step", "assignee", "sop_version")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise Http404(_("Konten tidak ditemukan."))
    if item.work_unit_id not in visible_unit_ids(user, Action.CONTENT_VIEW):
        raise AuthorizationError(
            _("Anda tidak berwenang melihat konten di %(work_unit_name)s.")
            % {"work_unit_name": item.work_unit.name}
        )
    step = item.current_step
    if step is None or step.action != action:
        where = (
            _("sekarang pada langkah %(step_number)s (%(step_activity)s)")
            % {"step_number": step.number, "step_activity": step.activity}
            if step
            else _("konten ini sudah selesai")
        )
        return StepAccess(
            item,
            None,
            None,
            _("Langkah ini tidak sedang berjalan: %(where)s.") % {"where": where},
            True,
        )
    try:
        capacity = engine.step_capacity(user, item.work_unit, step)
    except AuthorizationError as exc:
        return StepAccess(item, None, None, str(exc), False)
    run = (
        StepRun.objects.select_related("assignee")
        .filter(item=item, finished_at__isnull=True)
        .first()
    )
    if run is not None and run.assignee_id is not None and run.assignee_id != user.pk:
        return StepAccess(
            item,
            run,
            None,
            _(
                "Langkah %(step_number)s (%(step_activity)s) ditugaskan kepada "
                "%(assignee_full_name)s; hanya dia yang dapat mengerjakannya."
            )
            % {
                "step_number": step.number,
                "step_activity": step.activity,
                "assignee_full_name": run.assignee.get_full_name(),
            },
            False,
        )
    return StepAccess(item, run, capacity, "", False)


def current_action_for(user: User, item: ContentItem, capacities: list[Capacity]) -> dict | None:
    """The action button the item page offers `user` for the current step, if any.

    Works on the item as `item_detail` loads it (prefetched step runs): no query.
    """
    step = item.current_step
    if step is None:
        return None
    if not any(
        c.work_unit.pk == item.work_unit_id
        and c.role == step.actor_role
        and c.role in GRANTS[Action.STEP_ACT][0]
        for c in capacities
    ):
        return None
    open_runs = [r for r in item.step_runs.all() if r.finished_at is None]
    run = open_runs[0] if open_runs else None
    if run is not None and run.assignee_id is not None and run.assignee_id != user.pk:
        return None
    return {
        "label": ACTION_BUTTON_LABELS.get(step.action, step.activity),
        "url": action_url(step.action, item.pk),
        "action": step.action,
        "started": bool(run and run.started_at),
    }


# --- item page: audit history ----------------------------------------------------------------


def item_history(item: ContentItem) -> tuple[list, str]:
    """The newest audit events about the item and the template that shows them (one query).

    Uses the audit app's `audit_events_for` and its history box when they exist; otherwise
    the item's own events, shown by this app's partial.
    """
    try:
        from simedsos.core.selectors import audit_events_for
    except ImportError:
        audit_events_for = None
    if audit_events_for is not None:
        try:
            get_template("core/_object_history.html")
        except TemplateDoesNotExist:
            pass
        else:
            return audit_events_for(item, HISTORY_LIMIT), "core/_object_history.html"
    events = list(
        AuditEvent.objects.filter(
            object_type=ContentItem._meta.label, object_id=str(item.pk)
        ).order_by("-sequence")[:HISTORY_LIMIT]
    )
    return events, "content/_history.html"


# --- list paging without COUNT ----------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    rows: list
    number: int
    has_previous: bool
    has_next: bool


def page_window(queryset, page: int, size: int = LIST_PAGE_SIZE) -> Window:
    """One page of rows plus whether another follows, without counting the whole table."""
    page = max(1, page)
    start = (page - 1) * size
    rows = list(queryset[start : start + size + 1])
    return Window(rows[:size], page, page > 1, len(rows) > size)


def step_filter_choices(unit_ids) -> list[tuple[int, str]]:
    """Step numbers (with the activity) of the SOP versions in force in the units."""
    seen: dict[int, str] = {}
    for number, activity in (
        SopStep.objects.filter(
            version__status=SopVersion.Status.PUBLISHED, version__sop__work_unit_id__in=unit_ids
        )
        .order_by("number", "version_id")
        .values_list("number", "activity")
    ):
        seen.setdefault(number, activity)
    return [(n, f"{n}. {a}") for n, a in sorted(seen.items())]


def validation_messages(exc: ValidationError) -> dict[str, list[str]]:
    """A service refusal as field -> messages ("__all__" for the rest)."""
    if hasattr(exc, "error_dict"):
        return {field: list(messages) for field, messages in exc.message_dict.items()}
    return {"__all__": list(exc.messages)}
