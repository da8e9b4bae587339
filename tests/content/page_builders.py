"""Many content items at once, straight into the tables (for query-count tests only).

Bypasses the services on purpose: building 1,000 items through them would take minutes.
"""

from __future__ import annotations

import datetime

from django.utils import timezone

from simedsos.content.models import ContentItem, StepRun
from simedsos.sop.engine import STATUS_AT
from tests.content.builders import World


def bulk_items(
    world: World,
    n: int,
    *,
    step_number: int = 2,
    arrived_at: datetime.datetime | None = None,
) -> list[ContentItem]:
    """`n` items of the world's unit waiting at `step_number`, each with an open step run
    (assigned to the staff member for staff steps, in the role's queue otherwise) and both
    of the unit's accounts as targets."""
    step = world.version.steps.get(number=step_number)
    when = arrived_at or timezone.now() - datetime.timedelta(minutes=5)
    items = ContentItem.objects.bulk_create(
        [
            ContentItem(
                work_unit=world.unit,
                sop_version=world.version,
                title=f"Konten massal {i}",
                instruction="Petunjuk",
                content_type="INFOGRAFIS",
                priority="BIASA",
                status=STATUS_AT[step.action],
                current_step=step,
                assignee=world.staf,
                created_by=world.kabag,
            )
            for i in range(n)
        ],
        batch_size=500,
    )
    through = ContentItem.target_accounts.through
    through.objects.bulk_create(
        [
            through(contentitem_id=item.pk, socialaccount_id=account.pk)
            for item in items
            for account in world.accounts
        ],
        batch_size=500,
    )
    StepRun.objects.bulk_create(
        [
            StepRun(
                item=item,
                step=step,
                actor_role=step.actor_role,
                assignee=world.staf if step.actor_role == "STAF" else None,
                arrived_at=when - datetime.timedelta(seconds=i),
            )
            for i, item in enumerate(items)
        ],
        batch_size=500,
    )
    return items
