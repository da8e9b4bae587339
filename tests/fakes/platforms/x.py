"""Fake X API v2 (shared/reference/platform-apis.md §3): v2 media upload (one-shot and
initialize/append/finalize with processing_info pending → in_progress → succeeded, STATUS),
alt text, POST /2/tweets (280 weighted characters, 403 duplicate content), the user timeline,
/2/users/me and OAuth 2.0 refresh with rotation; x-rate-limit-* and 24-hour headers."""

from __future__ import annotations

import itertools
import secrets
from datetime import UTC, datetime

from simedsos.publishing.platforms.text_counting import URL_PATTERN, x_weighted_length

from ..app import FakePlatform, FakeRequest, Fault, OAuthCodes, Response, now_epoch, route

MB = 1024 * 1024


def problem(status: int, title: str, detail: str, type_="about:blank", **extra) -> dict:
    return {"title": title, "type": type_, "status": status, "detail": detail, **extra}


class FakeX(OAuthCodes, FakePlatform):
    name = "x"

    def __init__(self, *, user_id="1349000000000000001", username="jdihkpukalteng"):
        super().__init__()
        self.user_id = user_id
        self.username = username
        self.tokens = {"x-token"}
        self.refresh_tokens = {"x-refresh"}
        self.client_id = "client-id"
        self.ids = itertools.count(1912090619981471744)
        self.media: dict[str, dict] = {}
        self.processing_polls = 2  # STATUS reads before a video finishes
        self.remaining = 99

    def new_id(self) -> str:
        return str(next(self.ids))

    # --- shapes ------------------------------------------------------------------------------

    def success_headers(self, request: FakeRequest) -> dict[str, str]:
        headers = {
            "x-rate-limit-limit": "100",
            "x-rate-limit-remaining": str(self.remaining),
            "x-rate-limit-reset": str(now_epoch() + 900),
        }
        if request.route == "tweets":
            headers.update(
                {
                    "x-user-limit-24hour-limit": "100",
                    "x-user-limit-24hour-remaining": str(100 - len(self.posts)),
                    "x-user-limit-24hour-reset": str(now_epoch() + 86400),
                    "x-app-limit-24hour-limit": "10000",
                    "x-app-limit-24hour-remaining": "9990",
                    "x-app-limit-24hour-reset": str(now_epoch() + 86400),
                }
            )
        return headers

    def fault_response(self, fault: Fault, request: FakeRequest) -> Response:
        p = fault.params
        if fault.kind == "server_error":
            status = p.get("status", 503)
            return Response(status, problem(status, "Service Unavailable", "Service Unavailable"))
        if fault.kind == "rate_limited":
            reset = p.get("reset", now_epoch() + 600)
            headers = {
                "x-rate-limit-limit": "100",
                "x-rate-limit-remaining": "0",
                "x-rate-limit-reset": str(reset),
            }
            if "daily_reset" in p:
                headers["x-user-limit-24hour-remaining"] = "0"
                headers["x-user-limit-24hour-reset"] = str(p["daily_reset"])
            if p.get("legacy"):
                return Response(
                    429, {"errors": [{"code": 88, "message": "Rate limit exceeded"}]}, headers
                )
            return Response(429, problem(429, "Too Many Requests", "Too Many Requests"), headers)
        if fault.kind == "auth":
            return Response(401, problem(401, "Unauthorized", "Unauthorized"))
        if fault.kind == "duplicate":
            return Response(
                403,
                problem(
                    403,
                    "Forbidden",
                    "You are not allowed to create a Tweet with duplicate content.",
                ),
            )
        if fault.kind == "body":
            return Response(p.get("status", 400), p["body"], p.get("headers", {}))
        raise NotImplementedError(fault.kind)

    def not_found(self, request):
        return Response(404, problem(404, "Not Found Error", f"{request.path} not found"))

    def handle(self, request: FakeRequest) -> Response:
        if request.path != "/2/oauth2/token" and request.bearer not in self.tokens:
            for _m, pattern, name, _h in self._routes:
                if pattern.match(request.path):
                    request.route = name
            return Response(401, problem(401, "Unauthorized", "Unauthorized"))
        return super().handle(request)

    # --- media -------------------------------------------------------------------------------

    @route("POST", r"/2/media/upload", "media_simple")
    def media_simple(self, request: FakeRequest):
        upload = request.files.get("media")
        if upload is None:
            return Response(
                400,
                problem(
                    400,
                    "Invalid Request",
                    "media is required",
                    "https://api.twitter.com/2/problems/invalid-request",
                ),
            )
        if len(upload.data) > 5 * MB:
            return Response(400, problem(400, "Invalid Request", "File size exceeds 5MB"))
        media_id = self.new_id()
        self.media[media_id] = {
            "id": media_id,
            "state": "succeeded",
            "kind": "image",
            "size": len(upload.data),
        }
        return Response(
            200,
            {
                "data": {
                    "id": media_id,
                    "media_key": f"3_{media_id}",
                    "size": len(upload.data),
                    "expires_after_secs": 86400,
                    "image": {"image_type": upload.content_type, "w": 800, "h": 800},
                }
            },
        )

    @route("GET", r"/2/media/upload", "media_status")
    def media_status(self, request: FakeRequest):
        media = self.media.get(request.param("media_id") or "")
        if request.param("command") != "STATUS" or media is None:
            return Response(400, problem(400, "Invalid Request", "unknown media_id"))
        if media["state"] in ("pending", "in_progress"):
            if media["polls_left"] > 0:
                media["polls_left"] -= 1
                media["state"] = "in_progress"
            else:
                media["state"] = "succeeded"
        info = {"state": media["state"]}
        if media["state"] == "in_progress":
            info.update(check_after_secs=1, progress_percent=50)
        if media["state"] == "succeeded":
            info["progress_percent"] = 100
        return Response(
            200,
            {
                "data": {
                    "id": media["id"],
                    "media_key": f"7_{media['id']}",
                    "size": media["size"],
                    "expires_after_secs": 86000,
                    "processing_info": info,
                }
            },
        )

    @route("POST", r"/2/media/upload/initialize", "media_init")
    def media_init(self, request: FakeRequest):
        body = request.json or {}
        if not body.get("total_bytes") or not body.get("media_type"):
            return Response(
                400, problem(400, "Invalid Request", "total_bytes and media_type required")
            )
        if body["total_bytes"] > 512 * MB:
            return Response(400, problem(400, "Invalid Request", "File size exceeds 512MB"))
        media_id = self.new_id()
        self.media[media_id] = {
            "id": media_id,
            "kind": "video" if body["media_type"].startswith("video/") else "gif",
            "total": body["total_bytes"],
            "segments": [],
            "size": 0,
            "state": "uploading",
            "category": body.get("media_category"),
        }
        return Response(
            200,
            {"data": {"id": media_id, "media_key": f"7_{media_id}", "expires_after_secs": 86400}},
        )

    @route("POST", r"/2/media/upload/(?P<media_id>\d+)/append", "media_append")
    def media_append(self, request: FakeRequest, media_id):
        media = self.media.get(media_id)
        upload = request.files.get("media")
        if media is None or upload is None:
            return Response(400, problem(400, "Invalid Request", "bad media id or no media"))
        index = int(request.param("segment_index", -1))
        if index != len(media["segments"]):
            return Response(400, problem(400, "Invalid Request", "segment_index out of order"))
        media["segments"].append(len(upload.data))
        media["size"] += len(upload.data)
        return Response(200, {"data": {"expires_at": now_epoch() + 86400}})

    @route("POST", r"/2/media/upload/(?P<media_id>\d+)/finalize", "media_finalize")
    def media_finalize(self, request: FakeRequest, media_id):
        media = self.media.get(media_id)
        if media is None or media["size"] != media["total"]:
            return Response(400, problem(400, "Invalid Request", "File size mismatch"))
        media["state"] = "pending"
        media["polls_left"] = self.processing_polls
        return Response(
            200,
            {
                "data": {
                    "id": media_id,
                    "media_key": f"7_{media_id}",
                    "size": media["size"],
                    "expires_after_secs": 86400,
                    "processing_info": {"state": "pending", "check_after_secs": 1},
                }
            },
        )

    @route("POST", r"/2/media/metadata/create", "media_metadata")
    def media_metadata(self, request: FakeRequest):
        body = request.json or {}
        media = self.media.get(str(body.get("id")))
        if media is None:
            return Response(400, problem(400, "Invalid Request", "unknown media id"))
        media["alt_text"] = body["metadata"]["alt_text"]["text"]
        return Response(200, {"data": {"id": media["id"], "associated_metadata": body["metadata"]}})

    # --- posts -------------------------------------------------------------------------------

    @route("POST", r"/2/tweets", "tweets")
    def create_tweet(self, request: FakeRequest):
        body = request.json or {}
        text = body.get("text") or ""
        media_ids = (body.get("media") or {}).get("media_ids") or []
        if not text and not media_ids:
            return Response(
                400,
                problem(
                    400,
                    "Invalid Request",
                    "text or media is required",
                    "https://api.twitter.com/2/problems/invalid-request",
                ),
            )
        if x_weighted_length(text) > 280:
            return Response(
                400,
                {
                    "errors": [{"parameters": {"text": [text]}, "message": "text is too long"}],
                    "title": "Invalid Request",
                    "detail": "One or more parameters to your request was invalid.",
                    "type": "https://api.twitter.com/2/problems/invalid-request",
                },
            )
        for media_id in media_ids:
            media = self.media.get(str(media_id))
            if media is None or media["state"] != "succeeded":
                return Response(
                    400, problem(400, "Invalid Request", f"Your media IDs are invalid: {media_id}")
                )
        if any(p["sent_text"] == text for p in self.posts):
            return Response(
                403,
                problem(
                    403,
                    "Forbidden",
                    "You are not allowed to create a Tweet with duplicate content.",
                ),
            )
        tweet_id = self.new_id()
        shown = URL_PATTERN.sub(lambda m: "https://t.co/" + secrets.token_urlsafe(7), text)
        if media_ids:
            shown = f"{shown} https://t.co/{secrets.token_urlsafe(7)}"
        post = {
            "id": tweet_id,
            "text": shown,
            "sent_text": text,
            "media_ids": list(media_ids),
            "created_at": datetime.now(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        self.posts.append(post)
        return Response(
            201,
            {"data": {"id": tweet_id, "text": shown, "edit_history_tweet_ids": [tweet_id]}},
            {"location": f"https://api.x.com/2/tweets/{tweet_id}"},
        )

    @route("GET", r"/2/users/(?P<user_id>\d+)/tweets", "timeline")
    def timeline(self, request: FakeRequest, user_id):
        limit = int(request.param("max_results") or 10)
        items = [
            {
                "id": p["id"],
                "text": p["text"],
                "created_at": p["created_at"],
                "edit_history_tweet_ids": [p["id"]],
            }
            for p in reversed(self.posts)
        ][:limit]
        meta = {"result_count": len(items)}
        return Response(200, {"data": items, "meta": meta} if items else {"meta": meta})

    @route("GET", r"/2/users/me", "me")
    def me(self, request: FakeRequest):
        return Response(
            200,
            {"data": {"id": self.user_id, "name": "JDIH KPU Kalteng", "username": self.username}},
        )

    @route("POST", r"/2/oauth2/token", "token")
    def token(self, request: FakeRequest):
        if request.param("grant_type") == "authorization_code":
            if self.redeem(request) is None:
                return Response(
                    400,
                    {
                        "error": "invalid_request",
                        "error_description": "Value passed for the authorization code was invalid.",
                    },
                )
            refresh = f"x-refresh-{secrets.token_hex(4)}"
            access = f"x-token-{secrets.token_hex(4)}"
            self.tokens.add(access)
            self.refresh_tokens.add(refresh)
            return Response(
                200,
                {
                    "token_type": "bearer",
                    "expires_in": 7200,
                    "access_token": access,
                    "scope": "tweet.write users.read tweet.read offline.access media.write",
                    "refresh_token": refresh,
                },
            )
        if (
            request.param("grant_type") != "refresh_token"
            or request.param("refresh_token") not in self.refresh_tokens
        ):
            return Response(
                400,
                {
                    "error": "invalid_request",
                    "error_description": "Value passed for the token was invalid.",
                },
            )
        if request.param("client_id") != self.client_id and not request.headers.get(
            "authorization", ""
        ).startswith("Basic "):
            return Response(
                401,
                {
                    "error": "unauthorized_client",
                    "error_description": "Missing valid authorization header",
                },
            )
        self.refresh_tokens.discard(request.param("refresh_token"))  # rotation: the old one dies
        access, refresh = f"x-token-{secrets.token_hex(4)}", f"x-refresh-{secrets.token_hex(4)}"
        self.tokens.add(access)
        self.refresh_tokens.add(refresh)
        return Response(
            200,
            {
                "token_type": "bearer",
                "expires_in": 7200,
                "access_token": access,
                "scope": "tweet.write users.read tweet.read offline.access media.write",
                "refresh_token": refresh,
            },
        )
