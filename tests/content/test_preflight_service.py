"""Preflight of stored drafts and revisions for the item's target platforms."""

import pytest

from simedsos.content.media_services import media_remove
from simedsos.content.preflight_service import (
    blocking_messages,
    draft_preflight,
    draft_snapshot,
    item_platforms,
    preflight_view,
    revision_snapshot,
)
from simedsos.content.services import draft_save, draft_start
from simedsos.publishing.platforms.limits import Platform
from tests.content.builders import add_image, dispose, make_world, to_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def item(world):
    item = dispose(world)
    draft_start(actor=world.staf, item=item)
    return item


def write(world, item, caption, **kwargs):
    item.draft.refresh_from_db()
    return draft_save(
        actor=world.staf,
        item=item,
        caption=caption,
        variants=kwargs.get("variants"),
        hashtags=kwargs.get("hashtags"),
        links=kwargs.get("links"),
        base_version=item.draft.version,
    )


def test_platforms_are_those_of_the_target_accounts(item):
    assert item_platforms(item) == [Platform.FACEBOOK, Platform.INSTAGRAM]


def test_snapshot_reads_the_draft_and_only_current_media(world, item):
    write(world, item, "Utama", variants={"INSTAGRAM": "IG"}, hashtags=["JDIH"])
    kept = add_image(world, item, alt_text="Tetap")
    gone = add_image(world, item, alt_text="Hilang")
    media_remove(actor=world.staf, media=gone)
    snapshot = draft_snapshot(item)
    assert snapshot.caption == "Utama"
    assert snapshot.variants == {"INSTAGRAM": "IG"}
    assert list(snapshot.hashtags) == ["JDIH"]
    assert [m.alt_text for m in snapshot.media] == [kept.alt_text]
    assert snapshot.media[0].width == 1080


def test_issues_are_per_platform(world, item):
    write(world, item, "Teks", variants={"FACEBOOK": "f" * 70_000})
    add_image(world, item, alt_text="", size=(1500, 500))
    issues = draft_preflight(item)
    codes = {(i.platform, i.code) for i in issues}
    assert (None, "alt_text_missing") in codes
    assert (Platform.FACEBOOK, "caption_too_long") in codes
    assert (Platform.INSTAGRAM, "caption_too_long") not in codes
    assert any(i.platform == Platform.INSTAGRAM and "rasio" in i.message for i in issues)
    messages = blocking_messages(item)
    assert any(m.startswith("Facebook: keterangan") for m in messages)
    assert any(m.startswith("Instagram: gambar 1") for m in messages)


def test_an_empty_master_caption_is_reported_once_by_the_service(world, item):
    add_image(world, item)
    assert blocking_messages(item) == []  # the service itself says "Keterangan utama kosong"


def test_preview_counts_each_platform(world, item):
    write(world, item, "Halo 👋", hashtags=["JDIH"])
    add_image(world, item)
    view = preflight_view(draft_snapshot(item), item_platforms(item))
    assert not view.blocking
    instagram = next(p for p in view.platforms if p.platform == Platform.INSTAGRAM)
    assert instagram.text == "Halo 👋\n\n#JDIH"
    assert instagram.limit == 2200 and not instagram.over


def test_revision_snapshot_uses_the_alt_text_frozen_at_submission(world):
    item = to_review(world)
    revision = item.revisions.get()
    media = item.media.get()
    media.alt_text = "Diubah kemudian"
    media.save()
    snapshot = revision_snapshot(revision, {media.pk: media})
    assert snapshot.media[0].alt_text == "Infografis pasal UU Pemilu"
    assert snapshot.caption == revision.caption
