"""The unread-notification count in the page header."""

from django.http import HttpRequest

from simedsos.notifications.selectors import unread_for


def unread(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Read with the user by accounts.backends.SignedInUserBackend; otherwise (a user signed in
    # during this request) lazily: one COUNT only when a page shows the header.
    counted = getattr(user, "header_unread", None)
    if counted is not None:
        return {"unread_notifications": counted}
    return {"unread_notifications": lambda: unread_for(user).count()}
