"""Fake TikTok Content Posting API, built from the reference only (§5): no real recorded TikTok
response exists (shared/fixtures/platform-responses/tiktok/NONE_FOUND.md).

creator_info; video init with FILE_UPLOAD (chunk rules of the media transfer guide, PUT with
Content-Range → 206 / 201) or PULL_FROM_URL (verified URL prefixes only); photo content init;
status fetch PROCESSING_UPLOAD / PROCESSING_DOWNLOAD → PUBLISH_COMPLETE (public id after
moderation) or FAILED; OAuth refresh with rotation; the {"data", "error"{code, message,
log_id}} envelope on every answer; unaudited-client behaviour."""

from __future__ import annotations

import itertools
import secrets

from ..app import FakePlatform, FakeRequest, Fault, OAuthCodes, Response, route

MB = 1024 * 1024
ALL_PRIVACY = ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY"]


def envelope(data=None, code="ok", message="", status=200) -> Response:
    return Response(
        status,
        {
            "data": data if data is not None else {},
            "error": {"code": code, "message": message, "log_id": secrets.token_hex(16)},
        },
    )


class FakeTikTok(OAuthCodes, FakePlatform):
    name = "tiktok"

    def __init__(self, *, username="jdihkpukalteng"):
        super().__init__()
        self.username = username
        self.tokens = {"tt-token"}
        self.refresh_tokens = {"tt-refresh"}
        self.audited = True
        self.max_duration = 600
        self.verified_prefixes = ["https://jdih.example.go.id/"]
        self.processing_polls = 1
        self.moderation_polls = 0  # extra polls at PUBLISH_COMPLETE before the public id appears
        self.fail_reason: str | None = None
        self.publishes: dict[str, dict] = {}
        self.ids = itertools.count(7_400_000_000_000_000_001)

    @property
    def privacy_options(self):
        return ALL_PRIVACY if self.audited else ["SELF_ONLY"]

    def fault_response(self, fault: Fault, request: FakeRequest) -> Response:
        p = fault.params
        if fault.kind == "server_error":
            return envelope(code="internal_error", message="Something went wrong", status=500)
        if fault.kind == "rate_limited":
            return envelope(code="rate_limit_exceeded", message="Too many requests", status=429)
        if fault.kind == "auth":
            return envelope(
                code="access_token_invalid", message="The access token is invalid", status=401
            )
        if fault.kind == "error":
            return envelope(
                code=p["code"], message=p.get("message", ""), status=p.get("status", 400)
            )
        raise NotImplementedError(fault.kind)

    def handle(self, request: FakeRequest) -> Response:
        if request.route != "upload" and not request.path.startswith(("/video/", "/v2/oauth/")):
            if request.bearer not in self.tokens:
                for _m, pattern, name, _h in self._routes:
                    if pattern.match(request.path):
                        request.route = name
                return envelope(
                    code="access_token_invalid",
                    message="The access token is invalid or not found in the request.",
                    status=401,
                )
        return super().handle(request)

    @route("POST", r"/v2/post/publish/creator_info/query/", "creator_info")
    def creator_info(self, request: FakeRequest):
        return envelope(
            {
                "creator_avatar_url": "https://p16.tiktokcdn.com/avatar.jpeg",
                "creator_username": self.username,
                "creator_nickname": "JDIH KPU Kalteng",
                "privacy_level_options": self.privacy_options,
                "comment_disabled": False,
                "duet_disabled": False,
                "stitch_disabled": True,
                "max_video_post_duration_sec": self.max_duration,
            }
        )

    def _check_post_info(self, info: dict) -> Response | None:
        privacy = info.get("privacy_level")
        if privacy not in self.privacy_options:
            if not self.audited:
                return envelope(
                    code="unaudited_client_can_only_post_to_private_accounts",
                    message="Unaudited clients can only post to private accounts",
                    status=403,
                )
            return envelope(
                code="privacy_level_option_mismatch", message="privacy_level", status=400
            )
        if len((info.get("title") or "").encode("utf-16-le")) // 2 > 2200:
            return envelope(code="invalid_params", message="title too long", status=400)
        return None

    def _new_publish(self, kind: str, info: dict, **extra) -> str:
        publish_id = f"v_pub_file~v2-1.{next(self.ids)}"
        self.publishes[publish_id] = {
            "id": publish_id,
            "kind": kind,
            "info": info,
            "received": 0,
            "status": "PROCESSING_UPLOAD",
            "polls_left": self.processing_polls,
            "moderation_left": self.moderation_polls,
            "post": None,
            **extra,
        }
        return publish_id

    @route("POST", r"/v2/post/publish/video/init/", "video_init")
    def video_init(self, request: FakeRequest):
        body = request.json or {}
        info, source = body.get("post_info") or {}, body.get("source_info") or {}
        if failure := self._check_post_info(info):
            return failure
        if source.get("source") == "FILE_UPLOAD":
            size, chunk, count = (
                source.get("video_size"),
                source.get("chunk_size"),
                source.get("total_chunk_count"),
            )
            if not size or not chunk or not count:
                return envelope(code="invalid_params", message="source_info incomplete", status=400)
            if size < 5 * MB:
                ok = chunk == size and count == 1
            else:
                ok = 5 * MB <= chunk <= 64 * MB and count == size // chunk and 1 <= count <= 1000
            if not ok:
                return envelope(
                    code="invalid_params", message="chunk_size/total_chunk_count", status=400
                )
            publish_id = self._new_publish("video", info, total=size, chunk=chunk, count=count)
            upload_id = publish_id.rsplit(".", 1)[1]
            scheme = "http" if "127.0.0.1" in request.host else "https"
            upload_url = f"{scheme}://{request.host}/video/?upload_id={upload_id}&upload_token={secrets.token_hex(8)}"
            self.publishes[publish_id]["upload_id"] = upload_id
            return envelope({"publish_id": publish_id, "upload_url": upload_url})
        if source.get("source") == "PULL_FROM_URL":
            url = source.get("video_url") or ""
            if not any(url.startswith(p) for p in self.verified_prefixes):
                return envelope(
                    code="url_ownership_unverified", message="url not verified", status=403
                )
            publish_id = self._new_publish("video", info, status_override="PROCESSING_DOWNLOAD")
            self._complete_transfer(self.publishes[publish_id])
            return envelope({"publish_id": publish_id})
        return envelope(code="invalid_params", message="source", status=400)

    def _complete_transfer(self, pub: dict):
        pub["status"] = pub.pop("status_override", "PROCESSING_UPLOAD")
        pub["transferred"] = True
        post = {
            "publish_id": pub["id"],
            "kind": pub["kind"],
            "title": pub["info"].get("title"),
            "privacy_level": pub["info"].get("privacy_level"),
            "post_id": str(next(self.ids)),
        }
        pub["post"] = post
        if self.fail_reason is None:
            self.posts.append(post)

    @route("PUT", r"/video/", "upload")
    def upload(self, request: FakeRequest):
        pub = next(
            (
                p
                for p in self.publishes.values()
                if p.get("upload_id") == request.param("upload_id")
            ),
            None,
        )
        if pub is None:
            return envelope(code="invalid_params", message="upload_id", status=404)
        header = request.headers.get("content-range", "")
        try:
            first, rest = header.removeprefix("bytes ").split("-")
            last, total = map(int, rest.split("/"))
            first = int(first)
        except ValueError:
            return envelope(code="invalid_file_upload", message="Content-Range", status=400)
        if (
            first != pub["received"]
            or total != pub["total"]
            or last - first + 1 != len(request.body)
        ):
            return envelope(
                code="invalid_file_upload",
                message="chunk out of order or size mismatch",
                status=400,
            )
        pub["received"] = last + 1
        if pub["received"] < pub["total"]:
            return Response(206, b"", {"Content-Range": f"bytes 0-{last}/{total}"})
        self._complete_transfer(pub)
        return Response(201, b"")

    @route("POST", r"/v2/post/publish/content/init/", "content_init")
    def content_init(self, request: FakeRequest):
        body = request.json or {}
        info, source = body.get("post_info") or {}, body.get("source_info") or {}
        if body.get("media_type") != "PHOTO" or body.get("post_mode") not in (
            "DIRECT_POST",
            "MEDIA_UPLOAD",
        ):
            return envelope(code="invalid_params", message="media_type/post_mode", status=400)
        if len(info.get("title") or "") > 90 or len(info.get("description") or "") > 4000:
            return envelope(code="invalid_params", message="title/description too long", status=400)
        if failure := self._check_post_info(info):
            return failure
        images = source.get("photo_images") or []
        if source.get("source") != "PULL_FROM_URL" or not 1 <= len(images) <= 35:
            return envelope(code="invalid_params", message="photo_images", status=400)
        if not all(any(u.startswith(p) for p in self.verified_prefixes) for u in images):
            return envelope(code="url_ownership_unverified", message="url not verified", status=403)
        publish_id = self._new_publish(
            "photo", info, status_override="PROCESSING_DOWNLOAD", images=images
        )
        self._complete_transfer(self.publishes[publish_id])
        return envelope({"publish_id": publish_id})

    @route("POST", r"/v2/post/publish/status/fetch/", "status")
    def status(self, request: FakeRequest):
        pub = self.publishes.get((request.json or {}).get("publish_id", ""))
        if pub is None:
            return envelope(code="invalid_params", message="publish_id not found", status=400)
        data = {"status": pub["status"], "uploaded_bytes": pub["received"]}
        if pub.get("transferred"):
            if pub["polls_left"] > 0:
                pub["polls_left"] -= 1
            elif self.fail_reason:
                pub["status"] = "FAILED"
                data["fail_reason"] = self.fail_reason
            else:
                pub["status"] = "PUBLISH_COMPLETE"
                public = pub["info"].get("privacy_level") != "SELF_ONLY"
                if pub["moderation_left"] > 0:
                    pub["moderation_left"] -= 1
                elif public:
                    data["publicaly_available_post_id"] = [int(pub["post"]["post_id"])]
            data["status"] = pub["status"]
        return envelope(data)

    @route("POST", r"/v2/oauth/token/", "token")
    def token(self, request: FakeRequest):
        if request.param("grant_type") == "authorization_code":
            given = self.redeem(request)
            if given is None or request.param("client_key") != given.get("client_key"):
                return Response(
                    400,
                    {
                        "error": "invalid_grant",
                        "error_description": "Authorization code is expired.",
                        "log_id": secrets.token_hex(8),
                    },
                )
            self.refresh_tokens.add("tt-refresh-new")
            self.tokens.add("tt-token-new")
            return Response(
                200,
                {
                    "open_id": "open-id-1",
                    "scope": "user.info.basic,video.publish",
                    "access_token": "tt-token-new",
                    "expires_in": 86400,
                    "refresh_token": "tt-refresh-new",
                    "refresh_expires_in": 15552000,
                    "token_type": "Bearer",
                },
            )
        if (
            request.param("grant_type") != "refresh_token"
            or request.param("refresh_token") not in self.refresh_tokens
        ):
            return Response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Refresh token is invalid or expired.",
                    "log_id": secrets.token_hex(8),
                },
            )
        self.refresh_tokens.discard(request.param("refresh_token"))
        access, refresh = f"tt-token-{secrets.token_hex(3)}", f"tt-refresh-{secrets.token_hex(3)}"
        self.tokens.add(access)
        self.refresh_tokens.add(refresh)
        return Response(
            200,
            {
                "open_id": "open-id-1",
                "scope": "user.info.basic,video.publish",
                "access_token": access,
                "expires_in": 7200,
                "refresh_token": refresh,
                "refresh_expires_in": 15552000,
                "token_type": "Bearer",
            },
        )
