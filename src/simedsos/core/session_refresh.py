"""Idle session expiry without a session write on every request."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse

# Where the time of the last expiry refresh is kept inside the session.
REFRESHED_KEY = "_simedsos_refreshed"


class IdleSessionRefreshMiddleware:
    """Restart a signed-in session's idle clock at most once per SESSION_REFRESH_SECONDS.

    Django's SESSION_SAVE_EVERY_REQUEST writes the session on every page view: three queries
    and, on SQLite, a write lock that serialises every reader behind it. Refreshing only when
    the last refresh is older than the interval keeps idle expiry (SESSION_COOKIE_AGE) exact
    to within that interval.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        # An empty session (anonymous visitor) is never created just to be refreshed.
        if session is None or session.is_empty():
            return response
        now = int(time.time())
        last = session.get(REFRESHED_KEY)
        if not isinstance(last, int) or now - last >= settings.SESSION_REFRESH_SECONDS:
            session[REFRESHED_KEY] = now  # marks the session modified: saved with a new expiry
        return response


@receiver(user_logged_in, dispatch_uid="simedsos.session_refresh.stamp")
def stamp_new_session(sender, request, user, **kwargs) -> None:
    """Signing in saves a new session with a fresh expiry: count that as the first refresh."""
    session = getattr(request, "session", None)
    if session is not None:
        session[REFRESHED_KEY] = int(time.time())
