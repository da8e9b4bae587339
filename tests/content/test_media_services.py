"""Media of the working draft: who may add, describe, reorder and remove them, and what is kept."""

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import default_storage

from simedsos.content.media_checks import MediaRejected
from simedsos.content.media_services import media_add, media_remove, media_update
from simedsos.content.models import DraftMedia, DraftRevision
from simedsos.content.services import draft_start
from simedsos.core.models import AuditEvent
from tests.content.builders import add_image, dispose, image_upload, make_world, to_review
from tests.content.test_media_checks import mp4, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def item(world):
    item = dispose(world)
    draft_start(actor=world.staf, item=item)
    return item


def test_add_checks_by_content_hashes_and_stores_under_a_content_name(world, item):
    file = image_upload("foto-asli.png", size=(1080, 1350))  # JPEG bytes, named .png
    content = file.read()
    file.seek(0)
    media = media_add(actor=world.staf, item=item, upload=file)
    assert media.mime_type == "image/jpeg" and media.kind == DraftMedia.Kind.IMAGE
    assert (media.width, media.height) == (1080, 1350)
    assert media.sha256 == hashlib.sha256(content).hexdigest()
    assert media.size_bytes == len(content)
    assert media.original_name == "foto-asli.png"
    assert media.file.name == f"media/{item.pk}/{media.sha256[:32]}.jpg"
    with default_storage.open(media.file.name, "rb") as stored:
        assert stored.read() == content
    event = AuditEvent.objects.filter(action="content.media_add").get()
    assert event.after["sha256"] == media.sha256


def test_video_is_measured(world, item):
    media = media_add(actor=world.staf, item=item, upload=upload("klip.mp4", mp4()))
    assert media.kind == DraftMedia.Kind.VIDEO and media.duration_seconds == 12.5


def test_positions_follow_the_order_of_upload(world, item):
    first = add_image(world, item)
    second = add_image(world, item)
    assert (first.position, second.position) == (0, 1)


def test_rejected_file_stores_nothing(world, item):
    with pytest.raises(MediaRejected, match="ternyata berisi PDF"):
        media_add(actor=world.staf, item=item, upload=upload("a.jpg", b"%PDF-1.4 x"))
    assert not DraftMedia.objects.exists()
    assert not default_storage.exists(f"media/{item.pk}")


@pytest.mark.parametrize("who", ["staf2", "kasubbag", "kabag"])
def test_only_the_assignee_may_add(world, item, who):
    with pytest.raises(PermissionDenied):
        media_add(actor=getattr(world, who), item=item, upload=image_upload())
    assert not DraftMedia.objects.exists()


def test_refused_before_the_upload_is_parsed_or_stored(world, item, monkeypatch):
    submitted = to_review(world)

    def parse(upload):
        raise AssertionError("parsed for someone who may not add it")

    monkeypatch.setattr("simedsos.content.media_services.inspect_upload", parse)
    with pytest.raises(PermissionDenied, match="ditugaskan kepada"):
        media_add(actor=world.staf2, item=item, upload=image_upload())
    with pytest.raises(PermissionDenied, match="tidak berwenang"):
        media_add(actor=world.kabag, item=item, upload=image_upload())
    with pytest.raises(ValidationError, match="sudah tidak berada pada langkah penyusunan"):
        media_add(actor=world.staf, item=submitted, upload=image_upload())
    assert not default_storage.exists(f"media/{item.pk}")


def test_not_after_submission(world):
    item = to_review(world)
    with pytest.raises(ValidationError, match="sudah tidak berada pada langkah penyusunan"):
        media_add(actor=world.staf, item=item, upload=image_upload())
    media = item.media.get()
    with pytest.raises(ValidationError):
        media_update(actor=world.staf, media=media, alt_text="baru")
    with pytest.raises(ValidationError):
        media_remove(actor=world.staf, media=media)


def test_update_alt_text_and_move(world, item):
    a, b, c = (add_image(world, item) for _ in range(3))
    media_update(actor=world.staf, media=c, alt_text="  Gambar pasal 1  ", position=0)
    order = list(item.media.filter(removed=False).order_by("position"))
    assert order == [c, a, b]
    c.refresh_from_db()
    assert c.alt_text == "Gambar pasal 1"
    event = AuditEvent.objects.filter(action="content.media_update").order_by("sequence").last()
    assert event.before["position"] == 2 and event.after["position"] == 0
    with pytest.raises(ValidationError) as err:
        media_update(actor=world.staf, media=a, alt_text="x" * 1001)
    assert "paling banyak 1.000 karakter" in str(err.value)
    with pytest.raises(PermissionDenied):
        media_update(actor=world.staf2, media=a, alt_text="bukan saya")


def test_removed_media_stays_for_frozen_revisions(world):
    item = to_review(world)
    media = item.media.get()
    from simedsos.content.services import review_return

    review_return(actor=world.kasubbag, item=item, comment="Ganti gambar.")
    draft_start(actor=world.staf, item=item)
    media_remove(actor=world.staf, media=media)
    media.refresh_from_db()
    assert media.removed
    assert default_storage.exists(media.file.name)
    assert DraftRevision.objects.get(item=item).media[0]["media_id"] == media.pk
    assert AuditEvent.objects.filter(action="content.media_remove").exists()
    with pytest.raises(ValidationError, match="sudah dihapus"):
        media_remove(actor=world.staf, media=media)
