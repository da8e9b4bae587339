"""Finished items with everything a package holds: two revisions (one returned, with a review
comment), a medium, both memos, two publications (one with evidence)."""

from __future__ import annotations

import hashlib
import io
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from simedsos.accounts.models import User, WorkUnit
from simedsos.archive.models import ArchiveEntry, ArchiveEntryPerson, DocumentationPackage
from simedsos.archive.search import index_all
from simedsos.archive.services import package_schedule
from simedsos.content.models import ContentItem, DraftMedia
from simedsos.content.services import (
    draft_submit,
    publication_mark_not_published,
    publication_record,
    review_approve,
    review_comment_add,
    review_return,
    upload_order_issue,
)
from tests.content.builders import World, dispose, write_draft

URLS = {
    "INSTAGRAM": "https://www.instagram.com/p/ABC{n}/",
    "FACEBOOK": "https://www.facebook.com/jdih/posts/{n}",
}


def png_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), color).save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg_bytes(color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), color).save(buffer, format="JPEG")
    return buffer.getvalue()


def add_medium(world: World, item, *, color: str = "red") -> DraftMedia:
    # JPEG: the preflight at submission refuses PNG for Instagram, a target of the world.
    data = jpeg_bytes(color)
    return DraftMedia.objects.create(
        item=item,
        file=ContentFile(data, name=f"infografis-{color}.jpg"),
        original_name=f"Infografis {color}.jpg",
        kind=DraftMedia.Kind.IMAGE,
        mime_type="image/jpeg",
        size_bytes=len(data),
        width=1080,
        height=1080,
        sha256=hashlib.sha256(data).hexdigest(),
        alt_text="Infografis pasal penting UU Pemilu",
        uploaded_by=world.staf,
    )


def finish(
    world: World,
    *,
    caption: str = "Kenali UU Pemilu #JDIH",
    returned: bool = True,
    not_published: bool = False,
    evidence: bool = True,
    schedule: bool = True,
    **overrides: Any,
):
    """An item driven through all six steps and finished; its package scheduled (call it
    inside django_capture_on_commit_callbacks(execute=True) to build it)."""
    item = dispose(world, **overrides)
    add_medium(world, item)
    write_draft(world, item, caption=caption)
    revision = draft_submit(actor=world.staf, item=item)
    if returned:
        review_comment_add(
            actor=world.kasubbag, revision=revision, field="caption", text="Perjelas pasalnya."
        )
        review_return(actor=world.kasubbag, item=item, comment="Perbaiki keterangan.")
        write_draft(world, item, caption=caption + " (perbaikan)")
        draft_submit(actor=world.staf, item=item)
    review_approve(actor=world.kasubbag, item=item, comment="Baik.")
    upload_order_issue(actor=world.kabag, item=item)
    for n, pub in enumerate(item.publications.select_related("account").order_by("id"), 1):
        if not_published:
            publication_mark_not_published(
                actor=world.staf, publication=pub, reason="Akun dibekukan."
            )
            continue
        kwargs = {}
        if evidence and n == 1:
            kwargs["evidence"] = SimpleUploadedFile(
                "bukti.png", png_bytes("blue"), content_type="image/png"
            )
        publication_record(
            actor=world.staf,
            publication=pub,
            url=URLS[pub.account.platform].format(n=item.pk * 10 + n),
            went_live_at=timezone.now(),
            **kwargs,
        )
    item.refresh_from_db()
    if schedule:
        package_schedule(item)
    return item


def bulk_entries(
    world: World,
    count: int,
    *,
    title: str = "Konten arsip {n}",
    people: list[User] | None = None,
    unit: WorkUnit | None = None,
) -> list[ArchiveEntry]:
    """`count` finished items straight into the archive, as the bench does: their entries, done
    packages, the people who took part (the first is the assignee; the staff member unless
    given) and the search index. `title` may number them with {n}."""
    unit = unit or world.unit
    people = people or [world.staf]
    now = timezone.now()
    last_pk = ContentItem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    items = ContentItem.objects.bulk_create(
        ContentItem(
            work_unit=unit,
            sop_version=world.version,
            title=title.format(n=n),
            instruction="-",
            content_type="INFOGRAFIS",
            status="PUBLISHED",
            assignee=people[0],
            created_by=world.kabag,
            finished_at=now,
        )
        for n in range(count)
    )
    if items[0].pk is None:  # backends that do not return ids
        items = list(ContentItem.objects.filter(pk__gt=last_pk).order_by("pk"))
    entries = ArchiveEntry.objects.bulk_create(
        ArchiveEntry(
            item=item,
            work_unit=unit,
            title=item.title,
            body="arsip",
            content_type="INFOGRAFIS",
            status="PUBLISHED",
            opened_at=now,
            finished_at=now,
            platforms=" INSTAGRAM ",
        )
        for item in items
    )
    DocumentationPackage.objects.bulk_create(
        DocumentationPackage(item=item, status="DONE") for item in items
    )
    ArchiveEntryPerson.objects.bulk_create(
        ArchiveEntryPerson(entry=entry, user=person) for entry in entries for person in people
    )
    index_all()
    return entries
