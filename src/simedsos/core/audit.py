"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from simedsos.core.models import AuditEvent
from simedsos.core.request_context import client_address

GENESIS_HASH = "0" * 64


def _canonical(value: Any) -> Any:
    """JSON-safe form of a value, identical before and after a database round trip."""
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder, sort_keys=True))


def event_digest(event: AuditEvent) -> str:
    payload = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "capacity": event.capacity,
        "work_unit_id": event.work_unit_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "before": event.before,
        "after": event.after,
        "ip_address": event.ip_address,
        "prev_hash": event.prev_hash,
    }
    data = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


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

    The chain needs one writer at a time: the last event's row is locked (PostgreSQL), and
    SQLite write transactions are already serialised by BEGIN IMMEDIATE.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    last = (
        AuditEvent.objects.select_for_update()
        .order_by("-sequence")
        .only("sequence", "hash")
        .first()
    )
    event = AuditEvent(
        sequence=(last.sequence + 1) if last else 1,
        occurred_at=timezone.now(),
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=str(actor) if actor is not None else "sistem",
        capacity=getattr(capacity, "label", capacity or ""),
        work_unit=work_unit if work_unit is not None else getattr(capacity, "work_unit", None),
        action=action,
        object_type=obj._meta.label,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_canonical(before) if before is not None else None,
        after=_canonical(after) if after is not None else None,
        ip_address=client_address.get(),
        prev_hash=last.hash if last else GENESIS_HASH,
    )
    event.hash = event_digest(event)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class ChainBreak:
    sequence: int
    reason: str


def audit_verify_chain(batch_size: int = 2000) -> list[ChainBreak]:
    """Walk the whole chain in order; return every place where it does not hold."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS_HASH
    expected_sequence = 1
    for event in AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size):
        if event.sequence != expected_sequence:
            breaks.append(
                ChainBreak(
                    event.sequence,
                    f"peristiwa #{expected_sequence}–#{event.sequence - 1} hilang",
                )
            )
        if event.prev_hash != expected_prev:
            breaks.append(ChainBreak(event.sequence, "tautan ke peristiwa sebelumnya putus"))
        if event_digest(event) != event.hash:
            breaks.append(ChainBreak(event.sequence, "isi peristiwa telah diubah"))
        expected_prev = event.hash
        expected_sequence = event.sequence + 1
    return breaks
