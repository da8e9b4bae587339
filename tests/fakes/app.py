"""The machinery shared by the fake platform servers: request parsing, routing, injected
faults and a record of every request and every post created.

A fake is a WSGI app. Unit tests reach it in-process through `fake_client(app)`; at least one
test per platform goes over a real 127.0.0.1 socket with `serve_fake(app)` (server.py).

Faults (`fake.fail_next(kind, on=route_name, **params)`), consumed by the next matching call:
- "server_error": a 5xx in the platform's own error shape
- "rate_limited": 429 (or the platform's throttle code) with its reset header/field
- "auth": the platform's token-expired/invalid answer
- "timeout_after_commit": the call is carried out (the post IS created) but the answer never
  arrives: in-process the transport raises httpx.ReadTimeout; over a socket the server sleeps
  past the client's read timeout
- "not_sent": the connection fails before the platform sees anything (httpx.ConnectError)
- "duplicate": the platform's duplicate-content refusal
- anything else a platform fake defines (see its `fault_response`)
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

import httpx


class Dropped(Exception):
    """In-process: the platform acted, but its answer is lost."""


class NotSent(Exception):
    """In-process: the connection failed before the platform saw the request."""


@dataclass
class UploadedFile:
    filename: str
    content_type: str
    data: bytes


@dataclass
class FakeRequest:
    method: str
    path: str
    host: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes
    form: dict[str, str] = field(default_factory=dict)
    files: dict[str, UploadedFile] = field(default_factory=dict)
    json: Any = None
    route: str = ""

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else ""

    def param(self, name: str, default=None):
        """A parameter from the query, the form or the JSON body (in that order)."""
        if name in self.query:
            return self.query[name]
        if name in self.form:
            return self.form[name]
        if isinstance(self.json, dict) and name in self.json:
            return self.json[name]
        return default


@dataclass
class Response:
    status: int
    body: Any = None  # dict/list → JSON; bytes/str → as is; None → empty
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Fault:
    kind: str
    on: str | None
    params: dict[str, Any]


def route(method: str, pattern: str, name: str):
    """Mark a fake's method as the handler of `method` + path regex `pattern`."""

    def mark(func):
        func._route = (method, re.compile(pattern + r"\Z"), name)
        return func

    return mark


def parse_multipart(content_type: str, body: bytes) -> tuple[dict, dict]:
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + body
    )
    form, files = {}, {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        filename = part.get_param("filename", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        if filename is not None:
            files[name] = UploadedFile(filename, part.get_content_type(), payload)
        else:
            form[name] = payload.decode()
    return form, files


class FakePlatform:
    """Base of every fake. Subclasses declare handlers with `@route` and the platform's error
    shapes in `fault_response` / `not_found`."""

    name = "fake"
    drop_delay = 2.0  # over a socket: how long a dropped answer is held (> the test's timeout)

    def __init__(self):
        self.lock = threading.RLock()
        self.requests: list[FakeRequest] = []
        self.posts: list[dict] = []  # every post created on the "platform", in order
        self.faults: list[Fault] = []
        self.over_socket = False
        self._routes = []
        for attr in dir(type(self)):
            func = getattr(type(self), attr)
            if callable(func) and hasattr(func, "_route"):
                method, pattern, name = func._route
                self._routes.append((method, pattern, name, getattr(self, attr)))

    # --- knobs -------------------------------------------------------------------------------

    def fail_next(self, kind: str, *, on: str | None = None, **params) -> None:
        with self.lock:
            self.faults.append(Fault(kind, on, params))

    def calls(self, route_name: str) -> list[FakeRequest]:
        return [r for r in self.requests if r.route == route_name]

    # --- per-platform hooks ------------------------------------------------------------------

    def fault_response(self, fault: Fault, request: FakeRequest) -> Response:
        raise NotImplementedError(fault.kind)

    def not_found(self, request: FakeRequest) -> Response:
        return Response(404, {"error": "not found", "path": request.path})

    def success_headers(self, request: FakeRequest) -> dict[str, str]:
        """Rate-limit headers the platform sends on a normal answer."""
        return {}

    # --- WSGI --------------------------------------------------------------------------------

    def _take_fault(self, route_name: str) -> Fault | None:
        with self.lock:
            for index, fault in enumerate(self.faults):
                if fault.on is None or fault.on == route_name:
                    return self.faults.pop(index)
        return None

    def parse(self, environ) -> FakeRequest:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        if environ.get("CONTENT_LENGTH"):
            headers["content-length"] = environ["CONTENT_LENGTH"]
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        request = FakeRequest(
            method=environ["REQUEST_METHOD"],
            path=environ.get("PATH_INFO", ""),
            host=environ.get("HTTP_HOST", "localhost"),
            query=query,
            headers=headers,
            body=body,
        )
        content_type = headers.get("content-type", "")
        if content_type.startswith("application/x-www-form-urlencoded"):
            request.form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        elif content_type.startswith("multipart/form-data"):
            request.form, request.files = parse_multipart(content_type, body)
        elif content_type.startswith("application/json") and body:
            request.json = json.loads(body)
        return request

    def handle(self, request: FakeRequest) -> Response:
        for method, pattern, name, handler in self._routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                request.route = name
                fault = self._take_fault(name)
                if fault and fault.kind == "not_sent":
                    request.route = f"{name}:not_sent"
                    raise NotSent(name)
                if fault and fault.kind != "timeout_after_commit":
                    return self.fault_response(fault, request)
                response = handler(request, **match.groupdict())
                if fault:  # timeout_after_commit: done, but the answer is lost
                    if self.over_socket:
                        time.sleep(fault.params.get("delay", self.drop_delay))
                    else:
                        raise Dropped(name)
                if 200 <= response.status < 300:
                    response.headers = {**self.success_headers(request), **response.headers}
                return response
        return self.not_found(request)

    def __call__(self, environ, start_response):
        request = self.parse(environ)
        with self.lock:
            self.requests.append(request)
        response = self.handle(request)
        body = response.body
        headers = dict(response.headers)
        if isinstance(body, dict | list):
            payload = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json; charset=UTF-8")
        elif isinstance(body, str):
            payload = body.encode()
        else:
            payload = body or b""
        headers["Content-Length"] = str(len(payload))
        phrase = (
            "Resume Incomplete" if response.status == 308 else HTTPStatus(response.status).phrase
        )
        start_response(f"{response.status} {phrase}", list(headers.items()))
        return [payload]


class FakeTransport(httpx.BaseTransport):
    """httpx's WSGI transport, turning the fake's simulated network failures into the
    exceptions httpx raises for real ones."""

    def __init__(self, app: FakePlatform):
        self.inner = httpx.WSGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return self.inner.handle_request(request)
        except Dropped as exc:
            raise httpx.ReadTimeout(f"fake: answer lost after {exc}", request=request) from exc
        except NotSent as exc:
            raise httpx.ConnectError(f"fake: connection refused at {exc}", request=request) from exc


def fake_client(app: FakePlatform) -> httpx.Client:
    return httpx.Client(transport=FakeTransport(app), timeout=5)


def now_epoch() -> int:
    return int(time.time())


class OAuthCodes:
    """The authorisation-code half of a platform's OAuth 2.0: `issue_code` stands for the user
    approving the consent page (it remembers the PKCE challenge and redirect URI from the
    authorize URL); `redeem` checks a token request's code, verifier and redirect URI."""

    def _codes(self) -> dict[str, dict]:
        if not hasattr(self, "_oauth_codes"):
            self._oauth_codes = {}
        return self._oauth_codes

    def issue_code(self, authorize_query: dict[str, str]) -> str:
        import secrets

        code = f"code-{secrets.token_hex(6)}"
        self._codes()[code] = dict(authorize_query)
        return code

    def redeem(self, request: FakeRequest) -> dict | None:
        """The remembered authorize parameters, or None when the request is not valid."""
        import base64
        import hashlib

        given = self._codes().pop(request.param("code") or "", None)
        if given is None or given.get("redirect_uri") != request.param("redirect_uri"):
            return None
        challenge = given.get("code_challenge")
        if challenge:
            verifier = request.param("code_verifier") or ""
            digest = hashlib.sha256(verifier.encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                return None
        return given
