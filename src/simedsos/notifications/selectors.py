"""Reading a user's notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from simedsos.accounts.models import User
from simedsos.notifications.models import Notification


def unread_for(user: User) -> QuerySet[Notification]:
    """The user's unread notices, newest first (one query when evaluated)."""
    return Notification.objects.filter(recipient=user, read_at__isnull=True).order_by(
        "-created_at", "-id"
    )
