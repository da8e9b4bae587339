"""Re-encrypting every stored social-account credential under the primary (first) key of
FIELD_ENCRYPTION_KEY: the middle step of a key rotation (`simedsos rotate_credentials`, see
docs/operations.md "Rotating the credential key").

All or nothing: the accounts are locked and rewritten in one transaction, and when any stored
credential opens with none of the configured keys nothing is rewritten at all, so an operator
who forgot to keep the old key in the list loses nothing by running it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from simedsos.core.audit import audit_record

from .credentials import (
    CredentialKeyError,
    CredentialsUnreadable,
    key_fingerprint,
    key_problems,
    rotate_token,
    under_primary_key,
)
from .models import SocialAccount

# The capacity the audit log records for the command (run by an operator on the server).
ROTATION_CAPACITY = "Perintah server (rotate_credentials)"


class RotationRefused(ValidationError):
    """Some stored credentials open with no configured key; nothing was changed."""


@dataclass(frozen=True)
class RotationReport:
    rotated: int  # re-encrypted under the primary key (on a dry run: would be)
    current: int  # already under the primary key
    empty: int  # accounts without stored credentials
    dry_run: bool
    key_id: str  # key_fingerprint() of the primary key


def credentials_rotate(*, dry_run: bool = False) -> RotationReport:
    """Re-encrypt every account's credentials under the primary key, with one audit event per
    account rewritten. `dry_run` counts and checks without writing."""
    problems = key_problems()
    if problems:
        raise CredentialKeyError(problems[0])
    key_id = key_fingerprint()
    with transaction.atomic():
        accounts = list(
            SocialAccount.objects.select_for_update(of=("self",))
            .select_related("work_unit")
            .order_by("pk")
        )
        stale: list[tuple[SocialAccount, str]] = []
        unreadable: list[SocialAccount] = []
        current = empty = 0
        for account in accounts:
            token = account.credentials_encrypted
            if not token:
                empty += 1
            elif under_primary_key(token):
                current += 1
            else:
                try:
                    stale.append((account, rotate_token(token)))
                except CredentialsUnreadable:
                    unreadable.append(account)
        if unreadable:
            raise RotationRefused(_refusal(unreadable))
        if not dry_run and stale:
            for account, token in stale:
                account.credentials_encrypted = token
            SocialAccount.objects.bulk_update([a for a, _t in stale], ["credentials_encrypted"])
            for account, _t in stale:
                audit_record(
                    actor=None,
                    action="social_account.credentials_rotate",
                    obj=account,
                    capacity=ROTATION_CAPACITY,
                    work_unit=account.work_unit,
                    after={"key": key_id},
                )
    return RotationReport(
        rotated=len(stale), current=current, empty=empty, dry_run=dry_run, key_id=key_id
    )


def _refusal(accounts: list[SocialAccount]) -> str:
    names = "; ".join(f"{a.work_unit.name}: {a} (id {a.pk})" for a in accounts[:20])
    return _(
        "Tidak ada yang diubah: kredensial %(n)s akun tidak dapat dibuka dengan kunci mana pun di "
        "FIELD_ENCRYPTION_KEY (%(accounts)s). Tambahkan kunci lama ke FIELD_ENCRYPTION_KEY di "
        "belakang kunci baru (dipisah koma), lalu jalankan lagi; bila kunci lama sudah hilang, "
        "putuskan akun-akun itu dan hubungkan ulang."
    ) % {"n": len(accounts), "accounts": names}
