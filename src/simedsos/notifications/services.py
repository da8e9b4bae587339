"""Writing in-app notifications."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.db.models import CharField, DateTimeField, F, QuerySet, Value
from django.utils import timezone

from simedsos.accounts.models import User
from simedsos.notifications.models import Notification


def notify(
    *,
    recipients: Iterable[User] | QuerySet[User],
    kind: str,
    message: str,
    link: str = "",
    dedup_key: str,
) -> int:
    """Send one notice to each recipient once per `dedup_key`; return how many were new.

    Idempotent: a recipient who already has a notice with this key gets nothing new (the
    unique constraint backs it, so two sweeps running at once do not double up either).
    Notices are system messages, not changes a person made, so they are not audited.
    `recipients` may be a query of users: the notices are then inserted straight from it.
    """
    if isinstance(recipients, QuerySet):
        return _notify_query(recipients, kind, message[:500], link[:300], dedup_key[:120])
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


def _notify_query(users: QuerySet[User], kind: str, message: str, link: str, key: str) -> int:
    """`notify` for a query of users, in one statement: INSERT ... SELECT from the query,
    skipping whoever already has the key (ON CONFLICT DO NOTHING, SQLite and PostgreSQL)."""
    columns = {
        "recipient": F("pk"),
        "kind": Value(kind, output_field=CharField()),
        "message": Value(message, output_field=CharField()),
        "link": Value(link, output_field=CharField()),
        "dedup_key": Value(key, output_field=CharField()),
        "created_at": Value(timezone.now(), output_field=DateTimeField()),
    }
    # Selected under names of their own, in the order of the INSERT's columns.
    select = (
        users.filter(is_active=True)
        .order_by()
        .values(**{f"notice_{name}": value for name, value in columns.items()})
    )
    select_sql, params = select.query.sql_with_params()
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    meta = Notification._meta
    targets = ", ".join(quote(meta.get_field(name).column) for name in columns)
    # The SELECT always has a WHERE clause, which SQLite needs to read ON CONFLICT right.
    sql = f"INSERT INTO {quote(meta.db_table)} ({targets}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return max(cursor.rowcount, 0)


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's notices (all unread ones when no ids are given) as read."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())
