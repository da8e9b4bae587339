"""Reading a user's notifications."""

from __future__ import annotations

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from simedsos.accounts.models import User
from simedsos.notifications.models import Notification


def unread_for(user: User) -> QuerySet[Notification]:
    """The user's unread notices, newest first (one query when evaluated)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by(
        "-created_at", "-id"
    )


def unread_count_expression() -> Coalesce:
    """The number of a user's unread notices, as an expression to annotate `User` rows with
    (the index notification_unread_idx answers it)."""
    counted = (
        Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)
