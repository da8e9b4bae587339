"""TikTok Content Posting API, Direct Post (shared/reference/platform-apis.md §5).

Before each post the creator's options are read (privacy levels, longest video). A video is sent
as FILE_UPLOAD bytes in chunks (no public URL needed; PULL_FROM_URL only when there are no
bytes); photos are always pulled from public URLs. Then the publish_id is polled until
PUBLISH_COMPLETE. TikTok has no idempotency key and no way to find a post whose `init` answer
was lost, so that case is CANNOT_TELL — except for FILE_UPLOAD, where nothing can be published
until we upload the bytes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from .base import (
    CANNOT_TELL,
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
)
from .errors import ErrorClass, PlatformError
from .limits import MB, Platform

MIN_CHUNK = 5 * MB
MAX_CHUNK = 64 * MB

PERMANENT_MESSAGES = {
    "unaudited_client_can_only_post_to_private_accounts": N_(
        "Aplikasi TikTok belum lolos audit TikTok, sehingga hanya dapat mengunggah ke akun "
        "privat sebagai 'Hanya saya'. Minta admin mengajukan audit aplikasi atau pilih privasi "
        "'Hanya saya'."
    ),
    "url_ownership_unverified": N_(
        "Domain PUBLIC_BASE_URL belum diverifikasi di portal pengembang TikTok, sehingga TikTok "
        "menolak mengambil media. Minta admin memverifikasi domain tersebut."
    ),
    "privacy_level_option_mismatch": N_(
        "Tingkat privasi yang dipilih tidak tersedia untuk akun TikTok ini. Pilih salah satu "
        "pilihan privasi yang ditawarkan akun."
    ),
    "spam_risk_user_banned_from_posting": N_(
        "Akun TikTok ini sedang dilarang mengunggah oleh TikTok. Periksa pemberitahuan di "
        "aplikasi TikTok."
    ),
}


class TikTokAdapter(PlatformAdapter):
    platform = Platform.TIKTOK
    defaults = {
        "base_url": "https://open.tiktokapis.com",
        "client_key": "",
        "client_secret": "",
        "chunk_size": 10 * MB,
        "privacy_level": "PUBLIC_TO_EVERYONE",
    }

    def url(self, path: str) -> str:
        return f"{self.config['base_url'].rstrip('/')}/{path.lstrip('/')}"

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.access_token}"}

    def call(self, path: str, payload: dict | None = None, *, commits=False) -> dict:
        def attempt():
            return self.request(
                "POST",
                self.url(path),
                json=payload if payload is not None else {},
                headers={**self.auth(), "Content-Type": "application/json; charset=UTF-8"},
                commits=commits,
            )

        body = self.json(self.with_refresh(attempt))
        return body.get("data") or {}

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, str):  # the OAuth endpoint: {"error": "invalid_grant", ...}
            error = {"code": error, "message": body.get("error_description", "")}
        if not isinstance(error, dict) or error.get("code") in (None, "ok"):
            return self.generic_error(response, commits=commits)
        code = str(error.get("code"))
        common = {
            "detail": f"{error.get('message', '')} (log_id {error.get('log_id', '-')})",
            "code": code,
            "http_status": response.status_code,
            "raw_response": body,
        }
        now = self.clock()
        if code == "access_token_invalid":
            failure = self.error(ErrorClass.NEEDS_RECONNECT, **common)
            failure.refreshable = True
            return failure
        if code in ("scope_not_authorized", "scope_permission_missed", "invalid_grant"):
            return self.error(
                ErrorClass.NEEDS_RECONNECT,
                _(
                    "Akun TikTok belum memberi izin unggah (video.publish). Hubungkan ulang akun "
                    "dan setujui semua izin yang diminta."
                ),
                **common,
            )
        waits = {
            "rate_limit_exceeded": timedelta(minutes=1),
            "spam_risk_too_many_posts": timedelta(hours=24),
            "reached_active_user_cap": timedelta(hours=24),
            "spam_risk_too_many_pending_share": timedelta(hours=1),
        }
        if code in waits:
            return self.error(ErrorClass.RATE_LIMITED, retry_at=now + waits[code], **common)
        if code == "internal_error" or response.status_code >= 500:
            return self.generic_error(response, commits=commits, **common)
        message = PERMANENT_MESSAGES.get(code) or (
            _("TikTok menolak unggahan ini (%(c)s). Periksa isi dan media, lalu unggah ulang.")
            % {"c": code}
        )
        return self.error(ErrorClass.PERMANENT, _(message), **common)

    def permalink(self, external_id: str, **parts: Any) -> str:
        username = parts.get("username") or (self.account.public_handle if self.account else "")
        kind = "photo" if parts.get("photo") else "video"
        return f"https://www.tiktok.com/@{username}/{kind}/{external_id}" if username else ""

    # --- publishing ----------------------------------------------------------------------------

    def creator_info(self) -> dict:
        return self.call("v2/post/publish/creator_info/query/")

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        if checkpoint.get("publish_id"):
            return self._status(checkpoint)
        creator = self.creator_info()
        username = creator.get("creator_username") or self.account.public_handle
        options = creator.get("privacy_level_options") or []
        privacy = post.options.get("privacy_level") or self.config["privacy_level"]
        if privacy not in options:
            message = PERMANENT_MESSAGES["privacy_level_option_mismatch"]
            if options == ["SELF_ONLY"]:
                message = PERMANENT_MESSAGES["unaudited_client_can_only_post_to_private_accounts"]
            raise self.error(ErrorClass.PERMANENT, _(message), code="privacy_level")
        checkpoint.set(username=username, privacy_level=privacy)
        if post.videos:
            return self._publish_video(post, post.videos[0], creator, privacy, checkpoint)
        return self._publish_photos(post, privacy, checkpoint)

    def _publish_video(self, post, media: OutgoingMedia, creator, privacy, checkpoint):
        longest = creator.get("max_video_post_duration_sec")
        if longest and media.duration_seconds and media.duration_seconds > float(longest):
            raise self.error(
                ErrorClass.PERMANENT,
                _("Video lebih panjang dari batas akun TikTok ini (%(s)s detik). Potong video.")
                % {"s": longest},
                code="duration",
            )
        post_info = {
            "title": post.text,
            "privacy_level": privacy,
            "disable_duet": False,
            "disable_comment": False,
            "disable_stitch": False,
            "video_cover_timestamp_ms": 1000,
        }
        if media.has_bytes:
            size = media.size
            if size < MIN_CHUNK:
                chunk_size, count = size, 1
            else:
                chunk_size = min(MAX_CHUNK, max(MIN_CHUNK, int(self.config["chunk_size"])))
                count = max(1, size // chunk_size)
            source = {
                "source": "FILE_UPLOAD",
                "video_size": size,
                "chunk_size": chunk_size,
                "total_chunk_count": count,
            }
            checkpoint.set(source="FILE_UPLOAD", stage="init")
            # Nothing is published before the bytes arrive, so a lost init answer is harmless.
            data = self.call(
                "v2/post/publish/video/init/", {"post_info": post_info, "source_info": source}
            )
            checkpoint.set(publish_id=data["publish_id"], stage="upload")
            self._upload(media, data["upload_url"], chunk_size, count)
        else:
            source = {"source": "PULL_FROM_URL", "video_url": self.public_url(media)}
            checkpoint.set(source="PULL_FROM_URL", stage="init")
            data = self.call(
                "v2/post/publish/video/init/",
                {"post_info": post_info, "source_info": source},
                commits=True,
            )
            checkpoint.set(publish_id=data["publish_id"])
        checkpoint.set(stage="processing")
        return self._status(checkpoint)

    def _upload(self, media: OutgoingMedia, upload_url: str, chunk_size: int, count: int):
        total = media.size
        with media.open() as handle:
            for index in range(count):
                start = index * chunk_size
                end = total if index == count - 1 else start + chunk_size  # last takes the rest
                handle.seek(start)
                chunk = handle.read(end - start)
                self.request(
                    "PUT",
                    upload_url,
                    content=chunk,
                    headers={
                        "Content-Type": media.mime,
                        "Content-Range": f"bytes {start}-{end - 1}/{total}",
                    },
                    commits=index == count - 1,
                )

    def _publish_photos(self, post: OutgoingPost, privacy: str, checkpoint: Checkpoint):
        urls = [self.public_url(m) for m in post.images]
        payload = {
            "post_info": {
                "title": post.title or post.first_line(90),
                "description": post.text,
                "privacy_level": privacy,
                "disable_comment": False,
                "auto_add_music": True,
            },
            "source_info": {
                "source": "PULL_FROM_URL",
                "photo_cover_index": 0,
                "photo_images": urls,
            },
            "post_mode": "DIRECT_POST",
            "media_type": "PHOTO",
        }
        checkpoint.set(source="PULL_FROM_URL", stage="init", photo=True)
        data = self.call("v2/post/publish/content/init/", payload, commits=True)
        checkpoint.set(publish_id=data["publish_id"], stage="processing")
        return self._status(checkpoint)

    def fetch_status(self, publish_id: str) -> dict:
        return self.call("v2/post/publish/status/fetch/", {"publish_id": publish_id})

    def _status(self, checkpoint: Checkpoint, *, attempts=None) -> PublishResult:
        publish_id = checkpoint["publish_id"]
        data = self.poll(
            lambda: self.fetch_status(publish_id),
            lambda d: d.get("status") in ("PUBLISH_COMPLETE", "FAILED"),
            attempts=attempts,
        )
        status = data.get("status")
        if status == "FAILED":
            reason = str(data.get("fail_reason") or "unknown")
            error_class = (
                ErrorClass.RETRYABLE if reason.endswith("_pull_failed") else ErrorClass.PERMANENT
            )
            raise self.error(
                error_class,
                _(
                    "TikTok gagal memproses unggahan (%(r)s). Periksa format, durasi dan ukuran "
                    "media, lalu unggah ulang."
                )
                % {"r": reason},
                code=reason,
                raw_response=data,
            )
        post_ids = data.get("publicaly_available_post_id") or []
        private = checkpoint.get("privacy_level") == "SELF_ONLY"
        if status == "PUBLISH_COMPLETE" and (post_ids or private):
            external_id = str(post_ids[0]) if post_ids else publish_id
            checkpoint.set(stage="published", post_id=external_id)
            return PublishResult(
                state=PublishState.LIVE,
                external_id=external_id,
                permalink=self.permalink(
                    external_id, username=checkpoint.get("username"), photo=checkpoint.get("photo")
                )
                if post_ids
                else "",
                went_live_at=self.clock(),
                checkpoint=dict(checkpoint.data),
                raw_response=data,
            )
        # Still uploading/processing, or complete but in moderation (no public id yet).
        return PublishResult(
            state=PublishState.IN_FLIGHT, checkpoint=dict(checkpoint.data), raw_response=data
        )

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        return self._status(checkpoint, attempts=1)

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        if checkpoint.get("publish_id"):
            try:
                return self._status(checkpoint, attempts=1)
            except PlatformError as error:
                if (
                    error.error_class in (ErrorClass.PERMANENT, ErrorClass.RETRYABLE)
                    and (error.raw_response or {}).get("status") == "FAILED"
                ):
                    return None  # TikTok says it failed: nothing was posted
                raise
        if checkpoint.get("source") == "FILE_UPLOAD":
            return None  # no bytes were uploaded, so nothing can have been published
        return CANNOT_TELL

    # --- tokens --------------------------------------------------------------------------------

    def can_refresh(self, credentials: Credentials) -> bool:
        return bool(credentials.refresh_token and self.config.get("client_key"))

    def refresh_credentials(self, credentials: Credentials) -> Credentials:
        """Refresh tokens rotate (the old one dies): store the returned pair at once."""
        if not self.can_refresh(credentials):
            return credentials
        response = self.request(
            "POST",
            self.url("v2/oauth/token/"),
            data={
                "client_key": self.config["client_key"],
                "client_secret": self.config.get("client_secret", ""),
                "grant_type": "refresh_token",
                "refresh_token": credentials.refresh_token,
            },
        )
        body = self.json(response)
        if "access_token" not in body:
            raise self.classify(response, commits=False)
        now = self.clock()
        refresh_seconds = body.get("refresh_expires_in")
        return Credentials(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or credentials.refresh_token,
            expires_at=now + timedelta(seconds=int(body.get("expires_in") or 7200)),
            refresh_expires_at=now + timedelta(seconds=int(refresh_seconds))
            if refresh_seconds
            else credentials.refresh_expires_at,
            issued_at=now,
            extra={
                **credentials.extra,
                "open_id": body.get("open_id", ""),
                "scope": body.get("scope", ""),
            },
        )

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        adapter = type(self)(
            account=account, credentials=credentials, http_client=self.client, config=self.config
        )
        try:
            creator = adapter.creator_info()
        except PlatformError as error:
            return self.report_failure(error)
        problems = list(self.public_base_url_problems())
        options = creator.get("privacy_level_options") or []
        notes = []
        if options == ["SELF_ONLY"]:
            notes.append(
                _(PERMANENT_MESSAGES["unaudited_client_can_only_post_to_private_accounts"])
            )
        return ConnectionReport(
            ok=not problems,
            account_name=str(creator.get("creator_nickname") or ""),
            account_handle=str(creator.get("creator_username") or ""),
            problems=tuple(problems),
            notes=tuple(notes),
        )
