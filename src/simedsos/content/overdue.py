"""Overdue steps: notify whoever a late step waits for, and their superior, once."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from simedsos.accounts.roles import SUPERIOR_ROLE
from simedsos.content.models import StepRun
from simedsos.content.selectors import overdue_factor
from simedsos.notifications.services import notify
from simedsos.sop.engine import format_moment, item_link, queue_people, role_holders
from simedsos.worktime.services import WorkCalendar


def overdue_sweep(*, now: datetime.datetime | None = None) -> int:
    """Flag open step runs whose working time since arrival exceeds OVERDUE_FACTOR x standard.

    For each, the person(s) it waits for (the assignee, or everyone holding the step's role
    in the unit, acting officials included) and the holders of the superior role
    (SUPERIOR_ROLE) get one notification; `overdue_notified_at` records it so the next sweep
    does not repeat it (the notification's dedup key guards the same under a race).
    Returns the number of step runs flagged.
    """
    now = now or timezone.now()
    runs = list(
        StepRun.objects.filter(finished_at__isnull=True, overdue_notified_at__isnull=True)
        .select_related("item", "step", "assignee")
        .order_by("arrived_at", "id")
    )
    if not runs:
        return 0
    calendar = WorkCalendar.for_span(min(r.arrived_at for r in runs), now)
    factor = overdue_factor()
    flagged = 0
    for run in runs:
        limit = factor * run.step.time_standard_minutes * 60
        elapsed = calendar.seconds_between(run.arrived_at, now, run.item.work_unit_id)
        if elapsed <= limit:
            continue
        with transaction.atomic():
            # Another sweep may have flagged it meanwhile: claim it first.
            claimed = StepRun.objects.filter(
                pk=run.pk, finished_at__isnull=True, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=now)
            if not claimed:
                continue
            people = queue_people(run)
            superior = SUPERIOR_ROLE.get(run.actor_role)
            bosses = role_holders(run.item.work_unit_id, superior) if superior else []
            minutes = elapsed // 60
            message = (
                f"Terlambat: langkah {run.step.number} ({run.step.activity}) untuk konten "
                f'"{run.item.title}" menunggu sejak {format_moment(run.arrived_at)}, '
                f"{minutes} menit jam kerja (standar {run.step.time_standard_minutes} menit)."
            )
            notify(
                recipients=[*people, *bosses],
                kind="step.overdue",
                message=message,
                link=item_link(run.item_id),
                dedup_key=f"steprun:{run.pk}:overdue",
            )
        flagged += 1
    return flagged
