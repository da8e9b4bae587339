"""X (Twitter) API v2 with an OAuth 2.0 user token (shared/reference/platform-apis.md §3).

Images go through the one-shot v2 media upload; GIFs and videos through initialize / append /
finalize, then STATUS polling while `processing_info` says pending. The post is POST /2/tweets.
X has no idempotency key: after a lost answer (timeout, 5xx) the account's newest posts are
searched for our text, and a 403 "duplicate content" is resolved the same way.
"""

from __future__ import annotations

import html
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.utils.translation import gettext as _

from .base import (
    AccountRef,
    Checkpoint,
    ConnectionReport,
    Credentials,
    OutgoingMedia,
    OutgoingPost,
    PlatformAdapter,
    PublishResult,
    PublishState,
    ReconcileOutcome,
    http_date_or_seconds,
)
from .errors import ErrorClass, PlatformError
from .limits import GIF, MB, Platform
from .text_counting import URL_PATTERN


def comparable(text: str) -> str:
    """Text as X gives it back, made comparable with what we sent: X wraps links in t.co,
    appends a link for media and HTML-escapes &, < and >."""
    text = URL_PATTERN.sub(" ", html.unescape(text or ""))
    return " ".join(text.split())


class XAdapter(PlatformAdapter):
    platform = Platform.X
    defaults = {
        "base_url": "https://api.x.com",
        "token_url": "",  # default: {base_url}/2/oauth2/token
        "client_id": "",
        "client_secret": "",
        "chunk_size": 4 * MB,
    }

    # --- plumbing ------------------------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"{self.config['base_url'].rstrip('/')}/{path.lstrip('/')}"

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.access_token}"}

    def call(self, method: str, path: str, **kwargs) -> httpx.Response:
        """An authorised call, refreshing an expired OAuth 2.0 token once."""

        def attempt():
            return self.request(method, self.url(path), headers=self.auth(), **kwargs)

        return self.with_refresh(attempt)

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        body = body if isinstance(body, dict) else {}
        status = response.status_code
        legacy = (body.get("errors") or [{}])[0] if isinstance(body.get("errors"), list) else {}
        detail = str(body.get("detail") or legacy.get("message") or body.get("title") or "")
        common = {
            "detail": detail,
            "http_status": status,
            "raw_response": body,
            "code": str(legacy.get("code") or body.get("type") or status),
        }
        if status == 401:
            failure = self.error(ErrorClass.NEEDS_RECONNECT, **common)
            failure.refreshable = True
            return failure
        if status == 429:
            return self.error(ErrorClass.RATE_LIMITED, retry_at=self.reset_at(response), **common)
        if status == 403 and ("duplicate" in detail.lower() or legacy.get("code") == 187):
            common["code"] = "duplicate"
            return self.error(
                ErrorClass.PERMANENT,
                _(
                    "X menolak karena isinya sama dengan unggahan sebelumnya di akun ini. Ubah "
                    "isi unggahan bila memang ingin mengunggah lagi."
                ),
                **common,
            )
        if status == 403:
            return self.error(
                ErrorClass.PERMANENT,
                _(
                    "X menolak akses untuk mengunggah (akun dibatasi, aplikasi belum terdaftar "
                    "atau izin tulis belum diberikan). Minta admin memeriksa akun dan aplikasi "
                    "X, lalu hubungkan ulang bila perlu."
                ),
                **common,
            )
        if status >= 500:
            return self.generic_error(response, commits=commits, **common)
        return self.error(
            ErrorClass.PERMANENT,
            _("X menolak isi unggahan ini (%(d)s). Perbaiki isi atau media, lalu unggah ulang.")
            % {"d": detail or status},
            **common,
        )

    def reset_at(self, response: httpx.Response) -> datetime | None:
        """When to try again: a used-up 24-hour cap wins over the 15-minute window."""
        headers = response.headers
        now = self.clock()
        for scope in ("user", "app"):
            if headers.get(f"x-{scope}-limit-24hour-remaining") == "0":
                when = http_date_or_seconds(headers.get(f"x-{scope}-limit-24hour-reset"), now)
                if when:
                    return when
        return http_date_or_seconds(headers.get("x-rate-limit-reset"), now)

    def permalink(self, external_id: str, **parts: Any) -> str:
        handle = parts.get("username") or (self.account.public_handle if self.account else "")
        if handle:
            return f"https://x.com/{handle}/status/{external_id}"
        return f"https://x.com/i/web/status/{external_id}"

    # --- media ---------------------------------------------------------------------------------

    def upload(self, media: OutgoingMedia) -> dict[str, Any]:
        """Upload one file; returns the media object (`id`, maybe `processing_info`)."""
        if not media.is_video and media.mime != GIF:
            content = media.read_bytes()
            response = self.call(
                "POST",
                "2/media/upload",
                data={"media_category": "tweet_image"},
                files={"media": (media.name, content, media.mime)},
            )
            body = self.json(response)
            return body.get("data", body)  # recorded bodies come with and without "data"
        category = "tweet_gif" if media.mime == GIF else "tweet_video"
        response = self.call(
            "POST",
            "2/media/upload/initialize",
            json={"media_type": media.mime, "total_bytes": media.size, "media_category": category},
        )
        media_id = str(self.json(response)["data"]["id"])
        chunk_size = int(self.config["chunk_size"])
        for index, (_offset, chunk) in enumerate(media.iter_chunks(chunk_size)):
            self.call(
                "POST",
                f"2/media/upload/{media_id}/append",
                data={"segment_index": str(index)},
                files={"media": (media.name, chunk, "application/octet-stream")},
            )
        response = self.call("POST", f"2/media/upload/{media_id}/finalize")
        body = self.json(response)
        return {**body.get("data", body), "id": media_id}  # the id we appended to

    def media_status(self, media_id: str) -> dict[str, Any]:
        response = self.call(
            "GET", "2/media/upload", params={"command": "STATUS", "media_id": media_id}
        )
        body = self.json(response)
        return body.get("data", body)

    def processing_state(self, media_id: str) -> str:
        body = self.poll(
            lambda: self.media_status(media_id),
            lambda b: (
                (b.get("processing_info") or {}).get("state") in (None, "succeeded", "failed")
            ),
        )
        info = body.get("processing_info") or {}
        state = info.get("state") or "succeeded"
        if state == "failed":
            error = info.get("error") or {}
            raise self.error(
                ErrorClass.PERMANENT,
                _("X gagal memproses media (%(d)s). Periksa format dan durasi video.")
                % {"d": error.get("message") or error.get("name") or "failed"},
                code="media_failed",
                raw_response=body,
            )
        return state

    # --- publishing ----------------------------------------------------------------------------

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        if checkpoint.get("tweet_id"):
            return self._live(checkpoint["tweet_id"], checkpoint, None)
        checkpoint.set(text=post.text)
        media_ids: list[str] = list(checkpoint.get("media_ids") or [])
        pending: list[str] = list(checkpoint.get("pending_media") or [])
        for media in post.media[len(media_ids) :]:
            uploaded = self.upload(media)
            media_id = str(uploaded["id"])
            media_ids.append(media_id)
            if (uploaded.get("processing_info") or {}).get("state") not in (None, "succeeded"):
                pending.append(media_id)
            checkpoint.set(media_ids=media_ids, pending_media=pending)
            if media.alt_text and not media.is_video:
                self.call(
                    "POST",
                    "2/media/metadata/create",
                    json={"id": media_id, "metadata": {"alt_text": {"text": media.alt_text}}},
                )
        return self._after_processing(checkpoint)

    def _after_processing(self, checkpoint: Checkpoint) -> PublishResult:
        pending = [m for m in checkpoint.get("pending_media") or []]
        still = [m for m in pending if self.processing_state(m) != "succeeded"]
        checkpoint.set(pending_media=still)
        if still:
            checkpoint.set(stage="media_processing")
            return PublishResult(state=PublishState.IN_FLIGHT, checkpoint=dict(checkpoint.data))
        return self._create_tweet(checkpoint)

    def _create_tweet(self, checkpoint: Checkpoint) -> PublishResult:
        payload: dict[str, Any] = {"text": checkpoint.get("text", "")}
        if checkpoint.get("media_ids"):
            payload["media"] = {"media_ids": list(checkpoint["media_ids"])}
        checkpoint.set(stage="posting")
        try:
            response = self.call("POST", "2/tweets", json=payload, commits=True)
        except PlatformError as error:
            if error.code == "duplicate":
                found = self._search(checkpoint, checkpoint.get("text", ""))
                if found is not None:
                    return found
            raise
        body = self.json(response)
        return self._live(str(body["data"]["id"]), checkpoint, body)

    def _live(self, tweet_id: str, checkpoint: Checkpoint, raw: Any) -> PublishResult:
        checkpoint.set(tweet_id=tweet_id, stage="posted")
        return PublishResult(
            state=PublishState.LIVE,
            external_id=tweet_id,
            permalink=self.permalink(tweet_id),
            went_live_at=self.clock(),
            checkpoint=dict(checkpoint.data),
            raw_response=raw,
        )

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        if checkpoint.get("tweet_id"):
            return self._live(checkpoint["tweet_id"], checkpoint, None)
        return self._after_processing(checkpoint)

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        if checkpoint.get("tweet_id"):
            return self._live(checkpoint["tweet_id"], checkpoint, None)
        if checkpoint.get("stage") not in ("posting", None):
            return None  # POST /2/tweets was never sent
        return self._search(checkpoint, post.text)

    def _search(self, checkpoint: Checkpoint, text: str) -> PublishResult | None:
        """Look for our text among the account's newest posts (costs read quota)."""
        started = checkpoint.get("started_at")
        since = datetime.fromisoformat(started) - timedelta(minutes=2) if started else None
        response = self.call(
            "GET",
            f"2/users/{self.account.external_id}/tweets",
            params={"max_results": 5, "tweet.fields": "created_at,text"},
        )
        wanted = comparable(text)
        for item in self.json(response).get("data") or []:
            created = item.get("created_at")
            if since and created:
                when = datetime.fromisoformat(created.replace("Z", "+00:00"))
                if when < since:
                    continue
            if comparable(item.get("text", "")) == wanted:
                return self._live(str(item["id"]), checkpoint, item)
        return None

    # --- tokens --------------------------------------------------------------------------------

    def can_refresh(self, credentials: Credentials) -> bool:
        return bool(credentials.refresh_token and self.config.get("client_id"))

    def refresh_credentials(self, credentials: Credentials) -> Credentials:
        """OAuth 2.0 refresh; X rotates refresh tokens, so store the new pair at once."""
        if not self.can_refresh(credentials):
            return credentials
        client_id = self.config["client_id"]
        secret = self.config.get("client_secret")
        token_url = self.config.get("token_url") or self.url("2/oauth2/token")
        data = {"grant_type": "refresh_token", "refresh_token": credentials.refresh_token}
        kwargs: dict[str, Any] = {}
        if secret:
            kwargs["auth"] = (client_id, secret)
        else:
            data["client_id"] = client_id
        try:
            response = self.request("POST", token_url, data=data, **kwargs)
        except PlatformError as error:
            if error.error_class == ErrorClass.PERMANENT and error.http_status in (400, 401):
                raise self.error(ErrorClass.NEEDS_RECONNECT, detail=error.detail) from error
            raise
        body = self.json(response)
        now = self.clock()
        return Credentials(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or credentials.refresh_token,
            expires_at=now + timedelta(seconds=int(body.get("expires_in") or 7200)),
            issued_at=now,
            extra={**credentials.extra, "scope": body.get("scope", "")},
        )

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        adapter = type(self)(
            account=account, credentials=credentials, http_client=self.client, config=self.config
        )
        try:
            body = adapter.json(adapter.call("GET", "2/users/me"))
        except PlatformError as error:
            return self.report_failure(error)
        data = body.get("data") or {}
        problems = ()
        if account.external_id and str(data.get("id")) != account.external_id:
            problems = (
                _("Token ini milik akun X @%(u)s, bukan akun yang dipilih. Hubungkan ulang akun.")
                % {"u": data.get("username")},
            )
        return ConnectionReport(
            ok=not problems,
            account_name=str(data.get("name") or ""),
            account_handle=str(data.get("username") or ""),
            problems=problems,
            error_class=ErrorClass.NEEDS_RECONNECT if problems else None,
        )
