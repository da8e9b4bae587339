"""The workflow engine: moves a content item through the steps of its pinned SOP version.

Small and explicit. Every transition is one service call that, inside `transaction.atomic()`:

1. locks the item row (`enter`: `select_for_update`),
2. checks that the item's current step completes by the expected system action,
3. authorises the actor for that step's role in the item's unit (`Action.STEP_ACT`, acting
   officials included) and, where the step is assigned to a person, that it is that person,
4. closes the open step run (finished, actor, capacity, outcome, comment) and opens the next
   one (`advance`), moving `item.current_step` and `item.status`,
5. writes one audit event, and
6. notifies the next actor(s) after commit.

Which step comes next, who acts and where a decision returns to is read from the item's own
SOP version (data), so an SOP revised later does not change items already open, and any
version whose steps use these actions works, in any order and with any roles.
"""

from __future__ import annotations

import contextlib
import copy
import datetime
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from simedsos.accounts.authz import Action, AuthorizationError, Capacity, find_capacity
from simedsos.accounts.models import ActingAssignment, Membership, User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.audit import audit_record, recorded_label
from simedsos.sop.models import SopStep, SopVersion

Act = SopStep.SystemAction

# The item's status while it waits at a step completed by this action.
STATUS_AT: dict[str, str] = {
    Act.DISPOSE: "DRAFTING",
    Act.DRAFT: "DRAFTING",
    Act.SUBMIT: "DRAFTING",
    Act.REVIEW: "IN_REVIEW",
    Act.ORDER_UPLOAD: "APPROVED",
    Act.PUBLISH: "UPLOAD_ORDERED",
}

# "Konten ini sudah tidak berada pada langkah <label>: ..."
ACTION_PHRASE: dict[str, str] = {
    Act.DISPOSE: gettext_lazy("disposisi"),
    Act.DRAFT: gettext_lazy("penyusunan konsep"),
    Act.SUBMIT: gettext_lazy("penyerahan konsep"),
    Act.REVIEW: gettext_lazy("pemeriksaan"),
    Act.ORDER_UPLOAD: gettext_lazy("perintah pengunggahan"),
    Act.PUBLISH: gettext_lazy("pengunggahan"),
}


def format_moment(value: datetime.datetime) -> str:
    """A moment as people read it in messages: 25-11-2026 14:03 (local time)."""
    return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")


def item_link(item_id: int) -> str:
    """The item page's address, once the pages exist (notifications carry it)."""
    try:
        return reverse("content:item_detail", kwargs={"pk": item_id})
    except NoReverseMatch:
        return ""


@dataclass
class StepContext:
    """What a transition works on: the locked item, its current step and open run."""

    item: Any  # content.ContentItem, locked
    step: SopStep
    run: Any  # content.StepRun, the open one
    actor: User
    capacity: Capacity
    # Every step of the item's pinned SOP version, by number; loaded when first needed.
    steps: list[SopStep] | None = None
    # Writes `advance` has not made yet: runs opened by this call (saved with the next one)
    # and item fields (saved once when the call moves through several steps).
    unsaved_runs: list[Any] = field(default_factory=list)
    unsaved_item_fields: set[str] = field(default_factory=set)
    holding: bool = False

    def version_steps(self) -> list[SopStep]:
        if self.steps is None:
            self.steps = version_steps(self.item.sop_version)
        return self.steps


# The steps of versions nobody can change any more (published or retired: database triggers
# refuse every change to their steps), as loaded rows, remembered for the life of the process.
# The key holds the version's creation moment too, so an id that comes back after a restore or
# a rolled-back test never finds another version's steps.
_FROZEN_STEPS: dict[tuple[int, datetime.datetime], tuple[tuple[Any, ...], ...]] = {}
_FROZEN_STEPS_MAX = 1024
_STEP_ATTNAMES = [f.attname for f in SopStep._meta.concrete_fields]


def version_steps(version: SopVersion) -> list[SopStep]:
    """Every step of the version, by number: fresh instances, from memory once it is frozen."""
    steps = SopStep.objects.filter(version_id=version.pk).order_by("number")
    if version.status == SopVersion.Status.DRAFT:
        return list(steps)
    key = (version.pk, version.created_at)
    rows = _FROZEN_STEPS.get(key)
    if rows is None:
        rows = tuple(steps.values_list(*_STEP_ATTNAMES))
        if len(_FROZEN_STEPS) >= _FROZEN_STEPS_MAX:
            _FROZEN_STEPS.clear()
        _FROZEN_STEPS[key] = rows
    # Copies, so nothing a caller changes on a step (or in its JSON) reaches the next caller.
    return [SopStep.from_db(steps.db, _STEP_ATTNAMES, copy.deepcopy(row)) for row in rows]


# What a transition reads with the item.
ITEM_RELATED = ("work_unit", "current_step", "assignee", "sop_version")


def _items():
    from simedsos.content.models import ContentItem

    return ContentItem.objects.select_related(*ITEM_RELATED)


def lock_item(item_id: int):
    """The item row, locked until the transaction ends (the caller must be in one)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_item must be called inside transaction.atomic()")
    return _items().select_for_update(of=("self",)).get(pk=item_id)


def step_capacity(actor: User, unit: WorkUnit, step: SopStep) -> Capacity:
    """The capacity in which `actor` may act on `step` in `unit`, or a clear refusal."""
    capacity = find_capacity(actor, Action.STEP_ACT, unit, roles=frozenset({step.actor_role}))
    if capacity is None:
        raise AuthorizationError(
            _(
                "Anda tidak berwenang menjalankan langkah %(step_number)s "
                "(%(step_activity)s) di %(unit_name)s: langkah ini dijalankan oleh "
                "%(label)s."
            )
            % {
                "step_number": step.number,
                "step_activity": step.activity,
                "unit_name": unit.name,
                "label": Role(step.actor_role).label,
            }
        )
    return capacity


def _wrong_step_message(item, actions: set[str]) -> str:
    from simedsos.content.models import StepRun

    phrase = " / ".join(str(ACTION_PHRASE[a]) for a in sorted(actions))
    passed = (
        StepRun.objects.filter(item=item, step__action__in=actions, finished_at__isnull=False)
        .select_related("step", "actor")
        .order_by("-finished_at", "-id")
        .first()
    )
    if passed is None:
        where = (
            _("sekarang pada langkah %(step_number)s (%(step_activity)s)")
            % {"step_number": item.current_step.number, "step_activity": item.current_step.activity}
            if item.current_step
            else _("konten ini sudah selesai")
        )
        return _("Konten ini belum sampai pada langkah %(phrase)s; %(where)s.") % {
            "phrase": phrase,
            "where": where,
        }
    last = (
        StepRun.objects.filter(item=item, finished_at__isnull=False)
        .select_related("step", "actor")
        .order_by("-finished_at", "-id")
        .first()
    )
    who = last.actor.get_full_name() if last.actor else _("sistem")
    when = format_moment(last.finished_at)
    if last.outcome == "APPROVED":
        what = _("konsep telah disetujui oleh %(who)s pada %(when)s") % {"who": who, "when": when}
    elif last.outcome == "RETURNED":
        what = _("konsep telah dikembalikan oleh %(who)s pada %(when)s") % {
            "who": who,
            "when": when,
        }
    else:
        what = _(
            "langkah %(step_number)s (%(step_activity)s) telah diselesaikan oleh "
            "%(who)s pada %(when)s"
        ) % {
            "step_number": last.step.number,
            "step_activity": last.step.activity,
            "who": who,
            "when": when,
        }
    return _("Konten ini sudah tidak berada pada langkah %(phrase)s: %(what)s.") % {
        "phrase": phrase,
        "what": what,
    }


def enter(item_id: int, *, actor: User, actions: Iterable[str]) -> StepContext:
    """Lock the item and check that `actor` may complete its current step by `actions`.

    Raises ValidationError when the item is at another step (e.g. the losing one of two
    reviewers deciding at once, who waited for the lock and now finds it decided), and
    AuthorizationError when the actor does not hold the step's role in the item's unit or the
    step is assigned to someone else.
    """
    return _checked(lock_item(item_id), actor=actor, actions=actions)


def check(item_id: int, *, actor: User, actions: Iterable[str]) -> None:
    """The checks of `enter`, without a transaction or a lock: a cheap early refusal before
    slow work (parsing an upload); `enter` repeats them under the lock before any write."""
    from simedsos.content.models import StepRun

    # Nothing is locked here, so the open run and its item can be read together.
    run = (
        StepRun.objects.select_related("assignee", *(f"item__{name}" for name in ITEM_RELATED))
        .filter(item_id=item_id, finished_at__isnull=True)
        .first()
    )
    item = run.item if run is not None else _items().get(pk=item_id)
    _checked(item, actor=actor, actions=actions, run=run)


def _checked(item, *, actor: User, actions: Iterable[str], run: Any = None) -> StepContext:
    """`enter`'s checks on the item; the open run is read after them unless given (it must
    be read after the lock: a join in the locking query could see it as it was before)."""
    from simedsos.content.models import StepRun

    wanted = set(actions)
    step = item.current_step
    if step is None or step.action not in wanted:
        raise ValidationError(_wrong_step_message(item, wanted))
    capacity = step_capacity(actor, item.work_unit, step)
    if run is None:
        run = StepRun.objects.select_related("assignee").get(item=item, finished_at__isnull=True)
    if run.assignee_id is not None and run.assignee_id != actor.pk:
        raise AuthorizationError(
            _(
                "Langkah %(step_number)s (%(step_activity)s) ditugaskan kepada "
                "%(assignee_full_name)s; hanya dia yang dapat mengerjakannya."
            )
            % {
                "step_number": step.number,
                "step_activity": step.activity,
                "assignee_full_name": run.assignee.get_full_name(),
            }
        )
    return StepContext(
        item=item,
        step=step,
        run=run,
        actor=actor,
        capacity=capacity,
    )


def reenter(ctx: StepContext) -> StepContext:
    """After `advance` within one call, check the actor may also act on the new step."""
    if ctx.step.actor_role != ctx.capacity.role:
        ctx.capacity = step_capacity(ctx.actor, ctx.item.work_unit, ctx.step)
    if ctx.run.assignee_id is not None and ctx.run.assignee_id != ctx.actor.pk:
        raise AuthorizationError(
            _("Langkah %(step_number)s (%(step_activity)s) ditugaskan kepada orang lain.")
            % {"step_number": ctx.step.number, "step_activity": ctx.step.activity}
        )
    return ctx


def mark_started(ctx: StepContext, at: datetime.datetime | None = None) -> bool:
    """Record that the actor began the step (first time only); True when it changed."""
    if ctx.run.started_at is not None:
        return False
    ctx.run.started_at = max(at or timezone.now(), ctx.run.arrived_at)
    ctx.run.save(update_fields=["started_at"])
    return True


def clamp(
    value: datetime.datetime | None, *, low: datetime.datetime, high: datetime.datetime
) -> datetime.datetime:
    """A client-reported moment (e.g. when a form was opened), kept within sane bounds."""
    if value is None:
        return high
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return min(max(value, low), high)


def new_run(item, step: SopStep, *, arrived_at: datetime.datetime):
    """A run of `step`, not saved yet: a staff step waits for the item's assignee, others for
    the role. `advance` saves it (a run that starts and finishes within one call, like the
    disposition, is then written once, already finished)."""
    from simedsos.content.models import StepRun

    return StepRun(
        item=item,
        step=step,
        actor_role=step.actor_role,
        # The object, not only the id: the arrival notice after commit needs the person.
        assignee=item.assignee if step.actor_role == Role.STAF else None,
        arrived_at=arrived_at,
    )


def _insert_runs(runs: list[Any]) -> None:
    """Write new runs in one statement where the database returns their ids for it."""
    from simedsos.content.models import StepRun

    if not runs:
        return
    if len(runs) > 1 and transaction.get_connection().features.can_return_rows_from_bulk_insert:
        StepRun.objects.bulk_create(runs)
    else:
        for run in runs:
            run.save(force_insert=True)


def _save_moves(ctx: StepContext) -> None:
    """Write what `advance` has not written yet: new runs (one INSERT) and the item."""
    _insert_runs(ctx.unsaved_runs)
    ctx.unsaved_runs = []
    if ctx.unsaved_item_fields:
        ctx.item.save(update_fields=sorted(ctx.unsaved_item_fields))
        ctx.unsaved_item_fields = set()


@contextlib.contextmanager
def several_steps(ctx: StepContext) -> Iterator[StepContext]:
    """Move through several steps in one call (submission right after drafting): each
    `advance` inside writes its audit event as usual, but the runs opened on the way and the
    item are written once, at the end, instead of after every step. On an error nothing more
    is written (the caller's transaction rolls back)."""
    ctx.holding = True
    try:
        yield ctx
    finally:
        ctx.holding = False
    _save_moves(ctx)


def _next_step(ctx: StepContext, to_number: int | None) -> SopStep | None:
    if to_number is not None:
        for step in ctx.version_steps():
            if step.number == to_number:
                return step
        raise ValidationError(
            _("Versi SOP konten ini tidak memiliki langkah %(to_number)s untuk pengembalian.")
            % {"to_number": to_number}
        )
    later = [s for s in ctx.version_steps() if s.number > ctx.step.number]
    return later[0] if later else None


def advance(
    ctx: StepContext,
    *,
    outcome: str,
    audit_action: str,
    comment: str = "",
    started_at: datetime.datetime | None = None,
    finished_at: datetime.datetime | None = None,
    to_number: int | None = None,
    final_status: str | None = None,
    audit_after: dict[str, Any] | None = None,
    item_fields: Iterable[str] = (),
) -> Any:
    """Finish the open run and move the item on; return the new run (None when finished).

    `to_number` sends the item to that step (a decision's return); otherwise it goes to the
    next step by number. With no next step the item is finished: `final_status` is its
    status and `finished_at` is set. `item_fields` are further item fields the caller changed
    and wants saved with the move (e.g. `return_count`).
    """
    now = timezone.now()
    finished = finished_at or now
    run = ctx.run
    before = {
        "step": ctx.step.number,
        "status": ctx.item.status,
        "return_count": ctx.item.return_count,
    }
    run.started_at = run.started_at or min(started_at or finished, finished)
    run.finished_at = max(finished, run.started_at)
    run.actor = ctx.actor
    run.capacity = recorded_label(ctx.capacity)
    run.acting_kind = ctx.capacity.acting_kind
    run.outcome = outcome
    run.comment = comment
    if run.pk is None:
        # Opened by this same call (the disposition's first step, or the submission right
        # after drafting): written once, already finished, together with the next run.
        if not any(held is run for held in ctx.unsaved_runs):
            ctx.unsaved_runs.append(run)
    else:
        run.save(
            update_fields=[
                "started_at",
                "finished_at",
                "actor",
                "capacity",
                "acting_kind",
                "outcome",
                "comment",
            ]
        )

    next_step = _next_step(ctx, to_number)
    item = ctx.item
    opened = None
    if next_step is not None:
        opened = new_run(item, next_step, arrived_at=run.finished_at)
        ctx.unsaved_runs.append(opened)
        item.current_step = next_step
        item.status = STATUS_AT[next_step.action]
    else:
        item.current_step = None
        item.status = final_status or item.status
        item.finished_at = run.finished_at
    ctx.unsaved_item_fields.update(["current_step", "status", "finished_at", *item_fields])
    if not ctx.holding:
        _save_moves(ctx)

    after = {
        "step": next_step.number if next_step else None,
        "status": item.status,
        "return_count": item.return_count,
        "finished_step": ctx.step.number,
        "outcome": outcome,
        "comment": comment,
        "acting_kind": ctx.capacity.acting_kind,
        **(audit_after or {}),
    }
    audit_record(
        actor=ctx.actor,
        action=audit_action,
        obj=item,
        capacity=ctx.capacity,
        work_unit=item.work_unit,
        before=before,
        after=after,
    )
    if opened is not None:
        transaction.on_commit(lambda: notify_arrival(opened))
        # Later steps of this same call (e.g. submission right after drafting) continue here.
        ctx.step = next_step
        ctx.run = opened
    return opened


def role_holders_query(unit_id: int, role: str, on: datetime.date | None = None) -> QuerySet:
    """Who holds `role` in the unit on the day, as a query of active users: members and
    acting officials (Plt/Plh)."""
    day = on or timezone.localdate()
    member_ids = Membership.objects.filter(work_unit_id=unit_id, role=role, is_active=True).values(
        "user_id"
    )
    acting_ids = ActingAssignment.objects.filter(
        work_unit_id=unit_id, role=role, starts_on__lte=day, ends_on__gte=day
    ).values("user_id")
    return (
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=member_ids) | Q(pk__in=acting_ids))
        .order_by("pk")
    )


def role_holders(unit_id: int, role: str, on: datetime.date | None = None) -> list[User]:
    """Who holds `role` in the unit on the day: members and acting officials (Plt/Plh)."""
    return list(role_holders_query(unit_id, role, on))


def _queue(run) -> list[User] | QuerySet:
    if run.assignee_id is not None:
        return [run.assignee]
    return role_holders_query(run.item.work_unit_id, run.actor_role)


def queue_people(run) -> list[User]:
    """The person a run waits for, or everyone holding its role in the item's unit."""
    return list(_queue(run))


def notify_arrival(run) -> int:
    """Tell whoever the new run waits for that an item arrived in their inbox.

    Called once the transition has committed, with the run it opened (item, step and assignee
    loaded), so the notice needs no further reads. A run already finished by the same call
    (submission right after drafting) waits for nobody.
    """
    from simedsos.notifications.services import notify

    if run.finished_at is not None:
        return 0
    return notify(
        # The role's holders as a query: the notices are inserted straight from it.
        recipients=_queue(run),
        kind="step.arrived",
        message=(
            f"Tugas baru: langkah {run.step.number} ({run.step.activity}) untuk konten "
            f'"{run.item.title}".'
        ),
        link=item_link(run.item_id),
        dedup_key=f"steprun:{run.pk}:arrived",
    )
