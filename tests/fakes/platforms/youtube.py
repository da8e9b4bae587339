"""Fake YouTube Data API v3 (shared/reference/platform-apis.md §4): resumable videos.insert
(session start → Location; PUT chunks → 308 + Range, last → 201 with the video; status query
with `bytes */total`), videos.list status uploaded → processed, channels.list mine, OAuth
refresh, and YouTube's error object (quotaExceeded, uploadLimitExceeded, authError)."""

from __future__ import annotations

import re
import secrets

from ..app import FakePlatform, FakeRequest, Fault, Response, route

CHUNK_UNIT = 256 * 1024


def yt_error(code: int, reason: str, message: str, domain="youtube.video", status=None) -> dict:
    error = {
        "code": code,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
    }
    if status:
        error["status"] = status
    return {"error": error}


class FakeYouTube(FakePlatform):
    name = "youtube"

    def __init__(self, *, channel_id="UC_x5XG1OV2P6uZZ5FSM9Ttw"):
        super().__init__()
        self.channel_id = channel_id
        self.tokens = {"yt-token"}
        self.refresh_tokens = {"yt-refresh"}
        self.sessions: dict[str, dict] = {}
        self.videos: dict[str, dict] = {}
        self.processing_polls = 1
        self.fail_chunks: set[int] = set()  # data PUTs (1-based) answered 503 without storing
        self.chunk_puts = 0

    def fault_response(self, fault: Fault, request: FakeRequest) -> Response:
        p = fault.params
        if fault.kind == "server_error":
            status = p.get("status", 503)
            return Response(status, yt_error(status, "backendError", "Backend Error", "global"))
        if fault.kind == "quota":
            return Response(
                403,
                yt_error(
                    403,
                    "quotaExceeded",
                    "The request cannot be completed because you have exceeded your quota.",
                    "youtube.quota",
                ),
            )
        if fault.kind == "upload_limit":
            return Response(
                400,
                yt_error(
                    400,
                    "uploadLimitExceeded",
                    "The user has exceeded the number of videos they may upload.",
                ),
            )
        if fault.kind == "auth":
            return Response(
                401,
                yt_error(
                    401,
                    "authError",
                    "Request had invalid authentication credentials.",
                    "global",
                    "UNAUTHENTICATED",
                ),
            )
        if fault.kind == "session_gone":
            return Response(404, "Not Found")
        if fault.kind == "body":
            return Response(p.get("status", 400), p["body"], p.get("headers", {}))
        raise NotImplementedError(fault.kind)

    def handle(self, request: FakeRequest) -> Response:
        if request.path != "/token" and request.bearer not in self.tokens:
            for _m, pattern, name, _h in self._routes:
                if pattern.match(request.path):
                    request.route = name
            return Response(
                401,
                yt_error(
                    401,
                    "authError",
                    "Request had invalid authentication credentials.",
                    "global",
                    "UNAUTHENTICATED",
                ),
            )
        return super().handle(request)

    # --- upload ------------------------------------------------------------------------------

    @route("POST", r"/upload/youtube/v3/videos", "session_start")
    def start(self, request: FakeRequest):
        if request.param("uploadType") != "resumable" or "snippet" not in (
            request.param("part") or ""
        ):
            return Response(
                400, yt_error(400, "invalidParameter", "uploadType/part missing", "global")
            )
        total = request.headers.get("x-upload-content-length")
        mime = request.headers.get("x-upload-content-type", "")
        if not total or not (mime.startswith("video/") or mime == "application/octet-stream"):
            return Response(
                400, yt_error(400, "invalidParameter", "X-Upload-Content-* headers", "global")
            )
        resource = request.json or {}
        snippet = resource.get("snippet") or {}
        title = snippet.get("title") or ""
        if not title or len(title) > 100 or re.search(r"[<>]", title):
            return Response(
                400,
                yt_error(
                    400, "invalidTitle", "The request metadata specifies an invalid video title."
                ),
            )
        if len((snippet.get("description") or "").encode()) > 5000:
            return Response(
                400,
                yt_error(
                    400,
                    "invalidDescription",
                    "The request metadata specifies an invalid video description.",
                ),
            )
        privacy = (resource.get("status") or {}).get("privacyStatus")
        if privacy not in ("public", "unlisted", "private"):
            return Response(400, yt_error(400, "invalidVideoMetadata", "invalid privacyStatus"))
        upload_id = secrets.token_urlsafe(16)
        self.sessions[upload_id] = {
            "total": int(total),
            "received": 0,
            "resource": resource,
            "video_id": None,
        }
        scheme = "http" if "127.0.0.1" in request.host else "https"
        location = f"{scheme}://{request.host}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload_id}"
        return Response(200, b"", {"Location": location})

    def _video_body(self, video: dict) -> dict:
        return {
            "kind": "youtube#video",
            "etag": secrets.token_urlsafe(12),
            "id": video["id"],
            "snippet": {**video["snippet"], "channelId": self.channel_id},
            "status": {"uploadStatus": video["uploadStatus"], **video["status"]},
        }

    @route("PUT", r"/upload/youtube/v3/videos", "upload")
    def upload(self, request: FakeRequest):
        session = self.sessions.get(request.param("upload_id") or "")
        if session is None:
            return Response(404, "Not Found")
        content_range = request.headers.get("content-range", "")
        range_header = (
            {"Range": f"bytes=0-{session['received'] - 1}"} if session["received"] else {}
        )
        if session["video_id"]:
            return Response(200, self._video_body(self.videos[session["video_id"]]))
        query = re.fullmatch(r"bytes \*/(\d+)", content_range)
        if query:
            return Response(308, b"", range_header)
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", content_range)
        if not match:
            return Response(400, yt_error(400, "badContent", "Content-Range missing", "global"))
        first, last, total = map(int, match.groups())
        self.chunk_puts += 1
        if self.chunk_puts in self.fail_chunks:
            return Response(503, yt_error(503, "backendError", "Backend Error", "global"))
        if (
            total != session["total"]
            or first != session["received"]
            or last - first + 1 != len(request.body)
        ):
            return Response(
                400, yt_error(400, "badContent", "Content-Range does not match", "global")
            )
        final = last + 1 == total
        if not final and len(request.body) % CHUNK_UNIT:
            return Response(
                400, yt_error(400, "badContent", "chunk not a multiple of 256 KiB", "global")
            )
        session["received"] = last + 1
        if not final:
            return Response(308, b"", {"Range": f"bytes=0-{last}"})
        video_id = secrets.token_urlsafe(8)[:11]
        resource = session["resource"]
        video = {
            "id": video_id,
            "snippet": resource["snippet"],
            "status": resource["status"],
            "uploadStatus": "uploaded",
            "polls_left": self.processing_polls,
        }
        self.videos[video_id] = video
        session["video_id"] = video_id
        self.posts.append(video)
        return Response(201, self._video_body(video))

    # --- reads -------------------------------------------------------------------------------

    @route("GET", r"/youtube/v3/videos", "videos_list")
    def videos_list(self, request: FakeRequest):
        items = []
        for video_id in (request.param("id") or "").split(","):
            video = self.videos.get(video_id)
            if video is None:
                continue
            if video["uploadStatus"] == "uploaded":
                if video["polls_left"] > 0:
                    video["polls_left"] -= 1
                else:
                    video["uploadStatus"] = "processed"
            items.append(self._video_body(video))
        return Response(
            200,
            {
                "kind": "youtube#videoListResponse",
                "items": items,
                "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            },
        )

    @route("GET", r"/youtube/v3/channels", "channels")
    def channels(self, request: FakeRequest):
        return Response(
            200,
            {
                "kind": "youtube#channelListResponse",
                "items": [
                    {
                        "kind": "youtube#channel",
                        "id": self.channel_id,
                        "snippet": {"title": "JDIH KPU Kalteng", "customUrl": "@jdihkpukalteng"},
                    }
                ],
            },
        )

    @route("POST", r"/token", "token")
    def token(self, request: FakeRequest):
        if (
            request.param("grant_type") != "refresh_token"
            or request.param("refresh_token") not in self.refresh_tokens
        ):
            return Response(
                400,
                {
                    "error": "invalid_grant",
                    "error_description": "Token has been expired or revoked.",
                },
            )
        access = f"yt-token-{secrets.token_hex(3)}"
        self.tokens.add(access)
        return Response(
            200,
            {
                "access_token": access,
                "expires_in": 3599,
                "token_type": "Bearer",
                "scope": "https://www.googleapis.com/auth/youtube.upload",
            },
        )
