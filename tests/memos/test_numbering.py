"""Nota dinas numbers: format, yearly reset, uniqueness, no gaps, external numbers."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from simedsos.accounts.authz import Capacity
from simedsos.accounts.roles import Role
from simedsos.memos.models import Memo, MemoKind
from simedsos.memos.services import memo_issue
from tests.factories import make_acting, make_unit, make_user

pytestmark = pytest.mark.django_db


def _issue(unit, capacity, *, on=datetime.date(2026, 11, 25), kind=MemoKind.DISPOSITION, **kw):
    return memo_issue(
        actor=capacity.user,
        capacity=capacity,
        work_unit=unit,
        kind=kind,
        issued_on=on,
        recipient="Kepala Subbagian Hukum dan SDM",
        sender="Kepala Bagian TPHPHSDM",
        subject="Disposisi pembuatan konten",
        body="Mohon dibuat kontennya.",
        sifat="BIASA",
        carbon_copies=[],
        attachment_count=0,
        content_item=None,
        **kw,
    )


@pytest.fixture
def unit_and_capacity():
    unit = make_unit("62", name="KPU Provinsi Kalimantan Tengah")
    user = make_user(Role.KABAG, unit)
    user.nip = "198001012005011001"
    user.jabatan = "Kepala Bagian TPHPHSDM"
    user.save()
    return unit, Capacity(user=user, work_unit=unit, role=Role.KABAG)


def test_number_follows_the_unit_template(unit_and_capacity):
    unit, capacity = unit_and_capacity
    memo = _issue(unit, capacity)
    assert memo.number == "1/HK.04-ND/62/2026"
    assert (memo.sequence_number, memo.year) == (1, 2026)
    assert memo.signer_name == capacity.user.full_name
    assert memo.signer_position == "Kepala Bagian TPHPHSDM"
    assert memo.signer_nip == "198001012005011001"
    assert memo.signer_acting_kind == ""
    unit.memo_number_template = "{seq}/{class_code}-{type_code}/{unit_code}/{month_roman}/{year}"
    unit.save()
    assert _issue(unit, capacity).number == "2/HK.04-ND/62/XI/2026"


def test_both_memo_kinds_share_one_register(unit_and_capacity):
    unit, capacity = unit_and_capacity
    first = _issue(unit, capacity, kind=MemoKind.DISPOSITION)
    second = _issue(unit, capacity, kind=MemoKind.UPLOAD_ORDER)
    assert [first.sequence_number, second.sequence_number] == [1, 2]


def test_sequence_resets_each_year_and_is_per_unit(unit_and_capacity):
    unit, capacity = unit_and_capacity
    _issue(unit, capacity, on=datetime.date(2026, 12, 31))
    _issue(unit, capacity, on=datetime.date(2026, 12, 31))
    new_year = _issue(unit, capacity, on=datetime.date(2027, 1, 2))
    assert new_year.number == "1/HK.04-ND/62/2027"
    other = make_unit("63")
    other_cap = Capacity(user=make_user(Role.KABAG, other), work_unit=other, role=Role.KABAG)
    assert _issue(other, other_cap).number == "1/HK.04-ND/63/2026"


def test_acting_signer_is_marked(unit_and_capacity):
    unit, _ = unit_and_capacity
    staf = make_user(Role.STAF, unit)
    make_acting(staf, unit, Role.KABAG, datetime.date(2026, 1, 1), datetime.date(2027, 1, 1))
    capacity = Capacity(user=staf, work_unit=unit, role=Role.KABAG, acting_kind="PLT")
    memo = _issue(unit, capacity)
    assert memo.signer_acting_kind == "PLT"
    assert memo.signer_position == f"Kepala Bagian {unit.name}"


def test_external_number_checked_for_duplicates(unit_and_capacity):
    unit, capacity = unit_and_capacity
    memo = _issue(unit, capacity, external_number="77/HK.04-ND/62/2026")
    assert memo.external_number and memo.sequence_number is None
    with pytest.raises(ValidationError) as err:
        _issue(unit, capacity, external_number="77/HK.04-ND/62/2026")
    assert "sudah dipakai" in err.value.message_dict["external_number"][0]
    assert Memo.objects.count() == 1


def test_generated_number_skips_one_already_taken_by_hand(unit_and_capacity):
    unit, capacity = unit_and_capacity
    _issue(unit, capacity, external_number="1/HK.04-ND/62/2026")
    memo = _issue(unit, capacity)
    assert memo.number == "2/HK.04-ND/62/2026"
    assert len(set(Memo.objects.values_list("number", flat=True))) == 2


def test_missing_fields_and_broken_template_are_refused(unit_and_capacity):
    unit, capacity = unit_and_capacity
    with pytest.raises(ValidationError) as err:
        memo_issue(
            actor=capacity.user,
            capacity=capacity,
            work_unit=unit,
            kind=MemoKind.DISPOSITION,
            issued_on=datetime.date(2026, 1, 1),
            recipient="",
            sender="x",
            subject="",
            body="x",
            content_item=None,
        )
    assert "Hal nota dinas wajib diisi." in err.value.message_dict["subject"]
    unit.memo_number_template = "{seq}/{nomor_kode}/{year}"
    unit.save()
    with pytest.raises(ValidationError, match="tidak dapat dipakai"):
        _issue(unit, capacity)
    assert not Memo.objects.exists()


@pytest.mark.postgresql  # real concurrent transactions
@pytest.mark.django_db(transaction=True)
def test_concurrent_issuing_is_unique_and_gap_free():
    unit = make_unit("62")
    capacity = Capacity(user=make_user(Role.KABAG, unit), work_unit=unit, role=Role.KABAG)
    threads_n = 8
    barrier = threading.Barrier(threads_n)
    errors: list[BaseException] = []

    def work():
        try:
            barrier.wait()
            for _ in range(3):
                _issue(unit, capacity)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(threads_n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(Memo.objects.values_list("sequence_number", flat=True))
    assert numbers == list(range(1, threads_n * 3 + 1))


@pytest.mark.django_db(transaction=True)
def test_issuing_renders_the_pdfs_after_commit():
    """memo_issue hands rendering to the background task once the memo is committed."""
    from simedsos.content.services import item_dispose
    from tests.content.builders import make_world

    world = make_world()
    item = item_dispose(
        actor=world.kabag,
        work_unit=world.unit,
        title="Infografis UU Pemilu",
        instruction="Buat infografis.",
        content_type="INFOGRAFIS",
        priority="BIASA",
        deadline=None,
        target_accounts=world.accounts,
        assignee=world.staf,
    )
    memo = item.disposition.memo
    memo.refresh_from_db()
    assert memo.render_status == "DONE"
    assert memo.pdf and len(memo.pdf_sha256) == 64
