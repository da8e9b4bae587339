"""Bluesky / AT Protocol with an app password (shared/reference/platform-apis.md §8).

A session (access + refresh JWT) is created once and refreshed, never re-created per post
(createSession is limited to 30 per 5 minutes). Images go up with uploadBlob; the post is
createRecord with a record key (TID) we generate and persist first, so after a lost answer
getRecord by that key says for certain whether the post exists.
"""

from __future__ import annotations

import base64
import json
import secrets
from datetime import UTC, datetime
from typing import Any

import httpx
from django.utils.translation import gettext as _

from simedsos.content.preflight import HASHTAG

from .base import (
    AccountRef,
    Checkpoint,
    ConnectionReport,
    Credentials,
    OutgoingPost,
    PlatformAdapter,
    PublishResult,
    PublishState,
    ReconcileOutcome,
    http_date_or_seconds,
)
from .errors import ErrorClass, NeedsReconnectError, PlatformError
from .limits import Platform
from .text_counting import _URL_TRAILING, URL_PATTERN

POST = "app.bsky.feed.post"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
AUTH_ERRORS = {"ExpiredToken", "InvalidToken", "AuthRequired", "AuthenticationRequired"}


def new_tid(now: datetime) -> str:
    """A record key: 53 bits of microseconds since the epoch and 10 random clock bits,
    base32-sortable in 13 characters (the atproto TID format)."""
    micros = int(now.timestamp() * 1_000_000)
    value = (micros << 10) | secrets.randbits(10)
    chars = []
    for _i in range(13):
        chars.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def jwt_expiry(token: str) -> datetime | None:
    """The `exp` claim of a JWT (read, not verified: only to know when to refresh)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.fromtimestamp(int(claims["exp"]), UTC)
    except (IndexError, KeyError, TypeError, ValueError):
        return None


def _byte_index(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def build_facets(text: str) -> list[dict]:
    """Links and hashtags as richtext facets (Bluesky does not detect them); offsets are UTF-8
    byte offsets, end exclusive."""
    facets = []
    for match in URL_PATTERN.finditer(text):
        url = match.group(0).rstrip(_URL_TRAILING)
        start, end = match.start(), match.start() + len(url)
        uri = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
        facets.append(
            {
                "index": {"byteStart": _byte_index(text, start), "byteEnd": _byte_index(text, end)},
                "features": [{"$type": "app.bsky.richtext.facet#link", "uri": uri}],
            }
        )
    for match in HASHTAG.finditer(text):
        start, end = match.start(), match.end()
        facets.append(
            {
                "index": {"byteStart": _byte_index(text, start), "byteEnd": _byte_index(text, end)},
                "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": match.group(1)}],
            }
        )
    return facets


class BlueskyAdapter(PlatformAdapter):
    platform = Platform.BLUESKY
    defaults = {"base_url": "https://bsky.social", "langs": ["id"]}

    # --- plumbing ------------------------------------------------------------------------------

    def xrpc_url(self, nsid: str) -> str:
        base = (self.account.pds_url if self.account else "") or self.config["base_url"]
        return f"{base.rstrip('/')}/xrpc/{nsid}"

    @property
    def did(self) -> str:
        return self.account.external_id or self.credentials.get("did", "")

    def call(self, method: str, nsid: str, *, headers=None, **kwargs) -> httpx.Response:
        """An authorised XRPC call; an expired access token is refreshed once, then retried."""
        self.ensure_session()

        def attempt():
            auth = self._bearer(self.credentials.access_token)
            return self.request(
                method, self.xrpc_url(nsid), headers={**(headers or {}), **auth}, **kwargs
            )

        return self.with_refresh(attempt)

    @staticmethod
    def _bearer(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        name = str(body.get("error") or "") if isinstance(body, dict) else ""
        status = response.status_code
        common = {
            "detail": str(body.get("message") or "") if isinstance(body, dict) else "",
            "code": name or str(status),
            "http_status": status,
            "raw_response": body,
        }
        if name in AUTH_ERRORS or status == 401:
            failure = self.error(ErrorClass.NEEDS_RECONNECT, **common)
            failure.refreshable = True
            return failure
        if name in ("AccountTakedown", "AccountDeactivated"):
            return self.error(
                ErrorClass.NEEDS_RECONNECT,
                _(
                    "Akun Bluesky dinonaktifkan atau ditangguhkan. Periksa akun di aplikasi "
                    "Bluesky."
                ),
                **common,
            )
        if name == "RateLimitExceeded" or status == 429:
            return self.error(
                ErrorClass.RATE_LIMITED,
                retry_at=http_date_or_seconds(
                    response.headers.get("ratelimit-reset"), self.clock()
                ),
                **common,
            )
        if name in ("InvalidSwap", "ConcurrentWrites"):
            return self.error(ErrorClass.RETRYABLE, **common)
        if status >= 500:
            return self.generic_error(response, commits=commits, **common)
        return self.error(
            ErrorClass.PERMANENT,
            _(
                "Bluesky menolak unggahan ini (%(n)s). Periksa panjang teks, gambar dan teks "
                "alternatif, lalu unggah ulang."
            )
            % {"n": name or status},
            **common,
        )

    def permalink(self, external_id: str, **parts: Any) -> str:
        """`external_id` is the at:// URI or the record key."""
        rkey = external_id.rsplit("/", 1)[-1]
        who = (
            parts.get("handle") or (self.account.public_handle if self.account else "") or self.did
        )
        return f"https://bsky.app/profile/{who}/post/{rkey}"

    # --- sessions ------------------------------------------------------------------------------

    def _session_credentials(self, body: dict, previous: Credentials) -> Credentials:
        return Credentials(
            access_token=body["accessJwt"],
            refresh_token=body["refreshJwt"],
            expires_at=jwt_expiry(body["accessJwt"]),
            refresh_expires_at=jwt_expiry(body["refreshJwt"]),
            issued_at=self.clock(),
            extra={**previous.extra, "did": body.get("did", ""), "handle": body.get("handle", "")},
        )

    def create_session(self, credentials: Credentials) -> Credentials:
        identifier = credentials.get("identifier") or (self.account.handle if self.account else "")
        password = credentials.get("app_password")
        if not identifier or not password:
            raise self.error(
                ErrorClass.NEEDS_RECONNECT,
                _(
                    "Sesi Bluesky berakhir dan sandi aplikasi (app password) belum disimpan. "
                    "Hubungkan ulang akun dengan sandi aplikasi Bluesky."
                ),
                code="no_app_password",
            )
        try:
            response = self.request(
                "POST",
                self.xrpc_url("com.atproto.server.createSession"),
                json={"identifier": identifier, "password": password},
            )
        except NeedsReconnectError as error:
            error.refreshable = False
            error.user_message = _(
                "Bluesky menolak sandi aplikasi (app password). Buat sandi aplikasi baru di "
                "Bluesky, lalu hubungkan ulang akun."
            )
            raise
        return self._session_credentials(self.json(response), credentials)

    def ensure_session(self) -> None:
        if not self.credentials.access_token:
            self.credentials = self.create_session(self.credentials)

    def can_refresh(self, credentials: Credentials) -> bool:
        return bool(credentials.refresh_token or credentials.get("app_password"))

    def refresh_credentials(self, credentials: Credentials) -> Credentials:
        """refreshSession (rotates the refresh JWT); log in with the app password if the
        refresh JWT is no longer accepted."""
        if credentials.refresh_token:
            try:
                response = self.request(
                    "POST",
                    self.xrpc_url("com.atproto.server.refreshSession"),
                    headers=self._bearer(credentials.refresh_token),
                )
                return self._session_credentials(self.json(response), credentials)
            except NeedsReconnectError:
                if not credentials.get("app_password"):
                    raise
        return self.create_session(credentials)

    def token_expiry_warning(self, credentials: Credentials, now: datetime) -> str | None:
        if credentials.get("app_password"):
            return None  # a new session can always be made
        return super().token_expiry_warning(credentials, now)

    # --- publishing ----------------------------------------------------------------------------

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        rkey = checkpoint.get("rkey")
        if rkey:  # resuming: the post may exist under the key we chose before
            found = self._get_record(checkpoint, rkey)
            if found is not None:
                return found
        else:
            rkey = new_tid(self.clock())
            checkpoint.set(rkey=rkey)
        blobs: list[dict] = list(checkpoint.get("blobs") or [])
        for media in post.images[len(blobs) :]:
            response = self.call(
                "POST",
                "com.atproto.repo.uploadBlob",
                content=media.read_bytes(),
                headers={"Content-Type": media.mime},
            )
            blobs.append(self.json(response)["blob"])
            checkpoint.set(blobs=blobs)
        record: dict[str, Any] = {
            "$type": POST,
            "text": post.text,
            "createdAt": self.clock()
            .astimezone(UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
            "langs": list(self.config.get("langs") or ["id"]),
        }
        facets = build_facets(post.text)
        if facets:
            record["facets"] = facets
        if blobs:
            images = []
            for media, blob in zip(post.images, blobs, strict=True):
                image: dict[str, Any] = {"image": blob, "alt": media.alt_text or ""}
                if media.width and media.height:
                    image["aspectRatio"] = {"width": media.width, "height": media.height}
                images.append(image)
            record["embed"] = {"$type": "app.bsky.embed.images", "images": images}
        checkpoint.set(stage="posting")
        response = self.call(
            "POST",
            "com.atproto.repo.createRecord",
            json={
                "repo": self.did,
                "collection": POST,
                "rkey": rkey,
                "validate": True,
                "record": record,
            },
            commits=True,
        )
        body = self.json(response)
        return self._live(body["uri"], checkpoint, body)

    def _live(self, uri: str, checkpoint: Checkpoint, raw: Any) -> PublishResult:
        checkpoint.set(uri=uri, stage="posted")
        return PublishResult(
            state=PublishState.LIVE,
            external_id=uri,
            permalink=self.permalink(uri),
            went_live_at=self.clock(),
            checkpoint=dict(checkpoint.data),
            raw_response=raw,
        )

    def _get_record(self, checkpoint: Checkpoint, rkey: str) -> PublishResult | None:
        try:
            response = self.call(
                "GET",
                "com.atproto.repo.getRecord",
                params={"repo": self.did, "collection": POST, "rkey": rkey},
            )
        except PlatformError as error:
            if error.code == "RecordNotFound":
                return None
            raise
        body = self.json(response)
        return self._live(body["uri"], checkpoint, body)

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        found = self._get_record(checkpoint, checkpoint["rkey"])
        if found is None:
            raise self.error(
                ErrorClass.PERMANENT,
                _("Unggahan Bluesky tidak ditemukan lagi (mungkin dihapus)."),
                code="RecordNotFound",
            )
        return found

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        rkey = checkpoint.get("rkey")
        if not rkey or checkpoint.get("stage") != "posting" and not checkpoint.get("uri"):
            return None  # createRecord was never sent
        return self._get_record(checkpoint, rkey)

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        adapter = type(self)(
            account=account, credentials=credentials, http_client=self.client, config=self.config
        )
        try:
            body = adapter.json(adapter.call("GET", "com.atproto.server.getSession"))
        except PlatformError as error:
            return self.report_failure(error)
        problems = ()
        if body.get("active") is False:
            problems = (_("Akun Bluesky tidak aktif (%(s)s).") % {"s": body.get("status", "-")},)
        return ConnectionReport(
            ok=not problems,
            account_name=str(body.get("handle") or ""),
            account_handle=str(body.get("handle") or ""),
            problems=problems,
        )
