"""YouTube Data API v3 videos.insert over the resumable upload protocol
(shared/reference/platform-apis.md §4).

One session per post, its URI persisted before any byte is sent; every interruption resumes
the same session (a new session could create a second video). Only a lost answer to the final
chunk is ambiguous, and the session itself answers it: a status query returns the finished
video or how many bytes arrived.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import httpx
from django.utils.translation import gettext as _

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

CHUNK_UNIT = 256 * 1024  # chunks must be multiples of 256 KiB, except the last


def pacific_midnight_after(now: datetime) -> datetime:
    """YouTube's daily quota resets at midnight Pacific time."""
    try:
        zone = ZoneInfo("America/Los_Angeles")
    except ZoneInfoNotFoundError:  # no tz database: Pacific standard time is close enough
        from datetime import timezone

        zone = timezone(timedelta(hours=-8))
    local = now.astimezone(zone)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight


def clean_title(text: str) -> str:
    """YouTube refuses < and > in titles (invalidTitle) and anything over 100 characters."""
    title = text.replace("<", "").replace(">", "").strip()
    return title if len(title) <= 100 else title[:99].rstrip() + "…"


class YouTubeAdapter(PlatformAdapter):
    platform = Platform.YOUTUBE
    defaults = {
        "upload_url": "https://www.googleapis.com/upload/youtube/v3/videos",
        "api_url": "https://www.googleapis.com/youtube/v3",
        "token_url": "https://oauth2.googleapis.com/token",
        "client_id": "",
        "client_secret": "",
        "chunk_size": 8 * MB,
        "privacy_status": "public",
        "category_id": "22",
    }

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.access_token}"}

    def permalink(self, external_id: str, **parts: Any) -> str:
        return f"https://www.youtube.com/watch?v={external_id}"

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return self.generic_error(response, commits=commits)
        reasons = {str(e.get("reason")) for e in error.get("errors") or [] if isinstance(e, dict)}
        status = response.status_code
        common = {
            "detail": str(error.get("message") or ""),
            "code": ",".join(sorted(reasons)) or str(error.get("status") or status),
            "http_status": status,
            "raw_response": body,
        }
        now = self.clock()
        if "quotaExceeded" in reasons or "dailyLimitExceeded" in reasons:
            return self.error(
                ErrorClass.RATE_LIMITED,
                _(
                    "Kuota harian YouTube API habis. Sistem mencoba lagi setelah kuota pulih "
                    "(tengah malam waktu Pasifik); tidak perlu tindakan."
                ),
                retry_at=pacific_midnight_after(now),
                **common,
            )
        if "uploadLimitExceeded" in reasons:
            return self.error(
                ErrorClass.RATE_LIMITED,
                _(
                    "Batas unggahan video harian kanal YouTube tercapai. Sistem mencoba lagi "
                    "24 jam kemudian; tidak perlu tindakan."
                ),
                retry_at=now + timedelta(hours=24),
                **common,
            )
        if status == 401 or "authError" in reasons:
            failure = self.error(ErrorClass.NEEDS_RECONNECT, **common)
            failure.refreshable = True
            return failure
        if "insufficientPermissions" in reasons or error.get("status") == "PERMISSION_DENIED":
            return self.error(
                ErrorClass.NEEDS_RECONNECT,
                _(
                    "Akun YouTube tidak memberi izin unggah video. Hubungkan ulang akun dan "
                    "setujui izin YouTube yang diminta."
                ),
                **common,
            )
        if status >= 500:
            return self.generic_error(response, commits=commits, **common)
        return self.error(
            ErrorClass.PERMANENT,
            _(
                "YouTube menolak unggahan ini (%(r)s). Periksa judul, deskripsi, video dan "
                "status akun, lalu unggah ulang."
            )
            % {"r": common["code"]},
            **common,
        )

    # --- the resumable upload ------------------------------------------------------------------

    def start_session(self, post: OutgoingPost, media: OutgoingMedia) -> str:
        options = post.options
        resource = {
            "snippet": {
                "title": clean_title(post.title or post.first_line(100)) or "Video JDIH",
                "description": post.text,
                "categoryId": str(options.get("category_id") or self.config["category_id"]),
            },
            "status": {
                "privacyStatus": options.get("privacy_status") or self.config["privacy_status"],
                "selfDeclaredMadeForKids": False,
            },
        }

        def attempt():
            return self.request(
                "POST",
                self.config["upload_url"],
                params={"uploadType": "resumable", "part": "snippet,status"},
                json=resource,
                headers={
                    **self.auth(),
                    "X-Upload-Content-Length": str(media.size),
                    "X-Upload-Content-Type": media.mime,
                },
            )

        response = self.with_refresh(attempt)
        location = response.headers.get("location")
        if not location:
            raise self.error(ErrorClass.RETRYABLE, detail="no session URI in Location")
        return location

    def query_session(self, session_url: str, total: int) -> tuple[int, dict | None]:
        """(bytes the server holds, the video if the upload is complete)."""
        response = self.request(
            "PUT",
            session_url,
            headers={**self.auth(), "Content-Length": "0", "Content-Range": f"bytes */{total}"},
            ok=(308,),
        )
        if response.status_code == 308:
            return self._received(response), None
        return total, self.json(response)

    @staticmethod
    def _received(response: httpx.Response) -> int:
        value = response.headers.get("range", "")  # "bytes=0-524287"; absent: nothing yet
        if "-" not in value:
            return 0
        return int(value.rsplit("-", 1)[1]) + 1

    def upload(self, media: OutgoingMedia, session_url: str, offset: int) -> dict:
        total = media.size
        chunk_size = max(CHUNK_UNIT, int(self.config["chunk_size"]) // CHUNK_UNIT * CHUNK_UNIT)
        with media.open() as handle:
            while True:
                handle.seek(offset)
                chunk = handle.read(chunk_size)
                last = offset + len(chunk) - 1
                final = last + 1 >= total
                response = self.request(
                    "PUT",
                    session_url,
                    content=chunk,
                    headers={
                        **self.auth(),
                        "Content-Type": media.mime,
                        "Content-Range": f"bytes {offset}-{last}/{total}",
                    },
                    ok=(308,),
                    commits=final,  # only the last chunk can create the video
                )
                if response.status_code != 308:
                    return self.json(response)
                offset = self._received(response)

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        if checkpoint.get("video_id"):
            return self._check_status(checkpoint)
        media = post.videos[0]
        session_url = checkpoint.get("session_url")
        offset = 0
        if session_url:
            offset, video = self.query_session(session_url, media.size)
            if video is not None:
                return self._video_result(video, checkpoint)
        else:
            session_url = self.start_session(post, media)
            checkpoint.set(session_url=session_url, total_bytes=media.size)
        video = self.upload(media, session_url, offset)
        return self._video_result(video, checkpoint)

    def _video_result(self, video: dict, checkpoint: Checkpoint) -> PublishResult:
        video_id = str(video["id"])
        checkpoint.set(video_id=video_id)
        status = (video.get("status") or {}).get("uploadStatus", "uploaded")
        if status in ("failed", "rejected", "deleted"):
            reason = (video.get("status") or {}).get("failureReason") or (
                video.get("status") or {}
            ).get("rejectionReason")
            raise self.error(
                ErrorClass.PERMANENT,
                _("YouTube menolak video ini (%(r)s). Periksa video, lalu unggah ulang.")
                % {"r": reason or status},
                code=status,
                raw_response=video,
            )
        state = PublishState.LIVE if status == "processed" else PublishState.IN_FLIGHT
        return PublishResult(
            state=state,
            external_id=video_id,
            permalink=self.permalink(video_id),
            went_live_at=self.clock() if state == PublishState.LIVE else None,
            checkpoint=dict(checkpoint.data),
            raw_response=video,
        )

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        video_id = checkpoint["video_id"]
        response = self.with_refresh(
            lambda: self.request(
                "GET",
                f"{self.config['api_url'].rstrip('/')}/videos",
                params={"part": "status,processingDetails", "id": video_id},
                headers=self.auth(),
            )
        )
        items = self.json(response).get("items") or []
        if not items:
            raise self.error(
                ErrorClass.PERMANENT,
                _("Video YouTube %(id)s tidak ditemukan lagi (mungkin dihapus).")
                % {"id": video_id},
                code="not_found",
            )
        return self._video_result(items[0], checkpoint)

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        if checkpoint.get("video_id"):
            return self._check_status(checkpoint)
        session_url = checkpoint.get("session_url")
        if not session_url:
            return None  # opening a session creates no video
        total = int(checkpoint.get("total_bytes") or (post.videos[0].size if post.videos else 0))
        try:
            _received, video = self.query_session(session_url, total)
        except PlatformError as error:
            if error.http_status in (404, 410):
                return CANNOT_TELL  # the session is gone; only the channel can say
            raise
        if video is None:
            return None  # incomplete: publish(resume_from=checkpoint) continues this session
        return self._video_result(video, checkpoint)

    # --- tokens --------------------------------------------------------------------------------

    def can_refresh(self, credentials: Credentials) -> bool:
        return bool(credentials.refresh_token and self.config.get("client_id"))

    def refresh_credentials(self, credentials: Credentials) -> Credentials:
        if not self.can_refresh(credentials):
            return credentials
        try:
            response = self.request(
                "POST",
                self.config["token_url"],
                data={
                    "grant_type": "refresh_token",
                    "refresh_token": credentials.refresh_token,
                    "client_id": self.config["client_id"],
                    "client_secret": self.config.get("client_secret", ""),
                },
            )
        except PlatformError as error:
            if error.http_status in (400, 401):
                raise self.error(
                    ErrorClass.NEEDS_RECONNECT,
                    _(
                        "Izin YouTube sudah tidak berlaku (token penyegar ditolak). Hubungkan "
                        "ulang akun. Bila terjadi tiap 7 hari, minta admin menerbitkan aplikasi "
                        "Google dari mode Testing ke Production."
                    ),
                    detail=error.detail,
                    http_status=error.http_status,
                ) from error
            raise
        body = self.json(response)
        now = self.clock()
        return Credentials(
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or credentials.refresh_token,
            expires_at=now + timedelta(seconds=int(body.get("expires_in") or 3600)),
            refresh_expires_at=credentials.refresh_expires_at,
            issued_at=now,
            extra=credentials.extra,
        )

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        adapter = type(self)(
            account=account, credentials=credentials, http_client=self.client, config=self.config
        )
        try:
            response = adapter.with_refresh(
                lambda: adapter.request(
                    "GET",
                    f"{adapter.config['api_url'].rstrip('/')}/channels",
                    params={"part": "snippet", "mine": "true"},
                    headers=adapter.auth(),
                )
            )
        except PlatformError as error:
            return self.report_failure(error)
        items = self.json(response).get("items") or [{}]
        snippet = items[0].get("snippet") or {}
        return ConnectionReport(
            ok=bool(items[0]),
            account_name=str(snippet.get("title") or ""),
            account_handle=str(snippet.get("customUrl") or ""),
            notes=(
                _(
                    "Video dari proyek Google yang belum lolos audit YouTube selalu berstatus "
                    "privat; pastikan proyek sudah diaudit."
                ),
            ),
        )
