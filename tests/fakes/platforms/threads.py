"""Fake Threads API (shared/reference/platform-apis.md §6), built from the reference only: no
real recorded Threads response exists (shared/fixtures/platform-responses/threads/NONE_FOUND.md).
The container flow is Instagram's with Threads' names: /threads, /threads_publish,
/threads_publishing_limit, `status` + `error_message`, TEXT/IMAGE/VIDEO/CAROUSEL, 500 chars.

Threads' own login (§6 "Auth"): `POST /oauth/access_token` (unversioned) trades the code for a
short-lived token (1 h) and the `user_id`; `GET /access_token?grant_type=th_exchange_token`
with the app secret trades that for a long-lived token (`expires_in` 5183944); only long-lived
tokens are refreshed. Facebook Login's endpoints (/{ver}/oauth/access_token, /me/accounts) do not
exist here."""

from __future__ import annotations

from ..app import FakeRequest, Response, route
from .graph import LONG_LIVED_SECONDS, graph_error_body
from .instagram import FakeInstagram

V = r"/(?P<version>v\d+\.\d+)"


class FakeThreads(FakeInstagram):
    name = "threads"
    text_param = "text"
    text_max = 500
    max_children = 20
    refresh_grant = "th_refresh_token"

    open_routes = frozenset({"oauth_token", "oauth_exchange"})

    def __init__(self, *, user_id="27654321012345678", username="jdih.kpukalteng", **kwargs):
        kwargs.setdefault("tokens", ("threads-token",))
        kwargs.setdefault("app_id", "threads-app-id")
        kwargs.setdefault("app_secret", "threads-app-secret")
        super().__init__(user_id=user_id, username=username, **kwargs)
        self.quota_total = 250

    @route("POST", r"/oauth/access_token", "oauth_token")
    def oauth_token(self, request: FakeRequest):
        if failure := self.app_failure(request):
            return failure
        given = self.redeem(request)
        if (
            request.param("grant_type") != "authorization_code"
            or given is None
            or given.get("client_id") != self.app_id
        ):
            return self.code_failure()
        token = self.issue_user_token("short")
        return Response(200, {"access_token": token, "user_id": int(self.user_id)})

    @route("GET", r"/access_token", "oauth_exchange")
    def exchange(self, request: FakeRequest):
        if request.param("client_secret") != self.app_secret:
            return Response(400, graph_error_body(1, "Error validating client secret."))
        if (
            request.param("grant_type") != "th_exchange_token"
            or self.user_tokens.get(request.param("access_token") or "") != "short"
        ):
            return Response(
                400, graph_error_body(190, "Invalid OAuth access token - Cannot parse access token")
            )
        token = self.issue_user_token("long")
        return Response(
            200, {"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_SECONDS}
        )

    def status_body(self, container: dict) -> dict:
        body = {"status": container["state"], "id": container["id"]}
        if container["state"] == "ERROR":
            body["error_message"] = "FAILED_DOWNLOADING_VIDEO"
        return body

    def permalink_for(self, shortcode: str, kind: str) -> str:
        return f"https://www.threads.net/@{self.username}/post/{shortcode}"

    def kind_of(self, request: FakeRequest):
        media_type = request.param("media_type")
        if media_type == "TEXT":
            if not request.param("text"):
                return Response(400, graph_error_body(100, "(#100) text is required"))
            return "TEXT", None
        if media_type == "CAROUSEL":
            return "CAROUSEL", None
        if media_type == "IMAGE" and request.param("image_url"):
            return "IMAGE", request.param("image_url")
        if media_type == "VIDEO" and request.param("video_url"):
            return "VIDEO", request.param("video_url")
        return Response(400, graph_error_body(100, "(#100) Invalid media_type or missing URL"))

    def create_container(self, request, user_id):
        response = super().create_container(request, user_id)
        if response.status == 200:
            container = self.containers[response.body["id"]]
            if container["kind"] == "TEXT":
                container["polls_left"] = 0
        return response

    @route("POST", V + r"/(?P<user_id>\d+)/threads", "container")
    def _create_t(self, request, version, user_id):
        return self.create_container(request, user_id)

    @route("POST", V + r"/(?P<user_id>\d+)/threads_publish", "publish")
    def _publish_t(self, request, version, user_id):
        return self.publish(request, user_id)

    @route("GET", V + r"/(?P<user_id>\d+)/threads_publishing_limit", "quota")
    def _quota_t(self, request, version, user_id):
        return self.quota(request, user_id)

    @route("GET", V + r"/(?P<user_id>\d+)/threads", "list")
    def _list_t(self, request, version, user_id):
        return self.list_media(request, user_id)

    # Instagram's edges do not exist on Threads.
    def _create(self, *a, **k):
        return Response(400, graph_error_body(100, "Unknown path"))

    _publish = _quota = _list = accounts = _create
