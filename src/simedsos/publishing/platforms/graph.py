"""What Facebook Pages, Instagram and Threads share: the Meta Graph error object and its codes,
the Business-Use-Case rate headers, and the container → publish flow of Instagram and Threads
(shared/reference/platform-apis.md §1, §2, §6 and "Error classes and retries")."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import httpx
from django.utils.translation import gettext as _

from .base import (
    Checkpoint,
    ConnectionReport,
    OutgoingMedia,
    OutgoingPost,
    PlatformAdapter,
    PublishResult,
    PublishState,
    ReconcileOutcome,
    text_hash,
)
from .errors import ErrorClass, PlatformError

RATE_CODES = {4, 17, 32, 613, 341, 80001}
AUTH_CODES = {190, 102}
TRANSIENT_CODES = {1, 2}
DUPLICATE_CODE = 506


def regain_access_at(headers: httpx.Headers, now: datetime) -> datetime | None:
    """The latest `estimated_time_to_regain_access` (minutes) in the BUC usage header."""
    raw = headers.get("x-business-use-case-usage")
    if not raw:
        return None
    try:
        usage = json.loads(raw)
    except ValueError:
        return None
    minutes = 0
    for entries in usage.values() if isinstance(usage, dict) else []:
        for entry in entries if isinstance(entries, list) else []:
            try:
                minutes = max(minutes, int(entry.get("estimated_time_to_regain_access") or 0))
            except (TypeError, ValueError):
                continue
    return now + timedelta(minutes=minutes) if minutes else None


def graph_error(
    adapter: PlatformAdapter,
    response: httpx.Response,
    *,
    commits: bool,
    subcodes: Mapping[int, ErrorClass] | None = None,
) -> PlatformError:
    """Classify a Graph error object by `code`/`error_subcode` (never by its text)."""
    try:
        body = response.json()
    except ValueError:
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or "code" not in error:
        return adapter.generic_error(response, commits=commits)
    code = int(error.get("code") or 0)
    subcode = int(error.get("error_subcode") or 0)
    detail = str(error.get("message") or "")
    common = {
        "detail": detail,
        "code": f"{code}/{subcode}" if subcode else str(code),
        "http_status": response.status_code,
        "raw_response": body,
    }
    label = adapter.label
    if subcodes and subcode in subcodes:
        error_class = subcodes[subcode]
        message = ""
        if error_class == ErrorClass.PERMANENT:
            message = _(
                "%(p)s menolak media atau isi unggahan ini (kode %(c)s). Periksa ukuran, "
                "format dan rasio media, lalu unggah ulang."
            ) % {"p": label, "c": common["code"]}
        elif error_class == ErrorClass.RATE_LIMITED:
            message = _(
                "Batas jumlah unggahan harian %(p)s tercapai. Sistem mencoba lagi setelah "
                "kuota pulih; tidak perlu tindakan."
            ) % {"p": label}
        return adapter.error(error_class, message, **common)
    if code in AUTH_CODES:
        failure = adapter.error(ErrorClass.NEEDS_RECONNECT, **common)
        failure.refreshable = True
        return failure
    if code == 10 or 200 <= code <= 299:
        return adapter.error(
            ErrorClass.NEEDS_RECONNECT,
            _(
                "Akun %(p)s tidak memberi izin yang dibutuhkan untuk mengunggah (kode %(c)s). "
                "Hubungkan ulang akun dan setujui semua izin yang diminta."
            )
            % {"p": label, "c": code},
            **common,
        )
    if code in RATE_CODES:
        return adapter.error(
            ErrorClass.RATE_LIMITED,
            retry_at=regain_access_at(response.headers, adapter.clock()),
            **common,
        )
    if code in TRANSIENT_CODES or error.get("is_transient") is True:
        return adapter.error(ErrorClass.RETRYABLE, **common)
    if code == DUPLICATE_CODE:
        return adapter.error(
            ErrorClass.PERMANENT,
            _(
                "%(p)s menolak karena isinya sama dengan unggahan sebelumnya di akun ini. Ubah "
                "isi unggahan bila memang ingin mengunggah lagi."
            )
            % {"p": label},
            **common,
        )
    if code == 368:
        return adapter.error(
            ErrorClass.PERMANENT,
            _(
                "%(p)s untuk sementara memblokir unggahan dari akun ini karena kebijakan platform "
                "(kode 368). Periksa pemberitahuan di akun, lalu hubungi admin."
            )
            % {"p": label},
            **common,
        )
    if response.status_code >= 500:
        return adapter.generic_error(response, commits=commits, **common)
    return adapter.error(
        ErrorClass.PERMANENT,
        _(
            "%(p)s menolak permintaan ini (kode %(c)s). Periksa isi, media dan pengaturan akun, "
            "lalu unggah ulang."
        )
        % {"p": label, "c": common["code"]},
        **common,
    )


def parse_graph_time(value: str | None) -> datetime | None:
    """Graph times look like 2019-08-12T03:45:11+0000."""
    if not value:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S%z")
    except ValueError:
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return None


def same_text(a: str | None, b: str) -> bool:
    return text_hash(a or "") == text_hash(b)


class GraphContainerAdapter(PlatformAdapter):
    """Instagram and Threads: create a container per media item (side-effect free), wait until
    it is FINISHED, publish it (the one risky call), then read the permalink."""

    fetches_media_by_url = True
    container_edge = "media"
    publish_edge = "media_publish"
    limit_edge = "content_publishing_limit"
    status_fields = "status_code,status"
    list_fields = "id,caption,timestamp,permalink"
    text_field = "caption"
    detail_fields = "permalink,timestamp"
    subcodes: Mapping[int, ErrorClass] = {}

    def graph_url(self, path: str) -> str:
        return f"{self.config['base_url'].rstrip('/')}/{self.config['version']}/{path.lstrip('/')}"

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.access_token}"}

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        return graph_error(self, response, commits=commits, subcodes=self.subcodes)

    @property
    def user_id(self) -> str:
        return self.account.external_id

    def container_state(self, body: Mapping[str, Any]) -> str:
        return str(body.get("status_code") or body.get("status") or "")

    # --- steps ---------------------------------------------------------------------------------

    def create_container(self, params: dict[str, Any]) -> str:
        response = self.request(
            "POST",
            self.graph_url(f"{self.user_id}/{self.container_edge}"),
            data=params,
            headers=self.auth(),
        )
        return str(self.json(response)["id"])

    def container_status(self, container_id: str) -> dict[str, Any]:
        response = self.request(
            "GET",
            self.graph_url(container_id),
            params={"fields": self.status_fields},
            headers=self.auth(),
        )
        return self.json(response)

    def wait_finished(self, container_id: str, *, attempts=None) -> str:
        """FINISHED, IN_PROGRESS or PUBLISHED after polling; raises on ERROR/EXPIRED."""
        body = self.poll(
            lambda: self.container_status(container_id),
            lambda b: self.container_state(b) != "IN_PROGRESS",
            attempts=attempts,
        )
        state = self.container_state(body)
        if state in ("ERROR", "EXPIRED"):
            raise self.container_failure(container_id, state, body)
        return state

    def container_failure(self, container_id: str, state: str, body) -> PlatformError:
        detail = str(body.get("error_message") or body.get("status") or state)
        if state == "EXPIRED":
            # Nothing was posted; a fresh container is created on retry.
            return self.error(
                ErrorClass.RETRYABLE, detail=detail, code="container_expired", raw_response=body
            )
        retryable = any(code in detail for code in ("2207001", "2207003", "2207032", "2207053"))
        if retryable:
            return self.error(
                ErrorClass.RETRYABLE, detail=detail, code="container_error", raw_response=body
            )
        return self.error(
            ErrorClass.PERMANENT,
            _(
                "%(p)s gagal memproses media (%(d)s). Periksa format, ukuran dan durasi media, "
                "lalu unggah ulang."
            )
            % {"p": self.label, "d": detail},
            detail=detail,
            code="container_error",
            raw_response=body,
        )

    def check_quota(self) -> None:
        """Refuse before publishing when the rolling 24-hour publishing quota is used up."""
        response = self.request(
            "GET",
            self.graph_url(f"{self.user_id}/{self.limit_edge}"),
            params={"fields": "quota_usage,config"},
            headers=self.auth(),
        )
        data = (self.json(response).get("data") or [{}])[0]
        usage = int(data.get("quota_usage") or 0)
        config = data.get("config") or {}
        total = config.get("quota_total")
        if total is not None and usage >= int(total):
            duration = int(config.get("quota_duration") or 86400)
            raise self.error(
                ErrorClass.RATE_LIMITED,
                _(
                    "Kuota unggahan %(p)s (%(n)s per 24 jam) sudah habis. Sistem mencoba lagi "
                    "setelah kuota pulih; tidak perlu tindakan."
                )
                % {"p": self.label, "n": total},
                code="quota",
                retry_at=self.clock() + timedelta(seconds=duration),
                raw_response=data,
            )

    def publish_container(self, container_id: str) -> str:
        response = self.request(
            "POST",
            self.graph_url(f"{self.user_id}/{self.publish_edge}"),
            params={"creation_id": container_id},
            headers=self.auth(),
            commits=True,
        )
        return str(self.json(response)["id"])

    def media_details(self, media_id: str) -> dict[str, Any]:
        try:
            response = self.request(
                "GET",
                self.graph_url(media_id),
                params={"fields": self.detail_fields},
                headers=self.auth(),
            )
            return self.json(response)
        except PlatformError:
            return {}  # the post is live; the link falls back to a derived one

    def live_result(self, media_id: str, checkpoint: Checkpoint, raw=None) -> PublishResult:
        checkpoint.set(media_id=media_id, stage="published")
        details = self.media_details(media_id)
        return PublishResult(
            state=PublishState.LIVE,
            external_id=media_id,
            permalink=details.get("permalink") or self.permalink(media_id, **details),
            went_live_at=parse_graph_time(details.get("timestamp")) or self.clock(),
            checkpoint=dict(checkpoint.data),
            raw_response=raw,
        )

    # --- the flow -----------------------------------------------------------------------------

    def item_params(self, media: OutgoingMedia, *, carousel_item: bool) -> dict[str, Any]:
        raise NotImplementedError

    def single_params(self, post: OutgoingPost) -> dict[str, Any]:
        raise NotImplementedError

    def carousel_params(self, post: OutgoingPost, children: list[str]) -> dict[str, Any]:
        raise NotImplementedError

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        # Fail early (before creating containers) when media has no public URL.
        for media in post.media:
            self.public_url(media)
        checkpoint.set(text=post.text)
        container_id = checkpoint.get("container_id")
        if container_id:
            # Resuming: a container that is still usable saves re-uploading.
            try:
                state = self.container_state(self.container_status(container_id))
            except PlatformError:
                state = ""
            if state == "PUBLISHED":
                found = self._find_published(checkpoint, post)
                if found is not None:
                    return found
            if state not in ("FINISHED", "IN_PROGRESS"):
                container_id = None
        if not container_id:
            if len(post.media) > 1:
                children = []
                for media in post.media:
                    child = self.create_container(self.item_params(media, carousel_item=True))
                    children.append(child)
                    checkpoint.set(children=children)
                for child in children:
                    if self.wait_finished(child, attempts=self._child_attempts()) != "FINISHED":
                        # A child still processing: the parent cannot be made yet.
                        checkpoint.set(stage="children")
                        return self._in_flight(checkpoint)
                container_id = self.create_container(self.carousel_params(post, children))
            else:
                container_id = self.create_container(self.single_params(post))
            checkpoint.set(container_id=container_id, stage="container", text=post.text)
        return self._finish(container_id, checkpoint)

    def _child_attempts(self):
        return None

    def _in_flight(self, checkpoint: Checkpoint) -> PublishResult:
        return PublishResult(state=PublishState.IN_FLIGHT, checkpoint=dict(checkpoint.data))

    def _finish(self, container_id: str, checkpoint: Checkpoint) -> PublishResult:
        state = self.wait_finished(container_id)
        if state == "IN_PROGRESS":
            return self._in_flight(checkpoint)
        if state == "PUBLISHED":  # published by an earlier attempt whose answer was lost
            found = self._find_published(checkpoint, None)
            if found is not None:
                return found
        self.check_quota()
        checkpoint.set(stage="publishing")
        media_id = self.publish_container(container_id)
        return self.live_result(media_id, checkpoint)

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        if checkpoint.get("media_id"):
            return self.live_result(checkpoint["media_id"], checkpoint)
        if checkpoint.get("stage") == "children" and not checkpoint.get("container_id"):
            children = checkpoint.get("children") or []
            for child in children:
                if self.wait_finished(child, attempts=1) != "FINISHED":
                    return self._in_flight(checkpoint)
            params = self.carousel_params(
                OutgoingPost(text=checkpoint.get("text", "")), list(children)
            )
            container_id = self.create_container(params)
            checkpoint.set(container_id=container_id, stage="container")
        return self._finish(checkpoint["container_id"], checkpoint)

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        if checkpoint.get("media_id"):
            return self.live_result(checkpoint["media_id"], checkpoint)
        container_id = checkpoint.get("container_id")
        if not container_id:
            return None  # only containers were made, and they post nothing by themselves
        state = self.container_state(self.container_status(container_id))
        if state != "PUBLISHED":
            return None
        return self._find_published(checkpoint, post)

    def _find_published(self, checkpoint: Checkpoint, post: OutgoingPost | None):
        """The container says PUBLISHED: find the media among the newest posts by its text."""
        text = post.text if post is not None else checkpoint.get("text", "")
        response = self.request(
            "GET",
            self.graph_url(f"{self.user_id}/{self.list_path()}"),
            params={"fields": self.list_fields, "limit": 5},
            headers=self.auth(),
        )
        for item in self.json(response).get("data") or []:
            if same_text(item.get(self.text_field), text):
                checkpoint.set(media_id=str(item["id"]), stage="published")
                return PublishResult(
                    state=PublishState.LIVE,
                    external_id=str(item["id"]),
                    permalink=item.get("permalink") or self.permalink(str(item["id"])),
                    went_live_at=parse_graph_time(item.get("timestamp")),
                    checkpoint=dict(checkpoint.data),
                    raw_response=item,
                )
        # Published for certain, but not found among the newest: live without a known id.
        return PublishResult(
            state=PublishState.LIVE, checkpoint=dict(checkpoint.data), raw_response=None
        )

    def list_path(self) -> str:
        return self.container_edge

    def graph_test_connection(self, account, credentials, fields: str) -> ConnectionReport:
        saved = (self.account, self.credentials)
        self.account, self.credentials = account, credentials
        try:
            response = self.request(
                "GET",
                self.graph_url(account.external_id),
                params={"fields": fields},
                headers=self.auth(),
            )
            body = self.json(response)
            self.check_quota()
        except PlatformError as error:
            return self.report_failure(error)
        finally:
            self.account, self.credentials = saved
        problems = tuple(self.public_base_url_problems())
        return ConnectionReport(
            ok=not problems,
            account_name=str(body.get("name") or body.get("username") or ""),
            account_handle=str(body.get("username") or ""),
            problems=problems,
        )
