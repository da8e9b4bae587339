"""The adapter interface every platform implements, and the plain data it takes and returns.

Adapters know nothing of models: the job layer builds an `AccountRef`, `Credentials` and an
`OutgoingPost` (text already built with `content.preflight.post_text`), calls the adapter, and
persists what comes back (`PublishResult.checkpoint`, `adapter.credentials`). See DESIGN §5 and
`shared/reference/platform-apis.md`.

The job layer's loop, in short:

    adapter = adapter_for(account.platform, account=ref, credentials=creds)
    try:
        result = adapter.publish(post, idempotency_key=key, on_checkpoint=save_checkpoint)
    except PlatformError as error:      # error.checkpoint holds every id obtained so far
        if error.error_class is AMBIGUOUS:
            outcome = adapter.reconcile(error.checkpoint, post, key)
            # PublishResult → it landed; None → certainly not posted, retry;
            # CANNOT_TELL → ask a person
    finally:
        if adapter.credentials != creds: store(adapter.credentials)
    while result.state is IN_FLIGHT: later, result = adapter.check_status(result.checkpoint)
"""

from __future__ import annotations

import copy
import hashlib
import ipaddress
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings as django_settings
from django.utils.translation import gettext as _

from simedsos.content.preflight import (
    DraftSnapshot,
    MediaInfo,
    MediaKind,
    PreflightIssue,
    preflight_check,
)
from simedsos.content.preflight import has_blocking as _has_blocking

from .errors import (
    AmbiguousError,
    ErrorClass,
    NeedsReconnectError,
    PermanentError,
    PlatformError,
    PublicUrlMissing,
    RetryableError,
    ValidationFailed,
    make_error,
)
from .limits import Platform, limits_for

DEFAULT_TIMEOUT = {"connect": 5.0, "read": 30.0, "write": 60.0, "pool": 5.0}


# --- plain data in -------------------------------------------------------------------------------


def _frozen_map(value: Mapping | None) -> Mapping:
    return MappingProxyType(dict(value or {}))


@dataclass(frozen=True)
class Credentials:
    """What an account's API calls are authorised with. Dict-like: `creds["refresh_token"]`,
    `creds.get("app_password")` read the named fields first, then `extra` (app password,
    OAuth 1.0a secrets, identifier, scopes …). Store it with `to_dict()`/`from_dict()`
    (encrypted at rest by the credential store)."""

    access_token: str = ""
    refresh_token: str = ""
    expires_at: datetime | None = None  # when the access token expires (None: never / unknown)
    refresh_expires_at: datetime | None = None
    issued_at: datetime | None = None  # when the access token was obtained or last refreshed
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "extra", _frozen_map(self.extra))

    _FIELDS = ("access_token", "refresh_token", "expires_at", "refresh_expires_at", "issued_at")

    def get(self, key: str, default: Any = None) -> Any:
        if key in self._FIELDS:
            value = getattr(self, key)
            return default if value in (None, "") else value
        return self.extra.get(key, default)

    def __getitem__(self, key: str) -> Any:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def with_extra(self, **values: Any) -> Credentials:
        return replace(self, extra={**self.extra, **values})

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in self._FIELDS:
            value = getattr(self, name)
            data[name] = value.isoformat() if isinstance(value, datetime) else value
        data["extra"] = dict(self.extra)
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Credentials:
        def when(value):
            return datetime.fromisoformat(value) if isinstance(value, str) and value else value

        return cls(
            access_token=data.get("access_token") or "",
            refresh_token=data.get("refresh_token") or "",
            expires_at=when(data.get("expires_at")),
            refresh_expires_at=when(data.get("refresh_expires_at")),
            issued_at=when(data.get("issued_at")),
            extra=data.get("extra") or {},
        )


@dataclass(frozen=True)
class AccountRef:
    """Which account on the platform. `external_id` is the platform's id of the account: the
    Facebook Page id, Instagram professional account id, X user id, YouTube channel id, TikTok
    open_id, Threads user id, Telegram chat id or Bluesky DID. `handle` is the public name used
    in links (X username, Telegram @channel, Bluesky handle, TikTok username)."""

    platform: Platform
    external_id: str = ""
    handle: str = ""
    page_id: str = ""  # Facebook Page (also the Page an Instagram account is linked to)
    chat_id: str = ""  # Telegram: integer id (-100…) or @channelusername
    pds_url: str = ""  # Bluesky: the account's PDS, if not the configured entryway
    extra: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "platform", Platform(self.platform))
        object.__setattr__(self, "extra", _frozen_map(self.extra))

    @property
    def public_handle(self) -> str:
        return self.handle.lstrip("@")


@dataclass(frozen=True)
class OutgoingMedia:
    """One media file to post. Bytes come from `path` or `opener` (a callable returning a
    binary file object); `public_url` is where platforms that fetch media (Instagram, Threads,
    TikTok photos, Facebook `url`) can download it — None when PUBLIC_BASE_URL is unset."""

    mime: str
    size: int
    path: Path | str | None = None
    opener: Callable[[], IO[bytes]] | None = None
    width: int | None = None
    height: int | None = None
    duration_seconds: float | None = None
    alt_text: str = ""
    public_url: str | None = None
    filename: str = ""

    @property
    def kind(self) -> MediaKind:
        return MediaKind.VIDEO if self.mime.startswith("video/") else MediaKind.IMAGE

    @property
    def is_video(self) -> bool:
        return self.kind == MediaKind.VIDEO

    @property
    def has_bytes(self) -> bool:
        return self.path is not None or self.opener is not None

    @property
    def name(self) -> str:
        if self.filename:
            return self.filename
        if self.path is not None:
            return Path(self.path).name
        return "video.mp4" if self.is_video else "image.jpg"

    def open(self) -> IO[bytes]:
        if self.opener is not None:
            return self.opener()
        if self.path is not None:
            return Path(self.path).open("rb")
        raise ValueError("media has neither a path nor an opener")

    def read_bytes(self) -> bytes:
        with self.open() as handle:
            return handle.read()

    def iter_chunks(self, chunk_size: int):
        """(offset, bytes) pieces of the file, in order."""
        with self.open() as handle:
            offset = 0
            while chunk := handle.read(chunk_size):
                yield offset, chunk
                offset += len(chunk)

    def as_media_info(self) -> MediaInfo:
        return MediaInfo(
            kind=self.kind,
            mime=self.mime,
            bytes=self.size,
            width=self.width,
            height=self.height,
            duration_seconds=self.duration_seconds,
            alt_text=self.alt_text,
        )


@dataclass(frozen=True)
class OutgoingPost:
    """What to post: `text` exactly as built by `post_text(draft, platform)`, the media in order,
    an optional `title` (YouTube, TikTok photo posts; derived from the text when blank) and
    per-platform `options` (e.g. TikTok `privacy_level`, YouTube `privacy_status`)."""

    text: str
    media: Sequence[OutgoingMedia] = ()
    title: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self):
        object.__setattr__(self, "media", tuple(self.media))
        object.__setattr__(self, "options", _frozen_map(self.options))

    @property
    def images(self) -> list[OutgoingMedia]:
        return [m for m in self.media if not m.is_video]

    @property
    def videos(self) -> list[OutgoingMedia]:
        return [m for m in self.media if m.is_video]

    def as_draft(self) -> DraftSnapshot:
        return DraftSnapshot(caption=self.text, media=[m.as_media_info() for m in self.media])

    def first_line(self, limit: int) -> str:
        line = next((ln.strip() for ln in self.text.splitlines() if ln.strip()), "")
        return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def text_hash(text: str) -> str:
    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


# --- plain data out ------------------------------------------------------------------------------


class PublishState(StrEnum):
    LIVE = "LIVE"  # the post is public (or at least created and final on the platform)
    IN_FLIGHT = "IN_FLIGHT"  # accepted, still processing: call check_status(checkpoint) later


@dataclass(frozen=True)
class PublishResult:
    state: PublishState
    external_id: str = ""
    permalink: str = ""
    went_live_at: datetime | None = None
    # Every intermediate id (container id, publish_id, upload session URL, rkey, media ids…):
    # persist it; check_status/reconcile/resumed publish take it back. JSON-serialisable.
    checkpoint: Mapping[str, Any] = field(default_factory=dict)
    raw_response: Any = None
    # Changes the job layer must store on the account (e.g. Telegram's new supergroup chat id).
    account_changes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_live(self) -> bool:
        return self.state == PublishState.LIVE


class CannotTell:
    """`reconcile` answer where the platform offers no way to look the post up (TikTok init,
    Telegram): a person must check the account and decide."""

    _instance: CannotTell | None = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "CANNOT_TELL"

    def __bool__(self) -> bool:
        return False


CANNOT_TELL = CannotTell()

ReconcileOutcome = PublishResult | None | CannotTell


@dataclass(frozen=True)
class ConnectionReport:
    """What "test connection" found. `problems` and `notes` are Indonesian sentences."""

    ok: bool
    account_name: str = ""
    account_handle: str = ""
    problems: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    error_class: ErrorClass | None = None


# --- configuration ------------------------------------------------------------------------------


def platform_config(platform: Platform, defaults: Mapping[str, Any], settings=None) -> dict:
    """`defaults` overlaid with `settings.PLATFORM_API[platform]` (base URLs, pinned API
    version, client ids/secrets, chunk sizes, polling), plus the shared TIMEOUT and
    PUBLIC_BASE_URL. Production settings never point at the fakes."""
    settings = settings if settings is not None else django_settings
    api = getattr(settings, "PLATFORM_API", {}) or {}
    config = dict(defaults)
    config.update(api.get(str(platform), {}) or {})
    timeout = {**DEFAULT_TIMEOUT, **(api.get("TIMEOUT") or {})}
    config.setdefault("timeout", timeout)
    config.setdefault("poll_attempts", api.get("POLL_ATTEMPTS", 5))
    config.setdefault("poll_interval", api.get("POLL_INTERVAL", 2.0))
    config.setdefault("public_base_url", getattr(settings, "PUBLIC_BASE_URL", "") or "")
    return config


def build_timeout(value: Mapping[str, float] | float | httpx.Timeout) -> httpx.Timeout:
    if isinstance(value, httpx.Timeout):
        return value
    if isinstance(value, int | float):
        return httpx.Timeout(value)
    merged = {**DEFAULT_TIMEOUT, **value}
    return httpx.Timeout(
        connect=merged["connect"], read=merged["read"], write=merged["write"], pool=merged["pool"]
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


# --- the adapter ---------------------------------------------------------------------------------


class Checkpoint:
    """The ids gathered while publishing, reported to `on_checkpoint` as soon as each is known
    so a restarted worker can resume instead of posting again."""

    def __init__(self, data: Mapping[str, Any], on_change: Callable[[dict], None] | None):
        self.data: dict[str, Any] = dict(data)
        self._on_change = on_change

    def __getitem__(self, key):
        return self.data[key]

    def get(self, key, default=None):
        return self.data.get(key, default)

    def __contains__(self, key):
        return key in self.data

    def set(self, **values: Any) -> None:
        # Copies: the caller keeps appending to its own lists, and what was reported must not
        # change after the fact.
        self.data.update(copy.deepcopy(values))
        if self._on_change is not None:
            self._on_change(copy.deepcopy(self.data))


class PlatformAdapter(ABC):
    """One platform. Bound to one account and its credentials for publishing; after any call,
    `self.credentials` holds the newest credentials (refreshed tokens rotate: store them)."""

    platform: Platform
    defaults: Mapping[str, Any] = {}
    #: whether this platform downloads media from `OutgoingMedia.public_url` itself
    fetches_media_by_url = False
    #: a `user_message` for a NEEDS_RECONNECT without a more specific one

    def __init__(
        self,
        *,
        account: AccountRef | None = None,
        credentials: Credentials | None = None,
        http_client: httpx.Client | None = None,
        settings=None,
        config: Mapping[str, Any] | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], datetime] = utcnow,
    ):
        self.config = platform_config(self.platform, self.defaults, settings)
        self.config.update(config or {})
        self.timeout = build_timeout(self.config["timeout"])
        self.client = http_client or httpx.Client(timeout=self.timeout)
        self.account = account
        self.credentials = credentials or Credentials()
        self.sleep = sleep
        self.clock = clock
        self._refreshed_in_call = False

    @property
    def limits(self):
        return limits_for(self.platform)

    @property
    def label(self) -> str:
        return str(self.platform.label)

    # --- the interface -------------------------------------------------------------------------

    def validate(self, post: OutgoingPost) -> list[PreflightIssue]:
        """The draft editor's preflight rules for this platform, applied to the outgoing post."""
        return preflight_check(post.as_draft(), [self.platform])

    def publish(
        self,
        post: OutgoingPost,
        *,
        idempotency_key: str,
        on_checkpoint: Callable[[dict], None] | None = None,
        resume_from: Mapping[str, Any] | None = None,
    ) -> PublishResult:
        """Post `post`. Refuses a post that fails `validate` before any HTTP call. Returns LIVE,
        or IN_FLIGHT (then call `check_status`). Raises `PlatformError`; its `checkpoint` holds
        every id obtained so far. `resume_from`: a checkpoint of an earlier attempt (after
        `reconcile` answered None), reused where the platform allows (YouTube session, Bluesky
        rkey, finished Instagram/Threads containers)."""
        issues = self.validate(post)
        if _has_blocking(issues):
            raise ValidationFailed(issues, platform_label=self.label)
        self._require_account()
        base = {
            "platform": str(self.platform),
            "idempotency_key": idempotency_key,
            "started_at": self.clock().isoformat(),
            "text_sha256": text_hash(post.text),
        }
        checkpoint = Checkpoint({**base, **dict(resume_from or {})}, on_checkpoint)
        return self._run(lambda: self._publish(post, checkpoint), checkpoint)

    def check_status(self, checkpoint: Mapping[str, Any]) -> PublishResult:
        """Where an IN_FLIGHT post stands now (may finish the last step, e.g. publish a
        finished container). Returns LIVE or IN_FLIGHT, or raises `PlatformError`."""
        self._require_account()
        state = Checkpoint(checkpoint, None)
        return self._run(lambda: self._check_status(state), state)

    def reconcile(
        self, checkpoint: Mapping[str, Any], post: OutgoingPost, idempotency_key: str
    ) -> ReconcileOutcome:
        """After an AMBIGUOUS failure: did the post land? A `PublishResult` if it did, None if it
        certainly did not (publishing again is safe), CANNOT_TELL if the platform cannot say."""
        self._require_account()
        state = Checkpoint(checkpoint, None)
        return self._run(lambda: self._reconcile(state, post), state)

    @abstractmethod
    def permalink(self, external_id: str, **parts: Any) -> str:
        """The public link of a post from its id (derived; prefer the API's field)."""

    def refresh_credentials(self, credentials: Credentials) -> Credentials:
        """New credentials if the platform refreshes tokens; the same ones otherwise."""
        return credentials

    def token_expiry_warning(self, credentials: Credentials, now: datetime) -> str | None:
        """An Indonesian warning when the account will soon need reconnecting, else None.
        Tokens the adapter refreshes itself do not warn until their refresh token runs out."""
        soon = timedelta(days=int(self.config.get("warn_days", 10)))
        refreshable = bool(credentials.refresh_token) and self.can_refresh(credentials)
        if refreshable:
            deadline = credentials.refresh_expires_at
        else:
            deadline = credentials.expires_at
        if deadline is None:
            return None
        if deadline <= now:
            return _(
                "Token akun %(p)s sudah kedaluwarsa. Hubungkan ulang akun di halaman Akun "
                "Media Sosial agar unggahan berikutnya tidak gagal."
            ) % {"p": self.label}
        if deadline - now <= soon:
            days = max(1, (deadline - now).days)
            return _(
                "Token akun %(p)s akan kedaluwarsa dalam %(d)d hari. Hubungkan ulang akun di "
                "halaman Akun Media Sosial sebelum tanggal %(date)s."
            ) % {"p": self.label, "d": days, "date": deadline.strftime("%d-%m-%Y")}
        return None

    def can_refresh(self, credentials: Credentials) -> bool:
        return False

    @abstractmethod
    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        """Check that the account is reachable and may post; say plainly what is missing."""

    # --- what each platform implements --------------------------------------------------------

    @abstractmethod
    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult: ...

    @abstractmethod
    def _check_status(self, checkpoint: Checkpoint) -> PublishResult: ...

    @abstractmethod
    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome: ...

    @abstractmethod
    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        """The error for a non-success response (the platform's own error table)."""

    # --- helpers ------------------------------------------------------------------------------

    def _require_account(self) -> None:
        if self.account is None:
            raise PermanentError(
                _("Akun %(p)s belum dipilih untuk unggahan ini.") % {"p": self.label},
                platform_label=self.label,
                code="no_account",
            )

    def _run(self, call: Callable[[], Any], checkpoint: Checkpoint) -> Any:
        self._refreshed_in_call = False
        try:
            return call()
        except PlatformError as error:
            error.checkpoint = {**checkpoint.data, **error.checkpoint}
            if not error.platform_label:
                error.platform_label = self.label
            raise

    def error(self, error_class: ErrorClass, message: str = "", **kwargs) -> PlatformError:
        return make_error(error_class, user_message=message, platform_label=self.label, **kwargs)

    def request(
        self,
        method: str,
        url: str,
        *,
        commits: bool = False,
        ok: Sequence[int] = (),
        **kwargs: Any,
    ) -> httpx.Response:
        """One HTTP call with the configured timeout. `commits`: the call can create the post, so
        a lost answer is AMBIGUOUS (else RETRYABLE). Non-success answers (other than `ok`) are
        classified by `classify`."""
        kwargs.setdefault("timeout", self.timeout)
        try:
            response = self.client.request(method, url, **kwargs)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            # Nothing reached the platform: retrying cannot post twice.
            raise RetryableError(
                platform_label=self.label, detail=f"{type(exc).__name__}: {exc}", code="network"
            ) from exc
        except httpx.TransportError as exc:  # read/write timeout, connection dropped mid-way
            detail = f"{type(exc).__name__}: {exc}"
            if commits:
                raise AmbiguousError(
                    platform_label=self.label, detail=detail, code="timeout"
                ) from exc
            raise RetryableError(platform_label=self.label, detail=detail, code="timeout") from exc
        if response.is_success or response.status_code in ok:
            return response
        raise self.classify(response, commits=commits)

    def with_refresh(self, call: Callable[[], Any]) -> Any:
        """Run `call`; if it fails with a refreshable auth error, refresh the token once and
        run it again (the refused call did nothing, so repeating it is safe)."""
        try:
            return call()
        except NeedsReconnectError as error:
            if (
                not getattr(error, "refreshable", False)
                or self._refreshed_in_call
                or not self.can_refresh(self.credentials)
            ):
                raise
            self._refreshed_in_call = True
            self.credentials = self.refresh_credentials(self.credentials)
            return call()

    def generic_error(self, response: httpx.Response, *, commits: bool, **kwargs) -> PlatformError:
        """Classification by HTTP status alone, for answers without a platform error body."""
        status = response.status_code
        kwargs["detail"] = kwargs.get("detail") or response.text[:500]
        kwargs["http_status"] = status
        message = kwargs.pop("user_message", "")
        if status == 429:
            error_class = ErrorClass.RATE_LIMITED
        elif status in (401, 403):
            error_class = ErrorClass.NEEDS_RECONNECT
        elif status >= 500:
            error_class = ErrorClass.AMBIGUOUS if commits else ErrorClass.RETRYABLE
        else:
            error_class = ErrorClass.PERMANENT
        return self.error(error_class, message, **kwargs)

    def json(self, response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise RetryableError(
                platform_label=self.label,
                detail=f"not JSON: {response.text[:200]!r}",
                http_status=response.status_code,
            ) from exc

    def public_url(self, media: OutgoingMedia) -> str:
        if not media.public_url:
            raise PublicUrlMissing(platform_label=self.label)
        return media.public_url

    def poll(self, check: Callable[[], Any], done: Callable[[Any], bool], *, attempts=None):
        """Call `check` until `done(result)` or the attempts run out; returns the last result."""
        attempts = int(self.config["poll_attempts"] if attempts is None else attempts)
        result = check()
        for _attempt in range(max(0, attempts - 1)):
            if done(result):
                break
            self.sleep(float(self.config["poll_interval"]))
            result = check()
        return result

    def public_base_url_problems(self) -> list[str]:
        """Why platforms that fetch media by URL cannot reach ours, in words for an admin."""
        base = self.config.get("public_base_url") or ""
        if not base:
            return [
                _(
                    "Alamat publik (PUBLIC_BASE_URL) belum diatur; %(p)s mengambil media dari "
                    "alamat tersebut. Atur PUBLIC_BASE_URL ke alamat HTTPS yang dapat dijangkau "
                    "dari internet."
                )
                % {"p": self.label}
            ]
        parts = urlsplit(base)
        host = parts.hostname or ""
        private = host in ("localhost", "") or host.endswith(".local")
        try:
            address = ipaddress.ip_address(host)
            private = private or address.is_private or address.is_loopback
        except ValueError:
            pass
        problems = []
        if parts.scheme != "https":
            problems.append(
                _("PUBLIC_BASE_URL (%(u)s) harus memakai HTTPS agar %(p)s mau mengambil media.")
                % {"u": base, "p": self.label}
            )
        if private:
            problems.append(
                _(
                    "PUBLIC_BASE_URL (%(u)s) menunjuk ke alamat lokal yang tidak dapat dijangkau "
                    "%(p)s dari internet."
                )
                % {"u": base, "p": self.label}
            )
        if not problems:
            try:
                self.client.request("HEAD", base, timeout=self.timeout)
            except httpx.HTTPError:
                problems.append(
                    _("PUBLIC_BASE_URL (%(u)s) tidak dapat dihubungi. Periksa alamat dan server.")
                    % {"u": base}
                )
        return problems

    def report_failure(self, error: PlatformError) -> ConnectionReport:
        return ConnectionReport(
            ok=False, problems=(error.user_message,), error_class=error.error_class
        )


def http_date_or_seconds(value: str | None, now: datetime) -> datetime | None:
    """A reset time from an epoch-seconds header value."""
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    if number > 10**9:  # epoch seconds
        return datetime.fromtimestamp(number, UTC)
    return now + timedelta(seconds=number)


__all__ = [
    "CANNOT_TELL",
    "AccountRef",
    "CannotTell",
    "Checkpoint",
    "ConnectionReport",
    "Credentials",
    "ErrorClass",
    "OutgoingMedia",
    "OutgoingPost",
    "PlatformAdapter",
    "PlatformError",
    "PublishResult",
    "PublishState",
    "ReconcileOutcome",
]
