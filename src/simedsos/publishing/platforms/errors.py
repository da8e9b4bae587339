"""How a publishing failure is classified, and what a staff member is told to do about it.

Every adapter turns every failure (HTTP status, platform error body, network error) into one
`PlatformError` whose `error_class` decides what the job layer does next:

- RETRYABLE: try again later with backoff; the platform certainly did not act on the request
  (or acting twice is harmless, e.g. creating another Instagram container).
- RATE_LIMITED: try again at `retry_at` (from the platform's own reset signal) or with backoff.
- NEEDS_RECONNECT: the token is expired/revoked or a permission is missing; a person must connect
  the account again (or fix the bot's admin rights) before anything can be posted.
- PERMANENT: the platform refused this content or the configuration is wrong; retrying the same
  thing fails the same way.
- AMBIGUOUS: the request may have landed (timeout after sending, 5xx on a call that creates the
  post). Never retry before `adapter.reconcile(...)` has looked the post up.
- NEEDS_PERSON: nothing can be done automatically; a person posts by hand and records it (the
  `manual` platform) or decides whether an unverifiable post went out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from simedsos.content.preflight import PreflightIssue


class ErrorClass(StrEnum):
    RETRYABLE = "RETRYABLE"
    RATE_LIMITED = "RATE_LIMITED"
    NEEDS_RECONNECT = "NEEDS_RECONNECT"
    PERMANENT = "PERMANENT"
    AMBIGUOUS = "AMBIGUOUS"
    NEEDS_PERSON = "NEEDS_PERSON"


def default_message(error_class: ErrorClass, label: str) -> str:
    """What a staff member should do next, for a failure on platform `label`."""
    match error_class:
        case ErrorClass.RETRYABLE:
            return _(
                "%(p)s sedang bermasalah atau jaringan terputus. Sistem akan mencoba lagi "
                "otomatis; tidak perlu tindakan."
            ) % {"p": label}
        case ErrorClass.RATE_LIMITED:
            return _(
                "Batas jumlah permintaan ke %(p)s sudah tercapai. Sistem akan mencoba lagi "
                "setelah batasnya pulih; tidak perlu tindakan."
            ) % {"p": label}
        case ErrorClass.NEEDS_RECONNECT:
            return _(
                "Token akun %(p)s kedaluwarsa atau dicabut. Hubungkan ulang akun di halaman "
                "Akun Media Sosial, lalu coba lagi."
            ) % {"p": label}
        case ErrorClass.PERMANENT:
            return _(
                "%(p)s menolak unggahan ini. Perbaiki isi atau pengaturannya sesuai keterangan, "
                "lalu unggah ulang."
            ) % {"p": label}
        case ErrorClass.AMBIGUOUS:
            return _(
                "Jawaban %(p)s tidak diterima, sehingga belum pasti apakah unggahan sudah "
                "tayang. Sistem memeriksanya dulu sebelum mencoba lagi agar tidak terunggah "
                "dua kali."
            ) % {"p": label}
        case ErrorClass.NEEDS_PERSON:
            return _(
                "Unggahan ke %(p)s dilakukan oleh petugas. Unggah secara manual, lalu catat "
                "tautan dan bukti unggahannya."
            ) % {"p": label}
    raise ValueError(error_class)


class PlatformError(Exception):
    """A failure of one platform call, classified.

    `user_message` is Indonesian and says what to do next; `detail` is the platform's own words
    (for the log and the admin, not translated); `checkpoint` holds every id obtained before the
    failure (persist it: `reconcile` and a resumed `publish` need it)."""

    error_class: ErrorClass = ErrorClass.PERMANENT
    #: an auth failure that a token refresh may cure (the adapter tries once by itself)
    refreshable: bool = False

    def __init__(
        self,
        user_message: str = "",
        *,
        platform_label: str = "",
        error_class: ErrorClass | None = None,
        detail: str = "",
        code: str = "",
        http_status: int | None = None,
        retry_at: datetime | None = None,
        checkpoint: Mapping[str, Any] | None = None,
        raw_response: Any = None,
    ):
        if error_class is not None:
            self.error_class = error_class
        self.user_message = user_message or default_message(self.error_class, platform_label)
        self.platform_label = platform_label
        self.detail = detail
        self.code = str(code) if code not in (None, "") else ""
        self.http_status = http_status
        self.retry_at = retry_at
        self.checkpoint = dict(checkpoint or {})
        self.raw_response = raw_response
        super().__init__(self.user_message)

    @property
    def maybe_posted(self) -> bool:
        """True when the post may exist: reconcile before any retry."""
        return self.error_class == ErrorClass.AMBIGUOUS

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.error_class}, code={self.code!r}, "
            f"status={self.http_status}, detail={self.detail[:120]!r})"
        )


class RetryableError(PlatformError):
    error_class = ErrorClass.RETRYABLE


class RateLimitedError(PlatformError):
    error_class = ErrorClass.RATE_LIMITED


class NeedsReconnectError(PlatformError):
    error_class = ErrorClass.NEEDS_RECONNECT


class PermanentError(PlatformError):
    error_class = ErrorClass.PERMANENT


class AmbiguousError(PlatformError):
    error_class = ErrorClass.AMBIGUOUS


class ManualPublishingRequired(PlatformError):
    """Raised by the `manual` adapter: the job layer turns it into "waiting for a person"."""

    error_class = ErrorClass.NEEDS_PERSON


class ValidationFailed(PermanentError):
    """The post breaks the platform's limits; refused before any HTTP call."""

    def __init__(self, issues: Sequence[PreflightIssue], *, platform_label: str = ""):
        self.issues = list(issues)
        message = " ".join(issue.message for issue in self.issues if issue.blocking)
        super().__init__(message, platform_label=platform_label, code="preflight")


class PublicUrlMissing(PermanentError):
    """The platform fetches media from a URL, and the media has none (PUBLIC_BASE_URL unset)."""

    def __init__(self, *, platform_label: str = ""):
        super().__init__(
            _(
                "Alamat publik (PUBLIC_BASE_URL) belum diatur, sehingga %(p)s tidak dapat "
                "mengambil berkas media. Minta admin mengatur PUBLIC_BASE_URL ke alamat yang "
                "dapat dijangkau dari internet, lalu coba lagi."
            )
            % {"p": platform_label},
            platform_label=platform_label,
            code="public_url_missing",
        )


ERROR_TYPES: dict[ErrorClass, type[PlatformError]] = {
    ErrorClass.RETRYABLE: RetryableError,
    ErrorClass.RATE_LIMITED: RateLimitedError,
    ErrorClass.NEEDS_RECONNECT: NeedsReconnectError,
    ErrorClass.PERMANENT: PermanentError,
    ErrorClass.AMBIGUOUS: AmbiguousError,
    ErrorClass.NEEDS_PERSON: ManualPublishingRequired,
}


def make_error(error_class: ErrorClass, **kwargs) -> PlatformError:
    """An error of the subclass that matches `error_class` (so callers may `except` by type)."""
    return ERROR_TYPES[error_class](**kwargs)
