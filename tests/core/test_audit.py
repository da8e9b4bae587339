"""The audit log: append-only in the database, hash-chained, verifiable on both backends."""

import threading
from datetime import UTC, datetime

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, connections, transaction
from django.test.utils import CaptureQueriesContext

from simedsos.accounts.authz import Capacity
from simedsos.core.audit import (
    GENESIS_HASH,
    audit_check_chain,
    audit_record,
    audit_verify_chain,
    event_digest,
)
from simedsos.core.models import AuditEvent
from simedsos.core.request_context import client_address
from tests.core.audit_guard import append_only_guard_lifted
from tests.factories import Role, make_unit, make_user

pytestmark = pytest.mark.django_db


def record(n: int = 1, **kwargs) -> list[AuditEvent]:
    unit = kwargs.pop("obj", None) or make_unit()
    events = []
    for i in range(n):
        with transaction.atomic():
            events.append(
                audit_record(
                    actor=kwargs.get("actor"),
                    action=kwargs.get("action", "unit.update"),
                    obj=unit,
                    before=kwargs.get("before", {"name": f"lama {i}"}),
                    after=kwargs.get("after", {"name": f"baru {i}"}),
                )
            )
    return events


# --- append-only ---------------------------------------------------------------------------


def test_orm_update_of_an_event_is_refused_by_the_database():
    (event,) = record()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="diubah")
    event.refresh_from_db()
    assert event.action == "unit.update"


def test_saving_a_changed_event_is_refused_by_the_database():
    (event,) = record()
    event.after = {"name": "palsu"}
    with pytest.raises(DatabaseError), transaction.atomic():
        event.save()


def test_orm_delete_of_an_event_is_refused_by_the_database():
    events = record(2)
    with pytest.raises(DatabaseError), transaction.atomic():
        events[0].delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == 2


def test_refusal_message_says_why():
    (event,) = record()
    with pytest.raises(DatabaseError, match="hanya dapat ditambah"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(action="x")


@pytest.mark.django_db(transaction=True)
def test_reverse_migration_removes_the_guard_and_forward_restores_it():
    (event,) = record()
    call_command("migrate", "core", "0001", verbosity=0)
    try:
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="boleh tanpa pemicu")
    finally:
        call_command("migrate", "core", verbosity=0)
    with pytest.raises(DatabaseError):
        AuditEvent.objects.filter(pk=event.pk).update(object_repr="ditolak lagi")


# --- writing -------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused():
    unit = make_unit()
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x", obj=unit)


def test_record_chains_events_and_stores_who_what_where():
    unit = make_unit()
    user = make_user(Role.ADMIN, unit)
    capacity = Capacity(user=user, work_unit=unit, role=Role.ADMIN)
    token = client_address.set("192.0.2.7")
    try:
        with transaction.atomic():
            first = audit_record(
                actor=user, action="unit.update", obj=unit, capacity=capacity, after={"a": 1}
            )
            second = audit_record(actor=None, action="unit.sync", obj=unit)
    finally:
        client_address.reset(token)
    assert (first.sequence, second.sequence) == (1, 2)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.hash
    assert first.actor == user and first.actor_name == user.full_name
    assert first.capacity == capacity.label and first.work_unit == unit
    assert first.ip_address == "192.0.2.7"
    assert first.object_type == "accounts.WorkUnit" and first.object_id == str(unit.pk)
    assert second.actor_name == "sistem" and second.work_unit is None
    assert audit_verify_chain() == []


def test_later_events_of_one_transaction_chain_on_without_reading_the_head_again():
    unit = make_unit()
    with transaction.atomic():
        first = audit_record(actor=None, action="uji.1", obj=unit)
        with CaptureQueriesContext(connection) as captured:
            second = audit_record(actor=None, action="uji.2", obj=unit)
            with transaction.atomic():
                third = audit_record(actor=None, action="uji.3", obj=unit)
    inserts = [q["sql"] for q in captured.captured_queries if "core_auditevent" in q["sql"]]
    assert len(inserts) == 2 and all(sql.startswith("INSERT") for sql in inserts)
    assert [e.sequence for e in (first, second, third)] == [1, 2, 3]
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    assert audit_verify_chain() == []


def test_event_rolled_back_with_its_savepoint_is_not_chained_onto():
    unit = make_unit()
    with transaction.atomic():
        first = audit_record(actor=None, action="uji.1", obj=unit)
        with pytest.raises(ValueError), transaction.atomic():
            audit_record(actor=None, action="uji.batal", obj=unit)
            raise ValueError("batal")
        kept = audit_record(actor=None, action="uji.2", obj=unit)
    assert (kept.sequence, kept.prev_hash) == (2, first.hash)
    assert list(AuditEvent.objects.values_list("action", flat=True).order_by("sequence")) == [
        "uji.1",
        "uji.2",
    ]
    assert audit_verify_chain() == []


@pytest.mark.django_db(transaction=True)
def test_event_of_a_rolled_back_transaction_is_not_chained_onto():
    unit = make_unit()
    with transaction.atomic():
        first = audit_record(actor=None, action="uji.1", obj=unit)
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action="uji.batal", obj=unit)
        raise ValueError("batal")
    with transaction.atomic():
        kept = audit_record(actor=None, action="uji.2", obj=unit)
    assert (kept.sequence, kept.prev_hash) == (2, first.hash)
    assert audit_check_chain().events == 2 and audit_verify_chain() == []


def test_malformed_client_address_is_dropped_not_fatal():
    token = client_address.set("unix:/run/gunicorn.sock")
    try:
        (event,) = record()
    finally:
        client_address.reset(token)
    assert event.ip_address is None
    assert audit_verify_chain() == []


def test_unsaved_object_is_refused():
    from simedsos.accounts.models import WorkUnit

    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action="x", obj=WorkUnit(code="X", name="X"))


def test_values_jsonb_cannot_store_are_refused_before_writing():
    unit = make_unit()
    with pytest.raises(ValueError), transaction.atomic():
        audit_record(actor=None, action="x", obj=unit, after={"v": float("nan")})
    assert AuditEvent.objects.count() == 0


# --- digests survive the database round trip -----------------------------------------------


@pytest.mark.parametrize(
    "address",
    [
        "203.0.113.9",
        "2001:db8::1",
        "2001:0DB8:0000:0000:0000:0000:0000:0001",
        "::ffff:192.0.2.1",
        "fe80::1%eth0",
        "::1",
    ],
)
def test_digest_survives_round_trip_of_addresses(address):
    token = client_address.set(address)
    try:
        (event,) = record()
    finally:
        client_address.reset(token)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.ip_address is not None
    assert event_digest(stored) == stored.hash == event.hash


def test_digest_survives_round_trip_of_json_and_time():
    unit = make_unit()
    awkward = {
        "zeta": 1,
        "alpha": {"b": [3, 2, 1], "a": None, "c": "teks ünïcode — “kutip”"},
        "angka": [1.5, 2.0, 1e16, 0.1, 1e-7, -0.0, 12345678901234567890],
        "kosong": {},
        "benar": True,
        "waktu": datetime(2026, 1, 2, 3, 4, 5, 600000, tzinfo=UTC),
        "tanggal": datetime(2026, 1, 2).date(),
        "10": "kunci angka",
    }
    with transaction.atomic():
        event = audit_record(actor=None, action="x", obj=unit, before=awkward, after=[1, "dua"])
    stored = AuditEvent.objects.get(pk=event.pk)
    assert event_digest(stored) == stored.hash
    assert stored.occurred_at == event.occurred_at


def test_digest_is_independent_of_timezone_of_the_timestamp():
    (event,) = record()
    from zoneinfo import ZoneInfo

    stored = AuditEvent.objects.get(pk=event.pk)
    stored.occurred_at = stored.occurred_at.astimezone(ZoneInfo("Asia/Jakarta"))
    assert event_digest(stored) == stored.hash


# --- tampering is detected -----------------------------------------------------------------


def tamper(sql: str, params=()) -> None:
    with append_only_guard_lifted(), connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_intact_chain_reports_its_length():
    record(4)
    report = audit_check_chain()
    assert report.intact and report.events == 4
    assert report.head_hash == AuditEvent.objects.get(sequence=4).hash


def test_changed_field_is_reported_with_its_sequence():
    record(5)
    tamper("UPDATE core_auditevent SET actor_name = %s WHERE sequence = 3", ["Orang Lain"])
    breaks = audit_verify_chain()
    assert [(b.sequence, b.reason) for b in breaks] == [(3, "isi peristiwa telah diubah")]


def test_changed_json_is_reported():
    record(3)
    event = AuditEvent.objects.get(sequence=2)
    tamper(
        "UPDATE core_auditevent SET after = %s WHERE sequence = 2",
        ['{"name": "dipalsukan"}'],
    )
    assert AuditEvent.objects.get(sequence=2).after != event.after
    assert [b.sequence for b in audit_verify_chain()] == [2]


def test_changed_event_with_recomputed_hash_breaks_the_next_link():
    record(4)
    event = AuditEvent.objects.get(sequence=2)
    event.actor_name = "Orang Lain"
    forged = event_digest(event)
    tamper(
        "UPDATE core_auditevent SET actor_name = %s, hash = %s WHERE sequence = 2",
        ["Orang Lain", forged],
    )
    breaks = audit_verify_chain()
    assert [(b.sequence, b.reason) for b in breaks] == [
        (3, "tautan ke peristiwa sebelumnya tidak cocok")
    ]


def test_deleted_event_in_the_middle_is_reported():
    record(5)
    tamper("DELETE FROM core_auditevent WHERE sequence = 3")
    breaks = audit_verify_chain()
    assert {b.sequence for b in breaks} == {4}
    reasons = " ".join(b.reason for b in breaks)
    assert "#3" in reasons and "hilang" in reasons


def test_deleted_first_event_is_reported():
    record(3)
    tamper("DELETE FROM core_auditevent WHERE sequence = 1")
    breaks = audit_verify_chain()
    assert breaks and all(b.sequence == 2 for b in breaks)


def test_reordered_events_are_reported():
    record(5)
    tamper("UPDATE core_auditevent SET sequence = 1000 WHERE sequence = 2")
    tamper("UPDATE core_auditevent SET sequence = 2 WHERE sequence = 4")
    tamper("UPDATE core_auditevent SET sequence = 4 WHERE sequence = 1000")
    breaks = audit_verify_chain()
    assert {b.sequence for b in breaks} >= {2, 3, 4}
    assert any(b.reason == "isi peristiwa telah diubah" for b in breaks)


# --- concurrency ---------------------------------------------------------------------------


# SQLite serialises writers with BEGIN IMMEDIATE; this tests PostgreSQL's locking.
@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("per_transaction", [1, 2])
def test_concurrent_writers_on_an_empty_log_form_one_chain(per_transaction):
    unit = make_unit()
    threads_count, per_thread = 8, 15
    start = threading.Barrier(threads_count)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    # Several events of one transaction take the chain lock once.
                    for j in range(per_transaction):
                        audit_record(
                            actor=None, action=f"uji.{n}", obj=unit, after={"i": i, "j": j}
                        )
        except BaseException as exc:  # noqa: BLE001 - reported to the main thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(threads_count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = threads_count * per_thread * per_transaction
    assert list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)) == (
        list(range(1, total + 1))
    )
    report = audit_check_chain()
    assert report.intact and report.events == total
