"""The publication job: one item on one connected account, run by the background worker.

States (Publication.Status) and what moves them:

    SCHEDULED ──run──▶ IN_PROGRESS ──LIVE──────────────▶ PUBLISHED
    RETRY_WAIT ─run─▶      │        ──IN_FLIGHT────────▶ IN_FLIGHT ──check_status──▶ …
                           │        ──RETRYABLE─────────▶ RETRY_WAIT (backoff) │ FAILED (5 tries)
                           │        ──RATE_LIMITED──────▶ RETRY_WAIT (until the platform's reset)
                           │        ──NEEDS_RECONNECT───▶ NEEDS_RECONNECT (+ Admins told)
                           │        ──PERMANENT─────────▶ FAILED
                           │        ──AMBIGUOUS─▶ reconcile: found ▶ PUBLISHED; certainly not ▶
                           │                     RETRY_WAIT; cannot tell ▶ NEEDS_PERSON (+ staff)
                           └─ worker killed: the lease runs out; the next run finds IN_PROGRESS
                              and reconciles from the saved checkpoint before anything else.

Never twice: every id an adapter obtains is saved (`on_checkpoint`) before its next call, and
a run that finds a publication IN_PROGRESS (its worker died) or marked `reconcile_first` looks
the post up with `adapter.reconcile` before it may publish again. A lease (`lease_until`,
`leased_by`) keeps a second worker off a publication that is being run.

Retries and backoff live here, in the Publication row, not in the task queue: base 2 s, cap
5 min, full jitter, at most 5 attempts; a rate limit waits for the platform's reset and does
not use up an attempt.
"""

from __future__ import annotations

import datetime
import logging
import os
import random
import socket
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from simedsos.core.audit import audit_record

from .credentials import CredentialKeyError, CredentialsUnreadable
from .models import Publication, SocialAccount
from .outgoing import build_outgoing
from .platforms.base import CANNOT_TELL, Credentials, PublishResult, PublishState, text_hash
from .platforms.errors import ErrorClass, PlatformError, default_message
from .services import (
    SYSTEM_LABEL,
    account_credentials,
    account_mark_needs_reconnect,
    account_store_refreshed,
    enqueue_publication,
    make_adapter,
    manual_notice,
)

logger = logging.getLogger(__name__)

S = Publication.Status
BACKOFF_BASE = 2.0
BACKOFF_CAP = 300.0
MAX_ATTEMPTS = 5
MAX_STATUS_POLLS = 80  # about 20 minutes of "processing" before a person is asked
RUNNABLE = {S.SCHEDULED, S.RETRY_WAIT, S.IN_PROGRESS, S.IN_FLIGHT}
SECRET_FIELDS = ("access_token", "refresh_token")
SECRET_EXTRA = ("app_password", "client_secret", "access_secret", "token_secret", "bot_token")


@dataclass
class JobEnv:
    """What a run uses from outside: tests hand in fake HTTP clients, a clock and a random."""

    http_client_for: Callable[[str], httpx.Client | None] = lambda platform: None
    clock: Callable[[], datetime.datetime] = timezone.now
    random: Callable[[], float] = random.random
    worker_id: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    )
    adapter_kwargs: Mapping[str, Any] = field(default_factory=dict)


def status_poll() -> datetime.timedelta:
    """How long to wait before asking again about a post the platform is still processing."""
    return datetime.timedelta(
        seconds=float(getattr(settings, "PUBLISHING_STATUS_POLL_SECONDS", 15))
    )


def lease_length() -> datetime.timedelta:
    return datetime.timedelta(seconds=int(getattr(settings, "PUBLISHING_LEASE_SECONDS", 300)))


def backoff(attempts: int, rnd: float) -> datetime.timedelta:
    """Full jitter: a random wait between 0 and min(cap, base·2^(attempt-1))."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** max(0, attempts - 1)))
    return datetime.timedelta(seconds=max(0.5, rnd * ceiling))


def scrub(value: Any, credentials: Credentials) -> Any:
    """`value` with every secret of `credentials` replaced, for the database and the log."""
    secrets_ = [credentials.get(name) for name in SECRET_FIELDS]
    secrets_ += [credentials.get(name) for name in SECRET_EXTRA]
    secrets_ = [s for s in secrets_ if isinstance(s, str) and len(s) >= 6]
    if not secrets_:
        return value

    def clean(item):
        if isinstance(item, str):
            for secret in secrets_:
                item = item.replace(secret, "***")
            return item
        if isinstance(item, dict):
            return {k: clean(v) for k, v in item.items()}
        if isinstance(item, list | tuple):
            return [clean(v) for v in item]
        return item

    return clean(value)


def _jsonable(value: Any) -> Any:
    import json

    from django.core.serializers.json import DjangoJSONEncoder

    try:
        return json.loads(json.dumps(value, cls=DjangoJSONEncoder, default=str))
    except (TypeError, ValueError):
        return str(value)


# --- one run ---------------------------------------------------------------------------------


@dataclass
class Claim:
    pub: Publication
    mode: str  # "publish", "recover" (reconcile first), "status" (check an IN_FLIGHT post)


def _claim(publication_id: int, env: JobEnv) -> Claim | None:
    now = env.clock()
    with transaction.atomic():
        pub = (
            Publication.objects.select_for_update(of=("self",))
            .select_related("account", "item")
            .filter(pk=publication_id)
            .first()
        )
        if pub is None or pub.method != Publication.Method.API or pub.status not in RUNNABLE:
            return None
        if pub.lease_until and pub.lease_until > now and pub.leased_by != env.worker_id:
            return None  # another worker is on it
        stale = pub.status == S.IN_PROGRESS  # its worker died mid-run
        if not stale and pub.next_attempt_at and pub.next_attempt_at > now:
            return None  # not due yet; the task for that time (or the sweep) will run it
        if stale or pub.checkpoint.get("reconcile_first"):
            mode = "recover"
        elif pub.status == S.IN_FLIGHT:
            mode = "status"
        else:
            mode = "publish"
            pub.attempts += 1
        pub.status = S.IN_PROGRESS if mode != "status" else S.IN_FLIGHT
        pub.lease_until = now + lease_length()
        pub.leased_by = env.worker_id
        pub.save(update_fields=["status", "attempts", "lease_until", "leased_by"])
    return Claim(pub=pub, mode=mode)


def run_publication(publication_id: int, *, env: JobEnv | None = None) -> str:
    """Run the job once if it is due and free; returns the status it ended in ("skipped" when
    there was nothing to do)."""
    env = env or JobEnv()
    claim = _claim(publication_id, env)
    if claim is None:
        return "skipped"
    pub = claim.pub
    account = pub.account
    if not account.uses_api:
        return _finish(pub, env, fallback_manual=True)
    try:
        credentials = account_credentials(account)
    except (CredentialKeyError, CredentialsUnreadable) as exc:
        return _finish(pub, env, reconnect=exc.messages[0])

    outgoing = build_outgoing(pub.item, account.platform)
    post = outgoing.post
    adapter = make_adapter(
        account,
        credentials,
        http_client=env.http_client_for(account.platform),
        **dict(env.adapter_kwargs),
    )
    lease = lease_length()

    def save_checkpoint(data: dict) -> None:
        # Saved at once, outside any transaction, so a worker killed on the next call
        # leaves the id behind for the one that comes after it.
        Publication.objects.filter(pk=pub.pk, leased_by=env.worker_id).update(
            checkpoint=scrub(_jsonable(data), credentials), lease_until=env.clock() + lease
        )

    if pub.attempts == 1 or not pub.text_sent:
        Publication.objects.filter(pk=pub.pk).update(
            text_sent=post.text, media_sent=outgoing.media_sent
        )
    checkpoint = {k: v for k, v in (pub.checkpoint or {}).items() if k != "reconcile_first"}
    if claim.mode == "publish" and not checkpoint:
        # Saved before the first call: a worker killed inside it leaves a checkpoint behind,
        # so the next run reconciles (by time and text) instead of posting blindly again.
        checkpoint = {
            "platform": str(account.platform),
            "idempotency_key": pub.idempotency_key,
            "started_at": env.clock().isoformat(),
            "text_sha256": text_hash(post.text),
        }
        save_checkpoint(checkpoint)
    outcome: dict[str, Any] = {}

    def publish(resume_from):
        return adapter.publish(
            post,
            idempotency_key=pub.idempotency_key,
            on_checkpoint=save_checkpoint,
            resume_from=resume_from or None,
        )

    try:
        try:
            if claim.mode == "status":
                outcome["result"] = adapter.check_status(checkpoint)
            elif claim.mode == "recover" and checkpoint:
                try:
                    found = adapter.reconcile(checkpoint, post, pub.idempotency_key)
                except PlatformError as lookup_error:
                    found = lookup_error
                if isinstance(found, PlatformError):
                    outcome["reconcile_failed"] = found
                elif found is CANNOT_TELL:
                    outcome["person"] = True
                elif found is None:
                    pub.attempts += 1
                    Publication.objects.filter(pk=pub.pk).update(attempts=pub.attempts)
                    outcome["result"] = publish(checkpoint)
                else:
                    outcome["result"] = found
            else:
                outcome["result"] = publish(checkpoint)
        except PlatformError as error:
            if error.error_class != ErrorClass.AMBIGUOUS:
                raise
            # The post may exist: look it up before anything is sent again.
            checkpoint = error.checkpoint
            save_checkpoint(checkpoint)
            try:
                found = adapter.reconcile(checkpoint, post, pub.idempotency_key)
            except PlatformError as lookup_error:
                outcome["error"] = error
                outcome["reconcile_failed"] = lookup_error
            else:
                if found is CANNOT_TELL:
                    outcome["person"] = True
                    outcome["error"] = error
                elif found is None:
                    outcome["error"] = error  # certainly not posted: retry with backoff
                else:
                    outcome["result"] = found
    except PlatformError as error:
        outcome["error"] = error
    except Exception as exc:  # a bug or an unexpected answer: treat the outcome as unknown
        logger.exception("publication %s: unexpected failure", pub.pk)
        outcome["unexpected"] = exc
    finally:
        if adapter.credentials != credentials:
            account_store_refreshed(account_id=account.pk, credentials=adapter.credentials)
    return _finish(pub, env, credentials=credentials, adapter=adapter, **outcome)


def _finish(
    pub: Publication,
    env: JobEnv,
    *,
    credentials: Credentials | None = None,
    adapter=None,
    result: PublishResult | None = None,
    error: PlatformError | None = None,
    person: bool = False,
    reconcile_failed: PlatformError | None = None,
    unexpected: Exception | None = None,
    fallback_manual: bool = False,
    reconnect: str = "",
) -> str:
    from simedsos.content.services import publication_jobs_settle

    credentials = credentials or Credentials()
    now = env.clock()
    after_commit: list[Callable[[], None]] = []
    with transaction.atomic():
        locked = (
            Publication.objects.select_for_update(of=("self",))
            .select_related("account", "item", "item__work_unit")
            .get(pk=pub.pk)
        )
        if locked.leased_by != env.worker_id:
            logger.warning("publication %s: lease lost; another worker took over", pub.pk)
            return "lease_lost"
        before = {"status": pub.status, "attempts": locked.attempts}
        p = locked
        p.lease_until = None
        p.leased_by = ""
        label = p.account.get_platform_display()
        audit_action = ""
        if result is not None and adapter is not None:
            p.checkpoint = scrub(_jsonable(dict(result.checkpoint)), credentials)
            p.raw_response = scrub(_jsonable(result.raw_response), credentials)
            if result.account_changes:
                _apply_account_changes(p.account, result.account_changes)
            if result.state == PublishState.LIVE:
                p.status = S.PUBLISHED
                p.external_id = result.external_id
                p.url = (
                    result.permalink
                    or (adapter.permalink(result.external_id) if result.external_id else "")
                    or p.account.profile_url
                    or f"https://{label.lower().split()[0]}.com/"
                )
                p.went_live_at = result.went_live_at or now
                p.recorded_at = now
                p.error_class = p.error_message = p.error_detail = ""
                p.next_attempt_at = None
                audit_action = "publication.api_published"
            else:
                polls = int(p.checkpoint.get("status_polls", 0)) + 1
                p.checkpoint = {**p.checkpoint, "status_polls": polls}
                if polls > MAX_STATUS_POLLS:
                    p.status = S.NEEDS_PERSON
                    p.error_class = ErrorClass.NEEDS_PERSON
                    p.error_message = (
                        f"{label} masih memproses unggahan ini setelah lama ditunggu. Periksa "
                        "akun di platform: bila sudah tayang, catat tautannya; bila belum, "
                        "pilih kirim ulang."
                    )
                    audit_action = "publication.needs_person"
                    after_commit.append(lambda: _notify_staff(p))
                else:
                    p.status = S.IN_FLIGHT
                    p.next_attempt_at = now + status_poll()
                    after_commit.append(lambda: enqueue_publication(p.pk, p.next_attempt_at))
        elif fallback_manual:
            p.method = Publication.Method.MANUAL
            p.status = S.PENDING
            p.next_attempt_at = None
            p.error_message = manual_notice(p.account)
        elif reconnect:
            p.status = S.NEEDS_RECONNECT
            p.error_class = ErrorClass.NEEDS_RECONNECT
            p.error_message = reconnect
            audit_action = "publication.needs_reconnect"
            after_commit.append(
                lambda: account_mark_needs_reconnect(account_id=p.account_id, message=reconnect)
            )
        elif person:
            p.status = S.NEEDS_PERSON
            p.error_class = ErrorClass.NEEDS_PERSON
            p.error_message = (
                f"Belum dapat dipastikan apakah unggahan ke {p.account} sudah tayang, dan "
                f"{label} tidak menyediakan cara memeriksanya. Buka akun tersebut: bila "
                "unggahan sudah ada, pilih \u201cSudah tayang\u201d dan isi tautannya; bila "
                "belum, pilih \u201cBelum tayang, kirim ulang\u201d."
            )
            if error is not None:
                p.checkpoint = scrub(_jsonable(error.checkpoint), credentials)
                p.error_detail = scrub(error.detail, credentials)[:2000]
            audit_action = "publication.needs_person"
            after_commit.append(lambda: _notify_staff(p))
        elif unexpected is not None or reconcile_failed is not None:
            # Unknown whether anything was posted: the next run must reconcile first.
            p.checkpoint = {**(p.checkpoint or {}), "reconcile_first": True}
            if error is not None:
                p.checkpoint = {
                    **scrub(_jsonable(error.checkpoint), credentials),
                    "reconcile_first": True,
                }

            detail = reconcile_failed.detail if reconcile_failed else repr(unexpected)
            p.error_detail = scrub(str(detail), credentials)[:2000]
            p.error_class = ErrorClass.AMBIGUOUS
            p.error_message = default_message(ErrorClass.AMBIGUOUS, label)
            _retry_or_fail(p, env, now, after_commit)
            audit_action = "publication.failed" if p.status == S.FAILED else ""
        elif error is not None:
            p.checkpoint = scrub(_jsonable(error.checkpoint), credentials)
            p.error_class = error.error_class
            p.error_message = error.user_message
            p.error_detail = scrub(error.detail or "", credentials)[:2000]
            if error.raw_response is not None:
                p.raw_response = scrub(_jsonable(error.raw_response), credentials)
            kind = error.error_class
            if kind == ErrorClass.RATE_LIMITED:
                p.attempts = max(0, p.attempts - 1)  # waiting for a reset is not a failure
                p.status = S.RETRY_WAIT
                p.next_attempt_at = error.retry_at or now + backoff(p.attempts + 1, env.random())
                after_commit.append(lambda: enqueue_publication(p.pk, p.next_attempt_at))
            elif kind == ErrorClass.NEEDS_RECONNECT:
                p.status = S.NEEDS_RECONNECT
                audit_action = "publication.needs_reconnect"
                message = error.user_message
                after_commit.append(
                    lambda: account_mark_needs_reconnect(account_id=p.account_id, message=message)
                )
            elif kind == ErrorClass.NEEDS_PERSON:
                p.status = S.NEEDS_PERSON
                audit_action = "publication.needs_person"
                after_commit.append(lambda: _notify_staff(p))
            elif kind in (ErrorClass.RETRYABLE, ErrorClass.AMBIGUOUS):
                # AMBIGUOUS here: reconcile said "certainly not posted".
                _retry_or_fail(p, env, now, after_commit)
                audit_action = "publication.failed" if p.status == S.FAILED else ""
            else:
                p.status = S.FAILED
                p.next_attempt_at = None
                audit_action = "publication.failed"
            logger.info("publication %s: %s %s %s", p.pk, kind, error.code, p.error_detail[:200])
        p.save()
        if audit_action:
            audit_record(
                actor=None,
                action=audit_action,
                obj=p,
                capacity=SYSTEM_LABEL,
                work_unit=p.item.work_unit,
                before=before,
                after={
                    "status": p.status,
                    "attempts": p.attempts,
                    "external_id": p.external_id,
                    "url": p.url,
                    "error_class": p.error_class,
                    "error_message": p.error_message,
                },
            )
        if p.status == S.FAILED and audit_action:
            after_commit.append(lambda: _notify_staff(p))
        if p.status in (S.PUBLISHED, S.FAILED, S.NOT_PUBLISHED):
            publication_jobs_settle(item_id=p.item_id, responsible=_responsible(p))
        for callback in after_commit:
            transaction.on_commit(callback)
    return p.status


def _retry_or_fail(p: Publication, env: JobEnv, now, after_commit: list) -> None:
    if p.attempts >= MAX_ATTEMPTS:
        p.status = S.FAILED
        p.next_attempt_at = None
        p.error_message = (
            f"Unggahan ke {p.account} gagal {p.attempts} kali berturut-turut. "
            f"{p.error_message} Periksa keadaan platform, lalu pilih \u201cCoba lagi\u201d."
        )
        return
    p.status = S.RETRY_WAIT
    p.next_attempt_at = now + backoff(p.attempts, env.random())
    after_commit.append(lambda: enqueue_publication(p.pk, p.next_attempt_at))


def _apply_account_changes(account: SocialAccount, changes: Mapping[str, Any]) -> None:
    fields = [name for name in ("chat_id", "external_id", "page_id", "pds_url") if name in changes]
    for name in fields:
        setattr(account, name, str(changes[name]))
    if fields:
        account.save(update_fields=fields)


def _responsible(p: Publication):
    """The officer the upload order is for: the step-6 assignee (the item's staff)."""
    from simedsos.accounts.models import User

    return User.objects.filter(pk=p.item.assignee_id).first()


def _notify_staff(p: Publication) -> None:
    from simedsos.notifications.services import notify
    from simedsos.sop.engine import item_link

    notify(
        recipients=[u for u in [_responsible(p)] if u is not None],
        kind=f"publication.{p.status.lower()}",
        message=f'Unggahan "{p.item.title}" ke {p.account}: {p.error_message}',
        link=item_link(p.item_id),
        dedup_key=f"publication:{p.pk}:{p.status}:{p.attempts}",
    )


# --- the due sweep ---------------------------------------------------------------------------


def publications_due_sweep(now: datetime.datetime | None = None, *, grace=None) -> int:
    """Re-enqueue every API publication that should be running and may have no task: due
    ones (`next_attempt_at` passed by more than `grace`) and ones whose worker's lease ran
    out (killed mid-run). Safe to run often and from several processes: a surplus task finds
    the job leased or done and does nothing. The worker loop calls this periodically; the
    command `simedsos simedsos_publish_due` runs it once. Returns how many were enqueued."""
    from .tasks import enqueue_now

    now = now or timezone.now()
    grace = datetime.timedelta(seconds=30) if grace is None else grace
    free = Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    due = Publication.objects.filter(method=Publication.Method.API).filter(
        (
            Q(status__in=[S.SCHEDULED, S.RETRY_WAIT, S.IN_FLIGHT])
            & Q(next_attempt_at__lte=now - grace)
            & free
        )
        | Q(status=S.IN_PROGRESS, lease_until__lt=now)
        | Q(status=S.IN_PROGRESS, lease_until__isnull=True)
    )
    ids = list(due.values_list("pk", flat=True)[:1000])
    for pk in ids:
        enqueue_now(pk)
    return len(ids)
