"""Writes of the publishing app: social accounts (connect, test, disconnect) and publication
jobs (schedule on the upload order, retry one account alone, a person's decision).

The job state machine itself is in `jobs.py`; this module is what people (and the content
workflow) call. Refusals raise ValidationError / AuthorizationError with Indonesian messages.
Credentials are never written to the audit log or the log.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

import httpx
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from simedsos.accounts.authz import Action, authorize
from simedsos.accounts.models import User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.core.audit import audit_record

from .credentials import decrypt_credentials, encrypt_credentials, key_problems
from .models import Publication, SocialAccount
from .platforms.base import AccountRef, ConnectionReport, Credentials
from .platforms.errors import ErrorClass, PlatformError
from .platforms.limits import is_account_platform
from .platforms.registry import adapter_for

logger = logging.getLogger(__name__)

SYSTEM_LABEL = "Sistem (otomatis)"
WARN_BEFORE = datetime.timedelta(days=7)
MANUAL_NOTICE = (
    "Akun {account} belum terhubung ke API platform, sehingga unggahan ini dilakukan secara "
    "manual: unggah kontennya di {platform}, lalu catat tautan dan bukti unggahannya."
)


# --- accounts --------------------------------------------------------------------------------


def account_ref(account: SocialAccount) -> AccountRef:
    return AccountRef(
        platform=account.platform,
        external_id=account.external_id,
        handle=account.handle,
        page_id=account.page_id,
        chat_id=account.chat_id,
        pds_url=account.pds_url,
    )


def account_credentials(account: SocialAccount) -> Credentials:
    return decrypt_credentials(account.credentials_encrypted)


def make_adapter(account: SocialAccount, credentials: Credentials, **kwargs: Any):
    return adapter_for(
        account.platform, account=account_ref(account), credentials=credentials, **kwargs
    )


def reconnect_deadline(adapter, credentials: Credentials) -> datetime.datetime | None:
    """When a person must connect the account again: the refresh token's end where the adapter
    refreshes by itself, else the access token's end (None: no known end)."""
    if credentials.refresh_token and adapter.can_refresh(credentials):
        return credentials.refresh_expires_at
    return credentials.expires_at


def expiry_warning(account: SocialAccount, now: datetime.datetime | None = None) -> str:
    """An Indonesian warning when the account's token ends within WARN_BEFORE (or has)."""
    if account.connection == SocialAccount.Connection.NEEDS_RECONNECT:
        return account.connection_message or (
            "Akun ini perlu dihubungkan ulang sebelum dapat dipakai mengunggah."
        )
    deadline = account.reconnect_by
    if account.connection != SocialAccount.Connection.CONNECTED or deadline is None:
        return ""
    now = now or timezone.now()
    when = timezone.localtime(deadline).strftime("%d-%m-%Y %H:%M")
    if deadline <= now:
        return f"Token akun ini sudah kedaluwarsa ({when}). Hubungkan ulang akun."
    if deadline - now <= WARN_BEFORE:
        days = max(1, (deadline - now).days)
        return (
            f"Token akun ini akan kedaluwarsa dalam {days} hari ({when}). Hubungkan ulang "
            "sebelum tanggal itu agar unggahan tidak gagal."
        )
    return ""


def _require_key() -> None:
    problems = key_problems()
    if problems:
        raise ValidationError(problems[0])


def account_create(
    *,
    actor: User,
    work_unit: WorkUnit,
    platform: str,
    name: str,
    handle: str,
    profile_url: str = "",
    external_id: str = "",
    page_id: str = "",
    chat_id: str = "",
    pds_url: str = "",
) -> SocialAccount:
    """An Admin adds an account of the unit (not connected yet: publishing is manual)."""
    capacity = authorize(actor, Action.SOCIAL_ACCOUNT_MANAGE, work_unit)
    if not is_account_platform(platform):
        raise ValidationError({"platform": "Pilih platform yang tersedia."})
    name, handle = (name or "").strip(), (handle or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Nama akun wajib diisi."
    if not handle:
        errors["handle"] = "Nama pengguna / id wajib diisi."
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if SocialAccount.objects.filter(
            work_unit=work_unit, platform=platform, handle=handle
        ).exists():
            raise ValidationError({"handle": "Akun dengan nama pengguna ini sudah terdaftar."})
        account = SocialAccount.objects.create(
            work_unit=work_unit,
            platform=platform,
            name=name,
            handle=handle,
            profile_url=profile_url,
            external_id=external_id.strip(),
            page_id=page_id.strip(),
            chat_id=chat_id.strip(),
            pds_url=pds_url.strip(),
        )
        audit_record(
            actor=actor,
            action="social_account.create",
            obj=account,
            capacity=capacity,
            after={"platform": platform, "name": name, "handle": handle},
        )
    return account


def account_connect(
    *,
    actor: User,
    account: SocialAccount,
    credentials: Credentials,
    via: str,
    ref_changes: dict[str, str] | None = None,
    http_client: httpx.Client | None = None,
) -> ConnectionReport:
    """Store new credentials for `account` (OAuth callback, bot token, app password) after
    testing them with the platform. Refused, with nothing stored, when no encryption key is
    configured or the platform rejects the credentials."""
    capacity = authorize(actor, Action.SOCIAL_ACCOUNT_MANAGE, account.work_unit)
    _require_key()
    for field, value in (ref_changes or {}).items():
        setattr(account, field, (value or "").strip())
    adapter = make_adapter(account, credentials, http_client=http_client)
    report = adapter.test_connection(account_ref(account), credentials)
    if not report.ok and report.error_class == ErrorClass.NEEDS_RECONNECT:
        raise ValidationError(
            "Platform menolak kredensial ini: " + " ".join(report.problems)
            if report.problems
            else "Platform menolak kredensial ini."
        )
    stored = adapter.credentials if adapter.credentials != credentials else credentials
    now = timezone.now()
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
        for field in ref_changes or {}:
            setattr(locked, field, getattr(account, field))
        locked.credentials_encrypted = encrypt_credentials(stored)
        locked.connection = SocialAccount.Connection.CONNECTED
        locked.reconnect_by = reconnect_deadline(adapter, stored)
        locked.connected_at = now
        locked.connected_by = actor
        locked.last_checked_at = now
        locked.last_check_ok = report.ok
        locked.connection_message = " ".join((*report.problems, *report.notes))
        locked.save()
        audit_record(
            actor=actor,
            action="social_account.connect",
            obj=locked,
            capacity=capacity,
            before={"connection": account.connection},
            after={
                "connection": locked.connection,
                "via": via,
                "reconnect_by": locked.reconnect_by,
                "test_ok": report.ok,
            },
        )
        _resume_waiting(locked)
    account.refresh_from_db()
    return report


def _resume_waiting(account: SocialAccount) -> None:
    """Publications that waited for this account to be reconnected go again."""
    waiting = list(
        Publication.objects.filter(
            account=account,
            method=Publication.Method.API,
            status=Publication.Status.NEEDS_RECONNECT,
        ).values_list("pk", flat=True)
    )
    now = timezone.now()
    Publication.objects.filter(pk__in=waiting).update(
        status=Publication.Status.SCHEDULED, next_attempt_at=now, error_class="", attempts=0
    )
    for pk in waiting:
        enqueue_publication(pk)


def account_test(
    *, actor: User, account: SocialAccount, http_client: httpx.Client | None = None
) -> ConnectionReport:
    """ "Test connection": ask the platform whether the stored credentials still post."""
    capacity = authorize(actor, Action.SOCIAL_ACCOUNT_MANAGE, account.work_unit)
    if not account.credentials_encrypted:
        # Accounts are always on a real platform (never MANUAL); without credentials they
        # publish by hand.
        report = ConnectionReport(
            ok=False,
            problems=(
                "Akun ini belum terhubung ke API platform; unggahan ke akun ini dilakukan "
                "secara manual. Pilih \u201cHubungkan\u201d untuk menyambungkannya.",
            ),
        )
    else:
        _require_key()
        credentials = account_credentials(account)
        adapter = make_adapter(account, credentials, http_client=http_client)
        report = adapter.test_connection(account_ref(account), credentials)
        if adapter.credentials != credentials:
            account_store_refreshed(account_id=account.pk, credentials=adapter.credentials)
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
        locked.last_checked_at = timezone.now()
        locked.last_check_ok = report.ok
        locked.connection_message = " ".join((*report.problems, *report.notes))
        if (
            not report.ok
            and report.error_class == ErrorClass.NEEDS_RECONNECT
            and locked.connection == SocialAccount.Connection.CONNECTED
        ):
            locked.connection = SocialAccount.Connection.NEEDS_RECONNECT
        locked.save()
        audit_record(
            actor=actor,
            action="social_account.test",
            obj=locked,
            capacity=capacity,
            after={"ok": report.ok, "problems": list(report.problems)},
        )
    account.refresh_from_db()
    return report


def account_disconnect(*, actor: User, account: SocialAccount) -> SocialAccount:
    """Forget the credentials. Publications to this account not yet under way fall back to
    manual publication, with a notice saying so."""
    capacity = authorize(actor, Action.SOCIAL_ACCOUNT_MANAGE, account.work_unit)
    with transaction.atomic():
        locked = SocialAccount.objects.select_for_update().get(pk=account.pk)
        before = locked.connection
        locked.credentials_encrypted = ""
        locked.connection = SocialAccount.Connection.NONE
        locked.reconnect_by = None
        locked.connection_message = ""
        locked.save()
        fallen_back = Publication.objects.filter(
            account=locked,
            method=Publication.Method.API,
            status__in=[
                Publication.Status.SCHEDULED,
                Publication.Status.RETRY_WAIT,
                Publication.Status.NEEDS_RECONNECT,
            ],
        ).update(
            method=Publication.Method.MANUAL,
            status=Publication.Status.PENDING,
            next_attempt_at=None,
            error_class="",
            error_message=manual_notice(locked),
        )
        audit_record(
            actor=actor,
            action="social_account.disconnect",
            obj=locked,
            capacity=capacity,
            before={"connection": before},
            after={"connection": locked.connection, "publications_to_manual": fallen_back},
        )
    account.refresh_from_db()
    return account


def manual_notice(account: SocialAccount) -> str:
    return MANUAL_NOTICE.format(account=account.name, platform=account.get_platform_display())


def account_store_refreshed(*, account_id: int, credentials: Credentials) -> None:
    """The system stores credentials an adapter refreshed (tokens rotate: the old ones die)."""
    platform = SocialAccount.objects.values_list("platform", flat=True).get(pk=account_id)
    adapter = adapter_for(platform)
    SocialAccount.objects.filter(pk=account_id).update(
        credentials_encrypted=encrypt_credentials(credentials),
        reconnect_by=reconnect_deadline(adapter, credentials),
    )


def account_mark_needs_reconnect(*, account_id: int, message: str) -> None:
    """The platform refused the account's token: tell the unit's Admins to reconnect it."""
    from simedsos.notifications.services import notify
    from simedsos.sop.engine import role_holders

    with transaction.atomic():
        account = SocialAccount.objects.select_for_update().get(pk=account_id)
        if account.connection != SocialAccount.Connection.NEEDS_RECONNECT:
            before = account.connection
            account.connection = SocialAccount.Connection.NEEDS_RECONNECT
            account.connection_message = message
            account.save(update_fields=["connection", "connection_message"])
            audit_record(
                actor=None,
                action="social_account.needs_reconnect",
                obj=account,
                capacity=SYSTEM_LABEL,
                work_unit=account.work_unit,
                before={"connection": before},
                after={"connection": account.connection, "message": message},
            )
        notify(
            recipients=role_holders(account.work_unit_id, Role.ADMIN),
            kind="social_account.needs_reconnect",
            message=f"Akun {account} perlu dihubungkan ulang: {message}",
            link=_accounts_link(),
            dedup_key=f"social_account:{account.pk}:reconnect:{account.connected_at}",
        )


def _accounts_link() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("publishing:account_list")
    except NoReverseMatch:
        return ""


# --- publications ----------------------------------------------------------------------------


def enqueue_publication(publication_id: int, run_after: datetime.datetime | None = None) -> None:
    """Hand the publication to the background worker once the current transaction commits."""
    from .tasks import enqueue_now

    transaction.on_commit(lambda: enqueue_now(publication_id, run_after))


def publications_schedule(*, publications: list[Publication]) -> list[Publication]:
    """Called by the upload order (content.services.upload_order_issue) inside its transaction
    with its new, unsaved publications (pending, manual, each with its account loaded): those
    to connected accounts become API jobs, one background task each (so the targets go out
    concurrently), at `scheduled_for` or at once; the others stay manual with a notice saying
    why. All are written in one INSERT; returns the jobs."""
    now = timezone.now()
    jobs = []
    for pub in publications:
        if pub.account.uses_api:
            pub.method = Publication.Method.API
            pub.status = Publication.Status.SCHEDULED
            pub.next_attempt_at = pub.scheduled_for or now
            pub.error_message = ""
            jobs.append(pub)
        else:
            pub.error_message = manual_notice(pub.account)
    Publication.objects.bulk_create(publications)
    for pub in jobs:
        enqueue_publication(pub.pk, pub.next_attempt_at if pub.next_attempt_at > now else None)
    return jobs


def _publication_for_person(actor: User, publication: Publication):
    pub = (
        Publication.objects.select_for_update()
        .select_related("account", "item")
        .get(pk=publication.pk)
    )
    capacity = authorize(actor, Action.PUBLICATION_ACT, pub.item.work_unit)
    return pub, capacity


def publication_retry(*, actor: User, publication: Publication) -> Publication:
    """Try one account again, alone (a failed one, one waiting for a retry or for its account
    to be reconnected). The other accounts of the item are not touched."""
    with transaction.atomic():
        pub, capacity = _publication_for_person(actor, publication)
        retryable = {
            Publication.Status.FAILED,
            Publication.Status.RETRY_WAIT,
            Publication.Status.NEEDS_RECONNECT,
        }
        if pub.method != Publication.Method.API or pub.status not in retryable:
            raise ValidationError(
                f"Unggahan ke {pub.account} berstatus \u201c{pub.get_status_display()}\u201d dan "
                "tidak dapat dicoba ulang."
            )
        if not pub.account.uses_api:
            raise ValidationError(
                f"Akun {pub.account} belum terhubung (atau perlu dihubungkan ulang). Minta Admin "
                "menghubungkan akun di halaman Akun Media Sosial, lalu coba lagi."
            )
        before = {"status": pub.status, "attempts": pub.attempts}
        if pub.checkpoint.get("reconcile_first") is None and pub.status == "FAILED":
            pub.checkpoint = {}  # a refused post is sent afresh
        pub.status = Publication.Status.SCHEDULED
        pub.attempts = 0
        pub.next_attempt_at = timezone.now()
        pub.error_class = ""
        pub.lease_until = None
        pub.leased_by = ""
        pub.save()
        audit_record(
            actor=actor,
            action="publication.retry",
            obj=pub,
            capacity=capacity,
            work_unit=pub.item.work_unit,
            before=before,
            after={"status": pub.status},
        )
        enqueue_publication(pub.pk)
    return pub


def publication_decide(
    *,
    actor: User,
    publication: Publication,
    live: bool,
    url: str = "",
    went_live_at: datetime.datetime | None = None,
) -> Publication:
    """A person settles a publication the platform could not tell about: "sudah tayang" with
    the post's URL, or "belum tayang, kirim ulang" (sent again by the worker)."""
    from simedsos.content.services import publication_jobs_settle
    from simedsos.publishing.permalinks import validate_post_url

    with transaction.atomic():
        pub, capacity = _publication_for_person(actor, publication)
        if pub.status != Publication.Status.NEEDS_PERSON:
            raise ValidationError(
                f"Unggahan ke {pub.account} tidak sedang menunggu keputusan petugas (status: "
                f"{pub.get_status_display()})."
            )
        now = timezone.now()
        before = {"status": pub.status}
        if live:
            try:
                clean_url = validate_post_url(pub.account.platform, url)
            except ValidationError as exc:
                raise ValidationError({"url": exc.messages[0]}) from exc
            if went_live_at is not None and timezone.is_naive(went_live_at):
                went_live_at = timezone.make_aware(went_live_at)
            if went_live_at is not None and went_live_at > now + datetime.timedelta(minutes=1):
                raise ValidationError({"went_live_at": "Waktu tayang tidak boleh di masa depan."})
            pub.status = Publication.Status.PUBLISHED
            pub.url = clean_url
            if went_live_at is None:
                started = pub.checkpoint.get("started_at")
                went_live_at = datetime.datetime.fromisoformat(started) if started else now
            pub.went_live_at = went_live_at
            pub.recorded_by = actor
            pub.recorded_at = now
            pub.error_class = ""
        else:
            pub.status = Publication.Status.SCHEDULED
            pub.attempts = 0
            pub.next_attempt_at = now
            pub.checkpoint = {}  # the person says it is not there: post afresh
            pub.error_class = ""
            pub.error_message = ""
        pub.save()
        audit_record(
            actor=actor,
            action="publication.decide",
            obj=pub,
            capacity=capacity,
            work_unit=pub.item.work_unit,
            before=before,
            after={"status": pub.status, "url": pub.url, "live": live},
        )
        if live:
            publication_jobs_settle(item_id=pub.item_id, responsible=actor)
        else:
            enqueue_publication(pub.pk)
    return pub


__all__ = [
    "PlatformError",
    "account_connect",
    "account_create",
    "account_disconnect",
    "account_test",
    "enqueue_publication",
    "expiry_warning",
    "publication_decide",
    "publication_retry",
    "publications_schedule",
]
