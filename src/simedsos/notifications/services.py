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
    users = {u.pk for u in recipients if u is not None and u.is_active}
    if not users:
        return 0
    rows = [
        Notification(
            recipient_id=pk,
            kind=kind,
            message=message[:500],
            link=link[:300],
            dedup_key=dedup_key[:120],
        )
        for pk in sorted(users)
    ]
    # One INSERT that skips whoever already has this key (INSERT OR IGNORE / ON CONFLICT DO
    # NOTHING on the unique constraint); the statement's row count says how many were new.
    inserted = 0

    def count_inserted(execute, sql, params, many, context):
        nonlocal inserted
        result = execute(sql, params, many, context)
        if sql.lstrip().upper().startswith("INSERT"):
            inserted += max(context["cursor"].rowcount, 0)
        return result

    with transaction.get_connection().execute_wrapper(count_inserted):
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return inserted


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices (all unread ones when no ids are given) as read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
