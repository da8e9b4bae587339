"""Fake Bluesky PDS (shared/reference/platform-apis.md §8): createSession / refreshSession
(rotating JWTs with real `exp` claims) / getSession, uploadBlob, createRecord with lexicon-style
validation (300 graphemes, 3000 bytes, ≤ 4 images with alt, 1,000,000-byte image blobs, facet
byte ranges), getRecord (RecordNotFound), {"error", "message"} bodies and ratelimit-* headers."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time

from simedsos.publishing.platforms.text_counting import graphemes

from ..app import FakePlatform, FakeRequest, Fault, Response, now_epoch, route

POST = "app.bsky.feed.post"


def xrpc_error(status: int, name: str, message: str, headers=None) -> Response:
    return Response(status, {"error": name, "message": message}, headers or {})


def fake_jwt(kind: str, seconds: int) -> str:
    def enc(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()

    claims = {"scope": kind, "exp": int(time.time()) + seconds, "jti": secrets.token_hex(6)}
    return f"{enc({'typ': 'at+jwt', 'alg': 'ES256K'})}.{enc(claims)}.{secrets.token_urlsafe(16)}"


def cid_for(data: bytes) -> str:
    return (
        "bafkrei"
        + base64.b32encode(hashlib.sha256(data).digest()).decode().lower().rstrip("=")[:52]
    )


class FakeBluesky(FakePlatform):
    name = "bluesky"

    def __init__(
        self,
        *,
        handle="jdih-kalteng.bsky.social",
        did="did:plc:kvwvcn5iqfooopmyzvb4qzba",
        app_password="abcd-efgh-ijkl-mnop",
    ):
        super().__init__()
        self.user_handle, self.did, self.app_password = handle, did, app_password
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.expired: set[str] = set()
        self.blobs: dict[str, dict] = {}
        self.records: dict[str, dict] = {}
        self.sessions_created = 0

    def issue(self) -> dict:
        access, refresh = (
            fake_jwt("com.atproto.access", 7200),
            fake_jwt("com.atproto.refresh", 90 * 86400),
        )
        self.access.add(access)
        self.refresh.add(refresh)
        return {
            "accessJwt": access,
            "refreshJwt": refresh,
            "handle": self.user_handle,
            "did": self.did,
            "active": True,
        }

    def expire_access_tokens(self) -> None:
        self.expired |= self.access
        self.access = set()

    def success_headers(self, request: FakeRequest) -> dict[str, str]:
        return {
            "ratelimit-limit": "5000",
            "ratelimit-remaining": "4990",
            "ratelimit-reset": str(now_epoch() + 3600),
            "ratelimit-policy": "5000;w=3600",
        }

    def fault_response(self, fault: Fault, request: FakeRequest) -> Response:
        p = fault.params
        if fault.kind == "rate_limited":
            reset = p.get("reset", now_epoch() + 300)
            return xrpc_error(
                429,
                "RateLimitExceeded",
                "Rate Limit Exceeded",
                {
                    "ratelimit-limit": "5000",
                    "ratelimit-remaining": "0",
                    "ratelimit-reset": str(reset),
                    "ratelimit-policy": "5000;w=3600",
                },
            )
        if fault.kind == "server_error":
            return xrpc_error(p.get("status", 502), "InternalServerError", "Internal Server Error")
        if fault.kind == "error":
            return xrpc_error(p.get("status", 400), p["name"], p.get("message", ""))
        if fault.kind == "body":
            return Response(p.get("status", 200), p["body"])
        raise NotImplementedError(fault.kind)

    def _auth(self, request: FakeRequest) -> Response | None:
        token = request.bearer
        if token in self.expired:
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        if token not in self.access:
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        return None

    @route("POST", r"/xrpc/com.atproto.server.createSession", "createSession")
    def create_session(self, request: FakeRequest):
        body = request.json or {}
        if (
            body.get("identifier") not in (self.user_handle, self.did)
            or body.get("password") != self.app_password
        ):
            return xrpc_error(401, "AuthenticationRequired", "Invalid identifier or password")
        self.sessions_created += 1
        return Response(200, self.issue())

    @route("POST", r"/xrpc/com.atproto.server.refreshSession", "refreshSession")
    def refresh_session(self, request: FakeRequest):
        if request.bearer not in self.refresh:
            return xrpc_error(400, "ExpiredToken", "Token has expired")
        self.refresh.discard(request.bearer)
        return Response(200, self.issue())

    @route("GET", r"/xrpc/com.atproto.server.getSession", "getSession")
    def get_session(self, request: FakeRequest):
        if failure := self._auth(request):
            return failure
        return Response(200, {"handle": self.user_handle, "did": self.did, "active": True})

    @route("POST", r"/xrpc/com.atproto.repo.uploadBlob", "uploadBlob")
    def upload_blob(self, request: FakeRequest):
        if failure := self._auth(request):
            return failure
        if len(request.body) > 50 * 1024 * 1024:
            return xrpc_error(400, "BlobTooLarge", "This file is too large")
        cid = cid_for(request.body)
        blob = {
            "$type": "blob",
            "ref": {"$link": cid},
            "mimeType": request.content_type,
            "size": len(request.body),
        }
        self.blobs[cid] = blob
        return Response(200, {"blob": blob})

    def _validate(self, record: dict) -> str | None:
        text = record.get("text", "")
        if record.get("$type") != POST or not record.get("createdAt"):
            return "Invalid app.bsky.feed.post record: missing $type or createdAt"
        if len(graphemes(text)) > 300 or len(text.encode()) > 3000:
            return (
                "Invalid app.bsky.feed.post record: "
                "Record/text must not be longer than 300 graphemes"
            )
        size = len(text.encode())
        for facet in record.get("facets") or []:
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            if not 0 <= start < end <= size:
                return "Invalid facet byte range"
        embed = record.get("embed")
        if embed:
            images = embed.get("images") or []
            if embed.get("$type") != "app.bsky.embed.images" or not 1 <= len(images) <= 4:
                return "Invalid app.bsky.embed.images: images must have 1 to 4 items"
            for image in images:
                if "alt" not in image:
                    return (
                        "Invalid app.bsky.embed.images: "
                        'Record/embed/images/0 must have the property "alt"'
                    )
                blob = self.blobs.get(image["image"]["ref"]["$link"])
                if blob is None:
                    return "Could not find blob"
                if blob["size"] > 1_000_000:
                    return (
                        "Invalid app.bsky.embed.images: image file too large. 1000000 bytes maximum"
                    )
        return None

    @route("POST", r"/xrpc/com.atproto.repo.createRecord", "createRecord")
    def create_record(self, request: FakeRequest):
        if failure := self._auth(request):
            return failure
        body = request.json or {}
        if body.get("repo") not in (self.did, self.user_handle) or body.get("collection") != POST:
            return xrpc_error(400, "InvalidRequest", "Invalid repo or collection")
        if problem := self._validate(body.get("record") or {}):
            return xrpc_error(400, "InvalidRequest", problem)
        rkey = body.get("rkey") or secrets.token_hex(7)
        if rkey in self.records:
            return xrpc_error(400, "InvalidRequest", f"Record already exists: {rkey}")
        uri = f"at://{self.did}/{POST}/{rkey}"
        cid = "bafyrei" + secrets.token_hex(26)
        record = {"uri": uri, "cid": cid, "value": body["record"]}
        self.records[rkey] = record
        self.posts.append(record)
        return Response(
            200,
            {
                "uri": uri,
                "cid": cid,
                "commit": {"cid": "bafyrei" + secrets.token_hex(20), "rev": secrets.token_hex(7)},
                "validationStatus": "valid",
            },
        )

    @route("GET", r"/xrpc/com.atproto.repo.getRecord", "getRecord")
    def get_record(self, request: FakeRequest):
        rkey = request.param("rkey")
        record = self.records.get(rkey or "")
        if record is None or request.param("repo") not in (self.did, self.user_handle):
            return xrpc_error(
                400,
                "RecordNotFound",
                f"Could not locate record: at://{request.param('repo')}/{POST}/{rkey}",
            )
        return Response(200, record)
