"""The unread-notification count in the page header."""

from django.http import HttpRequest

from simedsos.notifications.selectors import unread_for


def unread(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: one COUNT only when a page actually shows the header (partials do not).
    return {"unread_notifications": lambda: unread_for(user).count()}
