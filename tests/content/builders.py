"""Test data for the content workflow: an SOP like the seed, a unit with people and accounts.

Built directly with the ORM so these tests do not depend on the seed loader.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from simedsos.accounts.models import User, WorkUnit
from simedsos.accounts.roles import Role
from simedsos.publishing.models import SocialAccount
from simedsos.publishing.platforms.limits import Platform
from simedsos.sop.models import Sop, SopStep, SopVersion
from tests.factories import make_unit, make_user

Act = SopStep.SystemAction

# (number, activity, role, kind, action, minutes, return_to)
SEED_STEPS = [
    (1, "Disposisi/petunjuk membuat konten", Role.KABAG, "TASK", Act.DISPOSE, 1, None),
    (2, "Menghimpun bahan dan membuat konsep konten", Role.STAF, "TASK", Act.DRAFT, 60, None),
    (3, "Menyerahkan konsep konten", Role.STAF, "TASK", Act.SUBMIT, 1, None),
    (4, "Perbaikan/koreksi/persetujuan konsep", Role.KASUBBAG, "DECISION", Act.REVIEW, 5, 2),
    (5, "Perintah Pengunggahan", Role.KABAG, "TASK", Act.ORDER_UPLOAD, 1, None),
    (6, "Pengunggahan konten media sosial", Role.STAF, "TASK", Act.PUBLISH, 1, None),
]

ACTOR_COLUMNS = [
    {"role": Role.KABAG, "title": "Kepala Bagian TPHPHSDM"},
    {"role": Role.KASUBBAG, "title": "Kepala Subbagian Hukum dan SDM"},
    {"role": Role.STAF, "title": "Staf"},
]


def make_sop_version(
    unit: WorkUnit,
    *,
    revision: int = 0,
    minutes: dict[int, int] | None = None,
    steps: list[tuple] | None = None,
    sop: Sop | None = None,
) -> SopVersion:
    """A published SOP version with the seed's six steps (times overridable by number)."""
    sop = sop or Sop.objects.create(
        code="pengelolaan-media-sosial-jdih",
        work_unit=unit,
        title="Pengelolaan Media Sosial JDIH",
    )
    # Steps can only be written while the version is a draft (database triggers), so build
    # the draft first and publish it last, as the real services do.
    version = SopVersion.objects.create(
        sop=sop,
        revision=revision,
        status=SopVersion.Status.DRAFT,
        number="1176/HK.04-SOP/62/2022",
        title="Pengelolaan Media Sosial JDIH",
        actor_columns=ACTOR_COLUMNS,
    )
    for number, activity, role, kind, action, mins, back in steps or SEED_STEPS:
        SopStep.objects.create(
            version=version,
            number=number,
            activity=activity,
            actor_role=role,
            kind=kind,
            action=action,
            time_standard_minutes=(minutes or {}).get(number, mins),
            return_to_number=back,
        )
    now = timezone.now()
    SopVersion.objects.filter(sop=sop, status=SopVersion.Status.PUBLISHED).update(
        status=SopVersion.Status.RETIRED, retired_at=now
    )
    SopVersion.objects.filter(pk=version.pk).update(
        status=SopVersion.Status.PUBLISHED, published_at=now
    )
    version.refresh_from_db()
    return version


@dataclass
class World:
    unit: WorkUnit
    version: SopVersion
    kabag: User
    kasubbag: User
    staf: User
    staf2: User
    admin: User
    pemantau: User
    accounts: list[SocialAccount]
    other_unit: WorkUnit
    other: dict[str, User] = field(default_factory=dict)

    def by_role(self, role: str, *, own_unit: bool = True) -> User:
        if not own_unit:
            return self.other[role]
        return {
            Role.KABAG: self.kabag,
            Role.KASUBBAG: self.kasubbag,
            Role.STAF: self.staf,
            Role.ADMIN: self.admin,
            Role.PEMANTAU: self.pemantau,
        }[role]


def make_world() -> World:
    unit = make_unit("62", name="KPU Provinsi Kalimantan Tengah")
    version = make_sop_version(unit)
    kabag = make_user(Role.KABAG, unit, username="kabag")
    kasubbag = make_user(Role.KASUBBAG, unit, username="kasubbag")
    staf = make_user(Role.STAF, unit, username="staf")
    staf2 = make_user(Role.STAF, unit, username="staf2")
    admin = make_user(Role.ADMIN, unit, username="admin")
    pemantau = make_user(Role.PEMANTAU, unit, username="pemantau")
    accounts = [
        SocialAccount.objects.create(
            work_unit=unit, platform=Platform.INSTAGRAM, name="JDIH Kalteng", handle="jdih"
        ),
        SocialAccount.objects.create(
            work_unit=unit, platform=Platform.FACEBOOK, name="JDIH Kalteng", handle="jdihfb"
        ),
    ]
    other_unit = make_unit("63", name="KPU Provinsi Kalimantan Selatan")
    make_sop_version(other_unit)
    other = {role: make_user(role, other_unit) for role in Role}
    return World(
        unit=unit,
        version=version,
        kabag=kabag,
        kasubbag=kasubbag,
        staf=staf,
        staf2=staf2,
        admin=admin,
        pemantau=pemantau,
        accounts=accounts,
        other_unit=other_unit,
        other=other,
    )


def upload(name: str = "bahan.pdf", content: bytes = b"%PDF-1.4 bahan") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def dispose(world: World, **overrides: Any):
    from simedsos.content.services import item_dispose

    kwargs: dict[str, Any] = {
        "actor": world.kabag,
        "work_unit": world.unit,
        "title": "Infografis UU Pemilu",
        "instruction": "Buat infografis tentang pasal-pasal penting.",
        "content_type": "INFOGRAFIS",
        "priority": "SEGERA",
        "deadline": timezone.now() + datetime.timedelta(days=2),
        "target_accounts": world.accounts,
        "assignee": world.staf,
        "legal_products": [
            {"title": "UU Nomor 7 Tahun 2017", "number": "7/2017", "url": "https://jdih.kpu.go.id/"}
        ],
        "attachments": [upload()],
        "opened_at": None,
        "memo_fields": None,
    }
    kwargs.update(overrides)
    return item_dispose(**kwargs)


def image_upload(
    name: str = "infografis.jpg", size: tuple[int, int] = (1080, 1080)
) -> SimpleUploadedFile:
    """A real JPEG (media are checked by content): square fits every platform's ratio."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (122, 14, 14)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def add_image(world: World, item, alt_text: str = "Infografis pasal UU Pemilu", **kwargs):
    from simedsos.content.media_services import media_add, media_update

    media = media_add(actor=world.staf, item=item, upload=image_upload(**kwargs))
    if alt_text:
        media = media_update(actor=world.staf, media=media, alt_text=alt_text)
    return media


def write_draft(world: World, item, caption: str = "Kenali UU Pemilu #JDIH"):
    from simedsos.content.services import draft_save

    # Instagram (a target of the world) refuses a post without media: add one image.
    if not item.media.filter(removed=False).exists():
        add_image(world, item)
    draft = item.draft
    draft.refresh_from_db()
    return draft_save(
        actor=world.staf,
        item=item,
        caption=caption,
        variants={"INSTAGRAM": "Versi Instagram"},
        hashtags=["#JDIH", "KPU"],
        links=["https://jdih.kpu.go.id/uu-7-2017"],
        base_version=draft.version,
    )


def to_review(world: World, **overrides: Any):
    """An item disposed, drafted and submitted: waiting at step 4."""
    from simedsos.content.services import draft_submit

    item = dispose(world, **overrides)
    write_draft(world, item)
    draft_submit(actor=world.staf, item=item)
    item.refresh_from_db()
    return item


def to_publish(world: World, **overrides: Any):
    """An item approved and ordered: waiting at step 6 with two pending publications."""
    from simedsos.content.services import review_approve, upload_order_issue

    item = to_review(world, **overrides)
    review_approve(actor=world.kasubbag, item=item)
    upload_order_issue(actor=world.kabag, item=item)
    item.refresh_from_db()
    return item
