"""Middleware that makes request facts available to services without passing requests."""

import os
from collections.abc import Callable
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import connections
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


class QueryCountHeaderMiddleware:
    """Bench only: report the SQL queries a request issued in an `X-Query-Count` header.

    Off (removed from the chain at start-up) unless SIMEDSOS_BENCH_QUERY_HEADER=1, so
    production pays nothing for it. The bench reads the header to count queries per page
    through the real server stack, sessions and authentication included.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        if os.environ.get("SIMEDSOS_BENCH_QUERY_HEADER") != "1":
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        count = 0

        def counter(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with ExitStack() as stack:
            for alias in connections:
                stack.enter_context(connections[alias].execute_wrapper(counter))
            response = self.get_response(request)
        response.headers["X-Query-Count"] = str(count)
        return response
