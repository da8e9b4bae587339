"""Middleware that makes request facts available to services without passing requests."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from simedsos.core.request_context import client_address


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # REMOTE_ADDR is the peer; behind a reverse proxy, gunicorn's forwarded-allow-ips
        # decides whether it may be replaced by the proxy's header.
        token = client_address.set(request.META.get("REMOTE_ADDR") or None)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
