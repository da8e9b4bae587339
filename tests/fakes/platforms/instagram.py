"""Fake Instagram Graph content publishing (shared/reference/platform-apis.md §2): containers
IN_PROGRESS → FINISHED (→ PUBLISHED), ERROR on unreachable media, EXPIRED on demand; carousel
parents; `media_publish`; the rolling publishing quota; media reads and listings.
The Threads fake (threads.py) reuses this with Threads' names."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from ..app import FakeRequest, Response, route
from .graph import GraphFake, graph_error_body

V = r"/(?P<version>v\d+\.\d+)"


class FakeInstagram(GraphFake):
    name = "instagram"
    container_edge = "media"
    publish_edge = "media_publish"
    limit_edge = "content_publishing_limit"
    text_param = "caption"
    text_max = 2200
    max_children = 10
    refresh_grant = "ig_refresh_token"

    def __init__(
        self,
        *,
        user_id="17841400455970028",
        username="jdih.kpukalteng",
        page_id="102345678901234",
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.user_id = user_id
        self.username = username
        # The Facebook Page the professional account is linked to (Facebook Login variant).
        self.page_id = page_id
        self.manages(page_id, "JDIH KPU Kalteng", instagram_business_account={"id": user_id})
        self.containers: dict[str, dict] = {}
        self.media: dict[str, dict] = {}
        self.image_polls = 1  # status reads that still answer IN_PROGRESS for an image
        self.video_polls = 3
        self.quota_total = 50
        self.unreachable_urls: set[str] = set()
        self.refreshed: list[str] = []

    # --- shapes that differ between Instagram and Threads -------------------------------------

    def status_body(self, container: dict) -> dict:
        texts = {
            "IN_PROGRESS": "In Progress: Media is still being processed.",
            "FINISHED": "Finished: Media has been uploaded and it is ready to be published.",
            "PUBLISHED": "Published: Media has been successfully published.",
            "EXPIRED": "Expired: Media was not published within 24 hours.",
            "ERROR": container.get("error", "Error: Media download has failed. 2207003"),
        }
        state = container["state"]
        return {"status_code": state, "status": texts[state], "id": container["id"]}

    def permalink_for(self, shortcode: str, kind: str) -> str:
        path = "reel" if kind == "REELS" else "p"
        return f"https://www.instagram.com/{path}/{shortcode}/"

    def kind_of(self, request: FakeRequest) -> tuple[str, str | None] | Response:
        media_type = request.param("media_type")
        if media_type == "CAROUSEL":
            return "CAROUSEL", None
        if media_type in ("REELS", "VIDEO", "STORIES") and request.param("video_url"):
            return media_type, request.param("video_url")
        if media_type in (None, "IMAGE") and request.param("image_url"):
            return "IMAGE", request.param("image_url")
        return Response(
            400, graph_error_body(100, "(#100) The parameter image_url or video_url is required.")
        )

    # --- endpoints ---------------------------------------------------------------------------

    def _user(self, user_id: str) -> Response | None:
        if user_id != self.user_id:
            return Response(
                400,
                graph_error_body(100, f"Unsupported post request. Object '{user_id}'", subcode=33),
            )
        return None

    def create_container(self, request: FakeRequest, user_id: str) -> Response:
        if failure := self._user(user_id):
            return failure
        kind = self.kind_of(request)
        if isinstance(kind, Response):
            return kind
        kind, url = kind
        text = request.param(self.text_param, "") or ""
        if len(text) > self.text_max:
            return Response(
                400,
                graph_error_body(100, f"(#100) The caption is longer than {self.text_max}."),
            )
        children = []
        if kind == "CAROUSEL":
            children = [c for c in (request.param("children") or "").split(",") if c]
            if not 2 <= len(children) <= self.max_children:
                return Response(400, graph_error_body(100, "(#100) Invalid children count"))
            for child in children:
                item = self.containers.get(child)
                if not item or not item["carousel_item"] or item["state"] != "FINISHED":
                    return Response(
                        400,
                        graph_error_body(
                            24, "The container is not ready or not found", subcode=2207008
                        ),
                    )
        if url is not None and not url.startswith("https://"):
            return Response(400, graph_error_body(100, "(#100) Only https URLs are accepted"))
        container_id = self.new_id()
        polls = self.video_polls if kind in ("REELS", "VIDEO") else self.image_polls
        container = {
            "id": container_id,
            "kind": kind,
            "url": url,
            "text": text,
            "children": children,
            "carousel_item": request.param("is_carousel_item") == "true",
            "alt_text": request.param("alt_text"),
            "state": "IN_PROGRESS",
            "polls_left": polls,
        }
        if url in self.unreachable_urls:
            container["state"] = "ERROR"
        self.containers[container_id] = container
        return Response(200, {"id": container_id})

    def read_container(self, container: dict, request: FakeRequest) -> Response:
        if container["state"] == "IN_PROGRESS":
            if container["polls_left"] > 0:
                container["polls_left"] -= 1
            else:
                container["state"] = "FINISHED"
        return Response(200, self.status_body(container))

    def publish(self, request: FakeRequest, user_id: str) -> Response:
        if failure := self._user(user_id):
            return failure
        container = self.containers.get(request.param("creation_id") or "")
        if container is None:
            return Response(
                400, graph_error_body(24, "The container was not found", subcode=2207008)
            )
        if container["state"] == "EXPIRED":
            return Response(400, graph_error_body(-2, "The container has expired", subcode=2207020))
        if container["state"] == "PUBLISHED":
            return Response(400, graph_error_body(-1, "Media already published", subcode=2207032))
        if container["state"] != "FINISHED":
            return Response(
                400,
                graph_error_body(
                    9007,
                    "Media ID is not available",
                    subcode=2207027,
                    error_user_msg="The media is not ready for publishing, please wait.",
                ),
            )
        if len(self.posts) >= self.quota_total:
            return Response(
                400, graph_error_body(9, "Application request limit reached", subcode=2207042)
            )
        media_id = self.new_id()
        shortcode = secrets.token_urlsafe(8).replace("-", "A").replace("_", "B")[:11]
        post = {
            "id": media_id,
            self.text_param: container["text"],
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "permalink": self.permalink_for(shortcode, container["kind"]),
            "shortcode": shortcode,
            "media_product_type": "REELS" if container["kind"] == "REELS" else "FEED",
            "container_id": container["id"],
            "kind": container["kind"],
            "children": container["children"],
        }
        container["state"] = "PUBLISHED"
        self.media[media_id] = post
        self.posts.append(post)
        return Response(200, {"id": media_id})

    def quota(self, request: FakeRequest, user_id: str) -> Response:
        return Response(
            200,
            {
                "data": [
                    {
                        "quota_usage": len(self.posts),
                        "config": {"quota_total": self.quota_total, "quota_duration": 86400},
                    }
                ]
            },
        )

    def list_media(self, request: FakeRequest, user_id: str) -> Response:
        fields = (request.param("fields") or "id").split(",")
        limit = int(request.param("limit") or 25)
        items = list(reversed(self.posts))[:limit]
        return Response(200, {"data": [{k: p[k] for k in fields if k in p} for p in items]})

    @route("POST", V + r"/(?P<user_id>\d+)/media", "container")
    def _create(self, request, version, user_id):
        return self.create_container(request, user_id)

    @route("POST", V + r"/(?P<user_id>\d+)/media_publish", "publish")
    def _publish(self, request, version, user_id):
        return self.publish(request, user_id)

    @route("GET", V + r"/(?P<user_id>\d+)/content_publishing_limit", "quota")
    def _quota(self, request, version, user_id):
        return self.quota(request, user_id)

    @route("GET", V + r"/(?P<user_id>\d+)/media", "list")
    def _list(self, request, version, user_id):
        return self.list_media(request, user_id)

    @route("GET", V + r"/(?P<object_id>\d+)", "object")
    def read_object(self, request, version, object_id):
        if object_id in self.containers:
            return self.read_container(self.containers[object_id], request)
        if object_id in self.media:
            fields = (request.param("fields") or "id").split(",")
            return Response(
                200,
                {k: self.media[object_id][k] for k in fields if k in self.media[object_id]}
                | {"id": object_id},
            )
        if object_id == self.user_id:
            return Response(200, {"id": self.user_id, "username": self.username, "name": "JDIH"})
        if object_id == self.page_id:  # GET /{page-id}?fields=instagram_business_account
            page = {"id": self.page_id, "name": "JDIH KPU Kalteng"}
            page["instagram_business_account"] = {"id": self.user_id}
            fields = (request.param("fields") or "id,name").split(",")
            return Response(200, {k: v for k, v in page.items() if k in fields or k == "id"})
        return Response(
            400, graph_error_body(100, f"Object with ID '{object_id}' does not exist", subcode=33)
        )

    @route("GET", r"/refresh_access_token", "refresh")
    def refresh(self, request, **_):
        token = request.param("access_token")
        known = token in self.tokens or self.user_tokens.get(token) == "long"
        if request.param("grant_type") != self.refresh_grant or not known:
            return Response(400, graph_error_body(190, "Invalid OAuth access token"))
        new = f"{self.name}-token-{len(self.refreshed) + 1}"
        self.refreshed.append(new)
        self.tokens.add(new)
        return Response(200, {"access_token": new, "token_type": "bearer", "expires_in": 5183944})
