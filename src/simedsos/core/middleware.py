"""Middleware that makes request facts available to services without passing requests."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from simedsos.core.request_context import client_address, request_memo


class RequestContextMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # REMOTE_ADDR is the peer; behind a reverse proxy, gunicorn's forwarded-allow-ips
        # decides whether it may be replaced by the proxy's header.
        token = client_address.set(request.META.get("REMOTE_ADDR") or None)
        memo_token = request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            request_memo.reset(memo_token)
            client_address.reset(token)


class ChosenLanguageMiddleware:
    """Indonesian unless the user picked another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC set
    up in English would show English pages; here the default is the unit's working language and
    only an explicit choice (the language cookie set by `set_language`) changes it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response
