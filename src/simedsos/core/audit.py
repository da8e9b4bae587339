"""Writing and verifying the hash-chained audit log.

Every event stores the SHA-256 of its own content plus the previous event's hash, so changing,
removing or reordering any stored event breaks the chain from that point on. The digest is
computed from a canonical form that reads back identically from SQLite and PostgreSQL (UTC
timestamps with microseconds, sorted JSON keys, integral numbers as integers, normalised IP
addresses), so an untouched event always verifies.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.ipv6 import clean_ipv6_address
from django.utils.translation import gettext as _

from simedsos.core.models import AuditEvent
from simedsos.core.request_context import client_address

GENESIS_HASH = "0" * 64

# What an action code means to a reader of the log, in Indonesian. Apps add their own codes at
# import time (e.g. in AppConfig.ready): AUDIT_ACTION_LABELS["draft.submit"] = "menyerahkan
# konsep konten". Codes without a label are shown as they are.
AUDIT_ACTION_LABELS: dict[str, str] = {}

# Key of the PostgreSQL advisory lock that makes audit writers take turns: any fixed signed
# 64-bit number no other part of the system uses; here the bytes of "SIMEDSOS".
AUDIT_LOCK_KEY = int.from_bytes(b"SIMEDSOS", "big")


def _canonical(value: Any) -> Any:
    """JSON-safe form of a value, identical before and after a database round trip.

    NaN and infinity are refused: PostgreSQL's jsonb cannot store them.
    """
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True, allow_nan=False))


def _digest_form(value: Any) -> Any:
    """Numbers as PostgreSQL's jsonb gives them back: 1e16 and 2.0 return as integers."""
    if isinstance(value, dict):
        return {str(k): _digest_form(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_digest_form(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _timestamp(moment: datetime) -> str:
    """UTC with microseconds always present: the same text whichever backend stored it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def normalise_ip(address: str | None) -> str | None:
    """The address as the database gives it back, or None when it is not an IP address.

    A malformed REMOTE_ADDR must never make a service fail, so it is dropped, not stored.
    """
    if not address:
        return None
    text = str(address).strip().split("%", 1)[0]  # zone ids ("fe80::1%eth0") are not stored
    try:
        parsed = ipaddress.ip_address(text)
    except ValueError:
        return None
    if parsed.version == 6:
        return clean_ipv6_address(str(parsed))
    return str(parsed)


def event_digest(event: AuditEvent) -> str:
    payload = {
        "sequence": int(event.sequence),
        "occurred_at": _timestamp(event.occurred_at),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "capacity": event.capacity,
        "work_unit_id": event.work_unit_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": _digest_form(event.before),
        "after": _digest_form(event.after),
        "ip_address": normalise_ip(event.ip_address),
        "prev_hash": event.prev_hash,
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


def _take_chain_lock() -> None:
    """Make concurrent writers take turns, even while the log is still empty.

    PostgreSQL: a transaction-scoped advisory lock, released at commit or rollback (locking
    the last row would lock nothing when there is no row yet). SQLite: write transactions are
    already serialised, because settings open them with BEGIN IMMEDIATE.
    """
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_LOCK_KEY])


class _ChainHead:
    """The last event this transaction appended, kept as a do-nothing commit hook.

    Django drops a commit hook together with the work it belongs to (a savepoint rolled back
    takes the hooks registered inside it, a rolled-back transaction all of them) and forgets
    it at commit. So while one is listed, its event is still the head of the chain and this
    transaction still holds the chain lock: the next event of the same transaction chains onto
    it without reading the head again.
    """

    __slots__ = ("hash", "sequence")

    def __init__(self, sequence: int, hash_: str) -> None:
        self.sequence = sequence
        self.hash = hash_

    def __call__(self) -> None:
        pass


def _head_written_here(connection) -> _ChainHead | None:
    for _savepoints, hook, _robust in reversed(connection.run_on_commit):
        if isinstance(hook, _ChainHead):
            return hook
    return None


def recorded_label(capacity: Any) -> str:
    """A capacity's label as records keep it: in the default language (Indonesian), whatever
    language the acting person reads the pages in, so stored records do not mix languages."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(getattr(capacity, "label", capacity or ""))


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    capacity: Any = None,
    work_unit: Any = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction so both commit together.

    `capacity` is an `accounts.authz.Capacity` (its label and work unit are recorded) or a
    plain label; `work_unit` overrides the capacity's unit. Call it as the last write of a
    service: the chain lock is held until the transaction ends.
    """
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    if obj.pk is None:
        raise ValueError("audit_record needs a saved object (obj.pk is None)")
    # Canonicalise before taking the lock: a value that cannot be stored fails early.
    before = _canonical(before) if before is not None else None
    after = _canonical(after) if after is not None else None
    head = _head_written_here(connection)
    if head is not None:
        last = {"sequence": head.sequence, "hash": head.hash}
    else:
        _take_chain_lock()
        last = AuditEvent.objects.order_by("-sequence").values("sequence", "hash").first()
    event = AuditEvent(
        sequence=(last["sequence"] + 1) if last else 1,
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(str(actor) if actor is not None else "sistem")[:200],
        capacity=recorded_label(capacity)[:300],
        work_unit=work_unit if work_unit is not None else getattr(capacity, "work_unit", None),
        action=action[:100],
        object_type=obj._meta.label[:100],
        object_id=str(obj.pk)[:64],
        object_repr=str(obj)[:300],
        before=before,
        after=after,
        ip_address=normalise_ip(client_address.get()),
        prev_hash=last["hash"] if last else GENESIS_HASH,
    )
    event.hash = event_digest(event)
    event.save(force_insert=True)
    transaction.on_commit(_ChainHead(event.sequence, event.hash))
    return event


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str

    def __str__(self) -> str:
        return _("peristiwa #%(sequence)s: %(reason)s") % {
            "sequence": self.sequence,
            "reason": self.reason,
        }


@dataclass
class ChainReport:
    """What a walk of the chain found: how many events, the last hash, every break."""

    events: int = 0
    head_hash: str = GENESIS_HASH
    breaks: list[ChainBreak] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return not self.breaks


def audit_check_chain(batch_size: int = 2000) -> ChainReport:
    """Walk the whole chain in order; report its length, its head and every break."""
    report = ChainReport()
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    events = AuditEvent.objects.order_by("sequence")
    for event in events.iterator(chunk_size=batch_size):
        report.events += 1
        if event.sequence != expected_sequence:
            first, last = expected_sequence, event.sequence - 1
            if last < first:
                reason = _("urutan mundur atau ganda (diharapkan #%(expected_sequence)s)") % {
                    "expected_sequence": expected_sequence
                }
            elif first == last:
                reason = _("peristiwa #%(first)s sebelumnya hilang") % {"first": first}
            else:
                reason = _("peristiwa #%(first)s–#%(last)s sebelumnya hilang") % {
                    "first": first,
                    "last": last,
                }
            report.breaks.append(ChainBreak(event.sequence, reason))
        if event.prev_hash != expected_prev:
            report.breaks.append(
                ChainBreak(event.sequence, _("tautan ke peristiwa sebelumnya tidak cocok"))
            )
        if event_digest(event) != event.hash:
            report.breaks.append(ChainBreak(event.sequence, _("isi peristiwa telah diubah")))
        # Continue from what is stored, so one tampered event is reported once, not as a
        # cascade over every later event.
        expected_prev = event.hash
        expected_sequence = event.sequence + 1
    report.head_hash = expected_prev
    return report


def audit_verify_chain(batch_size: int = 2000) -> list[ChainBreak]:
    """Every place where the chain does not hold; an empty list means it is intact."""
    return audit_check_chain(batch_size).breaks
