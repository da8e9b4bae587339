"""What the Meta Graph fakes share (Facebook Page, Instagram, Threads): token checks, the Graph
error object, usage headers (shared/reference/platform-apis.md §1 "Error shape", "Rate limits"),
and Facebook Login (§1 "Auth"): the authorisation code traded at `GET /{ver}/oauth/access_token`
for a short-lived user token (hours), that token traded at the same endpoint with
`grant_type=fb_exchange_token` for a long-lived one (`expires_in` 5183944, ~60 days), and
`GET /{user-id}/accounts` (`/me/accounts`) listing the Pages the user manages as
`data[] {id, name, access_token, tasks[]}`, paged with `paging.cursors` / `paging.next`.

The reference gives no error bodies for the token endpoint; the fake answers in the Graph error
shape of §1 (code 100 for a bad, used or expired code; code 1 for a wrong client secret; code 101
for an unknown app id; code 190 for a token it does not know)."""

from __future__ import annotations

import itertools
import json
import secrets
from urllib.parse import urlencode

from ..app import FakePlatform, FakeRequest, Fault, OAuthCodes, Response, route

V = r"/(?P<version>v\d+\.\d+)"
SHORT_LIVED_SECONDS = 5400  # "hours"
LONG_LIVED_SECONDS = 5183944  # the reference's figure, ~60 days
ALL_PAGE_TASKS = ("ADVERTISE", "ANALYZE", "CREATE_CONTENT", "MESSAGING", "MODERATE", "MANAGE")


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


class GraphFake(OAuthCodes, FakePlatform):
    version_pattern = r"v\d+\.\d+"
    # Routes called without an access token (they check their own credentials).
    open_routes = frozenset({"oauth_token"})

    def __init__(
        self, *, tokens=("page-token",), app_id="meta-app-id", app_secret="meta-app-secret"
    ):
        super().__init__()
        self.tokens = set(tokens)
        self.expired_tokens: set[str] = set()
        self.ids = itertools.count(100_000_001)
        self.objects: dict[str, dict] = {}
        self.usage_percent = 1
        self.app_id = app_id
        self.app_secret = app_secret
        # Tokens of the person who logged in: token → "short" | "long".
        self.user_tokens: dict[str, str] = {}
        # Page tokens handed out by /accounts: token → {"page": id, "from": "short" | "long"}.
        self.page_tokens: dict[str, dict] = {}
        # The Pages the logged-in person manages (see `manages`).
        self.managed_pages: list[dict] = []

    def new_id(self) -> str:
        return str(next(self.ids))

    def token_of(self, request: FakeRequest) -> str:
        return request.bearer or request.param("access_token") or ""

    # --- Facebook Login ----------------------------------------------------------------------

    def manages(self, page_id: str, name: str = "Halaman", *, tasks=ALL_PAGE_TASKS, **fields):
        """The logged-in person manages this Page with these tasks (extra fields are returned
        when asked for, e.g. `instagram_business_account`)."""
        self.managed_pages.append({"id": page_id, "name": name, "tasks": list(tasks), **fields})

    def issue_user_token(self, kind: str) -> str:
        token = f"{self.name}-user-{kind}-{secrets.token_hex(4)}"
        self.user_tokens[token] = kind
        return token

    def app_failure(self, request: FakeRequest) -> Response | None:
        if request.param("client_id") not in (None, self.app_id):
            return Response(
                400, graph_error_body(101, "Error validating application. Invalid application ID.")
            )
        if request.param("client_secret") != self.app_secret:
            return Response(400, graph_error_body(1, "Error validating client secret."))
        return None

    def code_failure(self) -> Response:
        return Response(
            400, graph_error_body(100, "This authorization code has expired.", subcode=36007)
        )

    @route("GET", V + r"/oauth/access_token", "oauth_token")
    def oauth_token(self, request: FakeRequest, version):
        if failure := self.app_failure(request):
            return failure
        if request.param("grant_type") == "fb_exchange_token":
            if request.param("fb_exchange_token") not in self.user_tokens:
                return Response(
                    400,
                    graph_error_body(190, "Invalid OAuth access token - Cannot parse access token"),
                )
            token = self.issue_user_token("long")
            return Response(
                200,
                {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_SECONDS},
            )
        given = self.redeem(request)
        if given is None or given.get("client_id") != self.app_id:
            return self.code_failure()
        token = self.issue_user_token("short")
        return Response(
            200, {"access_token": token, "token_type": "bearer", "expires_in": SHORT_LIVED_SECONDS}
        )

    @route("GET", V + r"/(?P<user>me|\d+)/accounts", "accounts")
    def accounts(self, request: FakeRequest, version, user):
        kind = self.user_tokens.get(self.token_of(request))
        if kind is None:  # a Page token has no /accounts edge
            return Response(
                400,
                graph_error_body(
                    100, "(#100) Tried accessing nonexisting field (accounts) on node type (Page)"
                ),
            )
        fields = (request.param("fields") or "id,name,access_token,category,tasks").split(",")
        limit = int(request.param("limit") or 25)
        start = int(request.param("after") or 0)
        pages = self.managed_pages[start : start + limit]
        data = []
        for page in pages:
            entry = {k: v for k, v in page.items() if k in fields}
            if "access_token" in fields:
                token = f"page-{page['id']}-{secrets.token_hex(4)}"
                self.page_tokens[token] = {"page": page["id"], "from": kind}
                self.tokens.add(token)
                entry["access_token"] = token
            data.append(entry | {"id": page["id"]})
        body: dict = {"data": data}
        if pages:
            after = start + len(pages)
            body["paging"] = {"cursors": {"before": str(start), "after": str(after)}}
            if after < len(self.managed_pages):
                query = {**request.query, "after": str(after)}
                body["paging"]["next"] = f"http://{request.host}{request.path}?{urlencode(query)}"
        return Response(200, body)

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
        if token not in self.tokens and token not in self.user_tokens:
            return Response(
                400, graph_error_body(190, "Invalid OAuth access token - Cannot parse access token")
            )
        return None

    def handle(self, request: FakeRequest) -> Response:
        name = next(
            (
                name
                for method, pattern, name, _handler in self._routes
                if method == request.method and pattern.match(request.path)
            ),
            "",
        )
        if name not in self.open_routes:
            failure = self.auth_failure(request)
            if failure is not None:
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
