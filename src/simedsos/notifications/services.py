"""Writing in-app notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from simedsos.accounts.models import User
from simedsos.notifications.models import Notification


def notify(
    *,
    recipients: Iterable[User],
    kind: str,
    message: str,
    link: str = "",
    dedup_key: str,
) -> int:
    """Send one notice to each recipient once per `dedup_key`; return how many were new.

    Idempotent: a recipient who already has a notice with this key gets nothing new (the
    unique constraint backs it, so two sweeps running at once do not double up either).
    Notices are system messages, not changes a person made, so they are not audited.
    """
    users = {u.pk: u for u in recipients if u is not None and u.is_active}
    if not users:
        return 0
    with transaction.atomic():
        already = set(
            Notification.objects.filter(recipient_id__in=users, dedup_key=dedup_key).values_list(
                "recipient_id", flat=True
            )
        )
        fresh = [
            Notification(
                recipient_id=pk,
                kind=kind,
                message=message[:500],
                link=link[:300],
                dedup_key=dedup_key[:120],
            )
            for pk in users
            if pk not in already
        ]
        Notification.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices (all unread ones when no ids are given) as read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
