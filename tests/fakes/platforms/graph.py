"""What the Meta Graph fakes share (Facebook Page, Instagram, Threads): token checks, the Graph
error object, usage headers (shared/reference/platform-apis.md §1 "Error shape", "Rate limits")."""

from __future__ import annotations

import itertools
import json
import secrets

from ..app import FakePlatform, FakeRequest, Fault, Response


def graph_error_body(code: int, message: str, *, subcode: int | None = None, **extra) -> dict:
    error = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "A" + secrets.token_urlsafe(16),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
    error.update(extra)
    return {"error": error}


class GraphFake(FakePlatform):
    version_pattern = r"v\d+\.\d+"

    def __init__(self, *, tokens=("page-token",)):
        super().__init__()
        self.tokens = set(tokens)
        self.expired_tokens: set[str] = set()
        self.ids = itertools.count(100_000_001)
        self.objects: dict[str, dict] = {}
        self.usage_percent = 1

    def new_id(self) -> str:
        return str(next(self.ids))

    def token_of(self, request: FakeRequest) -> str:
        return request.bearer or request.param("access_token") or ""

    def auth_failure(self, request: FakeRequest) -> Response | None:
        token = self.token_of(request)
        if token in self.expired_tokens:
            return Response(
                400,
                graph_error_body(
                    190,
                    "Error validating access token: Session has expired.",
                    subcode=463,
                ),
            )
        if token not in self.tokens:
            return Response(
                400, graph_error_body(190, "Invalid OAuth access token - Cannot parse access token")
            )
        return None

    def handle(self, request: FakeRequest) -> Response:
        failure = self.auth_failure(request)
        if failure is not None:
            for _method, pattern, name, _handler in self._routes:
                if pattern.match(request.path):
                    request.route = name
            return failure
        return super().handle(request)

    def success_headers(self, request: FakeRequest) -> dict[str, str]:
        usage = {"call_count": self.usage_percent, "total_cputime": 1, "total_time": 1}
        return {
            "X-App-Usage": json.dumps(usage),
            "X-Business-Use-Case-Usage": json.dumps(
                {"1": [{"type": "pages", **usage, "estimated_time_to_regain_access": 0}]}
            ),
        }

    def not_found(self, request: FakeRequest) -> Response:
        return Response(
            400,
            graph_error_body(
                100,
                f"Unsupported request - method type: {request.method.lower()}",
                subcode=33,
            ),
        )

    def fault_response(self, fault: Fault, request: FakeRequest) -> Response:
        p = fault.params
        if fault.kind == "server_error":
            return Response(
                p.get("status", 500),
                graph_error_body(
                    2,
                    "An unexpected error has occurred. Please retry your request later.",
                    is_transient=True,
                ),
            )
        if fault.kind == "bare_502":
            return Response(502, "<html><body>Bad Gateway</body></html>")
        if fault.kind == "rate_limited":
            minutes = p.get("minutes", 5)
            usage = {
                "1": [
                    {
                        "type": "pages",
                        "call_count": 100,
                        "total_cputime": 20,
                        "total_time": 20,
                        "estimated_time_to_regain_access": minutes,
                    }
                ]
            }
            return Response(
                400,
                graph_error_body(p.get("code", 32), "(#32) Page request limit reached"),
                {"X-Business-Use-Case-Usage": json.dumps(usage)},
            )
        if fault.kind == "auth":
            return Response(
                400,
                graph_error_body(
                    190,
                    "Error validating access token: The session has been invalidated because "
                    "the user changed their password.",
                    subcode=p.get("subcode", 460),
                ),
            )
        if fault.kind == "graph_error":
            extra = {
                k: v for k, v in p.items() if k not in ("code", "subcode", "message", "status")
            }
            return Response(
                p.get("status", 400),
                graph_error_body(
                    p["code"], p.get("message", "error"), subcode=p.get("subcode"), **extra
                ),
            )
        if fault.kind == "body":  # a recorded body, served verbatim
            return Response(p.get("status", 400), p["body"], p.get("headers", {}))
        raise NotImplementedError(fault.kind)
