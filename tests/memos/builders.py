"""Memo rows built through the real models (no issuing service: numbering lives elsewhere)."""

from __future__ import annotations

import datetime
import itertools

from simedsos.accounts.models import WorkUnit
from simedsos.content.models import ContentItem
from simedsos.memos.models import Memo, MemoKind, Sifat
from simedsos.sop.models import Sop, SopVersion
from tests.factories import Role, make_unit, make_user

_numbers = itertools.count(1)


def make_content_item(unit: WorkUnit, *, title: str = "Infografis PKPU 2/2024") -> ContentItem:
    sop = Sop.objects.create(code=f"sop-{next(_numbers)}", work_unit=unit, title="Medsos JDIH")
    version = SopVersion.objects.create(
        sop=sop, number="1176/2022", title="Pengelolaan Media Sosial JDIH"
    )
    staff = make_user(Role.STAF, unit)
    return ContentItem.objects.create(
        work_unit=unit,
        sop_version=version,
        title=title,
        instruction="Buat infografis ringkas tentang PKPU terbaru dan unggah ke semua akun.",
        content_type="INFOGRAFIS",
        assignee=staff,
        created_by=staff,
    )


def make_memo(
    *,
    unit: WorkUnit | None = None,
    kind: str = MemoKind.DISPOSITION,
    issued_by=None,
    content_item: ContentItem | None = None,
    **fields,
) -> Memo:
    unit = unit or make_unit()
    if not unit.secretariat_name:
        unit.secretariat_name = "Sekretariat KPU Provinsi Kalimantan Tengah"
        unit.address = "Jalan Imam Bonjol Nomor 3, Palangka Raya 73112"
        unit.phone = "(0536) 3221212"
        unit.save()
    seq = next(_numbers)
    values = {
        "number": f"{seq}/HK.04-ND/62/2026",
        "sequence_number": seq,
        "year": 2026,
        "issued_on": datetime.date(2026, 11, 25),
        "recipient": "Kepala Subbagian Hukum dan SDM",
        "sender": "Kepala Bagian Teknis Penyelenggaraan Pemilu, Partisipasi dan Hubungan "
        "Masyarakat, Hukum dan SDM",
        "carbon_copies": ["Sekretaris KPU Provinsi Kalimantan Tengah"],
        "sifat": Sifat.SEGERA,
        "attachment_count": 1,
        "subject": "Pembuatan Konten Media Sosial JDIH",
        "body": "Sehubungan dengan terbitnya peraturan baru, bersama ini kami minta Saudara "
        "menyiapkan konten media sosial JDIH.\n\nDemikian disampaikan untuk dilaksanakan.",
        "signer_name": "Budi Santoso, S.H.",
        "signer_position": "Kepala Bagian Teknis Penyelenggaraan Pemilu",
        "signer_nip": "198001012005011001",
        "signer_acting_kind": "",
        "place": "Palangka Raya",
    }
    values.update(fields)
    return Memo.objects.create(
        work_unit=unit,
        kind=kind,
        issued_by=issued_by or make_user(Role.KABAG, unit),
        content_item=content_item,
        **values,
    )
