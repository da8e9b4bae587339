"""Fake Facebook Page Graph API (shared/reference/platform-apis.md §1): /feed, /photos
(published or not), graph-video /videos, /published_posts, object reads; code 506 on a
consecutive duplicate message. Posting takes a Page access token: a user token is refused
with a permission error (code 200). Facebook Login and /me/accounts are in graph.py."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from ..app import FakeRequest, Response, route
from .graph import GraphFake, graph_error_body

V = r"/(?P<version>v\d+\.\d+)"
PHOTO_TYPES = {"image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"}


def graph_time(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%S+0000")


class FakeFacebook(GraphFake):
    name = "facebook"

    def __init__(self, *, page_id="245628824887810", tokens=("page-token",), **kwargs):
        super().__init__(tokens=tokens, **kwargs)
        self.page_id = page_id
        self.photos: dict[str, dict] = {}
        self.manages(page_id, "JDIH KPU Kalteng")

    def _new_post(self, message: str, **extra) -> dict:
        post_id = f"{self.page_id}_{self.new_id()}"
        now = datetime.now(UTC)
        post = {
            "id": post_id,
            "message": message,
            "created_time": graph_time(now),
            "permalink_url": f"https://www.facebook.com/{self.page_id}/posts/{post_id.split('_')[1]}",
            "_created": now.timestamp(),
            **extra,
        }
        self.posts.append(post)
        self.objects[post_id] = post
        return post

    def _wrong_page(self, page_id: str, request: FakeRequest) -> Response | None:
        if self.token_of(request) in self.user_tokens:
            return Response(
                400,
                graph_error_body(
                    200,
                    "(#200) If posting to a page, requires both pages_read_engagement and "
                    "pages_manage_posts as an admin with sufficient administrative permission",
                ),
            )
        if page_id != self.page_id:
            return Response(
                400,
                graph_error_body(
                    100,
                    f"Unsupported post request. Object with ID '{page_id}' does not exist",
                    subcode=33,
                ),
            )
        return None

    def _duplicate(self, message: str) -> Response | None:
        if message and self.posts and self.posts[-1].get("message") == message:
            return Response(400, graph_error_body(506, "(#506) Duplicate status message"))
        return None

    @route("POST", V + r"/(?P<page_id>\d+)/feed", "feed")
    def feed(self, request: FakeRequest, version, page_id):
        if failure := self._wrong_page(page_id, request):
            return failure
        message = request.param("message", "")
        attached = []
        index = 0
        while (value := request.param(f"attached_media[{index}]")) is not None:
            media_fbid = json.loads(value)["media_fbid"]
            photo = self.photos.get(media_fbid)
            if photo is None or photo["published"]:
                return Response(
                    400, graph_error_body(100, "(#100) Invalid attached_media: " + media_fbid)
                )
            attached.append(media_fbid)
            index += 1
        if not message and not attached and not request.param("link"):
            return Response(400, graph_error_body(100, "(#100) Missing message or attachment"))
        if duplicate := self._duplicate(message):
            return duplicate
        post = self._new_post(message, kind="album" if attached else "text", photos=attached)
        for media_fbid in attached:
            self.photos[media_fbid]["published"] = True
        return Response(200, {"id": post["id"]})

    @route("POST", V + r"/(?P<page_id>\d+)/photos", "photos")
    def photos_edge(self, request: FakeRequest, version, page_id):
        if failure := self._wrong_page(page_id, request):
            return failure
        upload = request.files.get("source")
        url = request.param("url")
        if upload is None and not url:
            return Response(
                400, graph_error_body(324, "(#324) Requires upload file", subcode=2069019)
            )
        if upload is not None and upload.content_type not in PHOTO_TYPES:
            return Response(400, graph_error_body(324, "(#324) Missing or invalid image file"))
        photo_id = self.new_id()
        published = request.param("published", "true") != "false"
        self.photos[photo_id] = {
            "id": photo_id,
            "published": published,
            "bytes": len(upload.data) if upload else 0,
            "url": url,
        }
        if not published:
            return Response(200, {"id": photo_id})
        caption = request.param("caption") or request.param("message") or ""
        if duplicate := self._duplicate(caption):
            return duplicate
        post = self._new_post(caption, kind="photo", photos=[photo_id])
        return Response(200, {"id": photo_id, "post_id": post["id"]})

    @route("POST", V + r"/(?P<page_id>\d+)/videos", "videos")
    def videos(self, request: FakeRequest, version, page_id):
        if failure := self._wrong_page(page_id, request):
            return failure
        if not request.host.startswith("graph-video.") and "127.0.0.1" not in request.host:
            return Response(400, graph_error_body(100, "Video uploads go to graph-video"))
        upload = request.files.get("source")
        if upload is None and not request.param("file_url"):
            return Response(400, graph_error_body(100, "(#100) No file was uploaded"))
        video_id = self.new_id()
        post = self._new_post(request.param("description", ""), kind="video", video_id=video_id)
        post["permalink_url"] = f"https://www.facebook.com/{self.page_id}/videos/{video_id}"
        return Response(200, {"id": video_id})

    @route("GET", V + r"/(?P<page_id>\d+)/published_posts", "published_posts")
    def published_posts(self, request: FakeRequest, version, page_id):
        since = float(request.param("since", 0))
        data = [
            {
                k: v
                for k, v in post.items()
                if k in ("id", "message", "created_time", "permalink_url")
            }
            for post in reversed(self.posts)
            if post["_created"] >= since
        ]
        return Response(200, {"data": data})

    @route("GET", V + r"/(?P<object_id>[\d_]+)", "object")
    def read_object(self, request: FakeRequest, version, object_id):
        if object_id == self.page_id:
            return Response(200, {"id": self.page_id, "name": "JDIH KPU Kalteng"})
        post = self.objects.get(object_id)
        if post is None:
            return Response(
                400,
                graph_error_body(
                    100,
                    f"Unsupported get request. Object with ID '{object_id}' does not exist",
                    subcode=33,
                ),
            )
        fields = (request.param("fields") or "id").split(",")
        return Response(200, {k: post[k] for k in fields if k in post})
