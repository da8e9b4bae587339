"""The draft editor, autosave, preview, media upload and submission pages."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from simedsos.content.draft_forms import sign_opened_at
from simedsos.content.models import Draft, DraftMedia, DraftRevision, StepRun
from simedsos.content.services import draft_save, draft_start
from tests.content.builders import add_image, dispose, image_upload, make_world
from tests.content.test_media_checks import image_bytes, png_claiming, upload

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def item(world):
    return dispose(world)


@pytest.fixture
def staf_client(client, world):
    client.force_login(world.staf)
    return client


def started(world, item):
    draft_start(actor=world.staf, item=item)
    return item


def save_text(world, item, caption="Kenali UU Pemilu", **kwargs):
    draft = Draft.objects.get(item=item)
    return draft_save(
        actor=world.staf,
        item=item,
        caption=caption,
        variants=kwargs.get("variants", {}),
        hashtags=kwargs.get("hashtags", ["JDIH"]),
        links=kwargs.get("links", []),
        base_version=draft.version,
    )


def autosave_data(version, caption="Teks baru", **extra):
    data = {
        "caption": caption,
        "hashtags": "#JDIH #KPU",
        "links": "https://jdih.kpu.go.id/",
        "variant_INSTAGRAM": "",
        "variant_FACEBOOK": "",
        "base_version": str(version),
    }
    data.update(extra)
    return data


# --- opening the editor ------------------------------------------------------------------------


def test_get_writes_nothing_and_offers_start(staf_client, item):
    url = reverse("content:draft_edit", args=[item.pk])
    response = staf_client.get(url)
    assert response.status_code == 200
    assert "Mulai mengerjakan" in response.content.decode()
    run = StepRun.objects.get(item=item, finished_at__isnull=True)
    assert run.started_at is None

    response = staf_client.post(url)
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.started_at is not None
    page = staf_client.get(url).content.decode()
    assert 'id="draft-form"' in page
    assert "Keterangan khusus Instagram" in page
    assert "Keterangan khusus Facebook" in page
    assert "Keterangan khusus X" not in page  # only the item's target platforms
    # The disposition's instruction and legal products are shown beside the editor.
    assert "Buat infografis tentang pasal-pasal penting." in page
    assert "UU Nomor 7 Tahun 2017" in page
    assert "bahan.pdf" in page


def test_other_staff_sees_read_only_and_cannot_start(client, world, item):
    client.force_login(world.staf2)
    url = reverse("content:draft_edit", args=[item.pk])
    page = client.get(url).content.decode()
    assert "hanya dapat diubah oleh" in page
    assert 'id="draft-form"' not in page
    assert client.post(url).status_code == 403
    assert StepRun.objects.get(item=item, finished_at__isnull=True).started_at is None


def test_other_unit_cannot_see_the_editor(client, world, item):
    client.force_login(world.other["STAF"])
    assert client.get(reverse("content:draft_edit", args=[item.pk])).status_code == 403


# --- autosave ----------------------------------------------------------------------------------


def test_autosave_saves_and_answers_the_new_version(staf_client, world, item):
    started(world, item)
    url = reverse("content:draft_autosave", args=[item.pk])
    response = staf_client.post(url, autosave_data(0, variant_INSTAGRAM="Khusus IG"), **HTMX)
    assert response.status_code == 200
    assert response["X-Draft-Version"] == "1"
    assert "Tersimpan otomatis" in response.content.decode()
    draft = Draft.objects.get(item=item)
    assert draft.caption == "Teks baru"
    assert draft.variants == {"INSTAGRAM": "Khusus IG"}
    assert draft.hashtags == ["JDIH", "KPU"]
    assert draft.links == ["https://jdih.kpu.go.id/"]


def test_autosave_on_a_stale_version_is_refused_and_keeps_the_stored_text(staf_client, world, item):
    started(world, item)
    save_text(world, item, "Disimpan di tab lain")  # version 1
    url = reverse("content:draft_autosave", args=[item.pk])
    response = staf_client.post(url, autosave_data(0, "Ketikan di tab lama"), **HTMX)
    assert response.status_code == 409
    body = response.content.decode()
    assert "sudah diubah di tab atau perangkat lain" in body
    assert 'data-state="stale"' in body
    draft = Draft.objects.get(item=item)
    assert (draft.caption, draft.version) == ("Disimpan di tab lain", 1)


def test_autosave_after_the_session_expired_answers_401_not_a_login_page(client, item):
    url = reverse("content:draft_autosave", args=[item.pk])
    response = client.post(url, autosave_data(0), **HTMX)
    assert response.status_code == 401
    assert "Sesi Anda telah berakhir" in response.content.decode()
    assert Draft.objects.get(item=item).caption == ""


def test_autosave_without_javascript_redirects_with_a_message(staf_client, world, item):
    started(world, item)
    url = reverse("content:draft_autosave", args=[item.pk])
    response = staf_client.post(url, autosave_data(0), follow=True)
    assert "Konsep tersimpan." in response.content.decode()
    assert Draft.objects.get(item=item).caption == "Teks baru"


def test_autosave_by_someone_else_is_refused(client, world, item):
    started(world, item)
    client.force_login(world.staf2)
    response = client.post(
        reverse("content:draft_autosave", args=[item.pk]), autosave_data(0), **HTMX
    )
    assert response.status_code == 403
    assert Draft.objects.get(item=item).caption == ""


# --- live preview ------------------------------------------------------------------------------


def test_preview_counts_by_each_platform_and_shows_issues(staf_client, world, item):
    started(world, item)
    url = reverse("content:draft_preview", args=[item.pk])
    response = staf_client.post(url, autosave_data(0, "a" * 2300, hashtags="", links=""), **HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "2.300 / 2.200 karakter" in body  # Instagram's caption limit
    assert "Instagram: keterangan 2.300 dari 2.200 karakter" in body
    assert "Instagram: unggahan wajib disertai media" in body
    assert 'class="counter over"' in body
    # Nothing is saved by a preview.
    assert Draft.objects.get(item=item).caption == ""


def test_preview_uses_the_variant_for_its_platform(staf_client, world, item):
    started(world, item)
    response = staf_client.post(
        reverse("content:draft_preview", args=[item.pk]),
        autosave_data(0, "Utama", hashtags="", links="", variant_FACEBOOK="Khusus Facebook"),
        **HTMX,
    )
    body = response.content.decode()
    assert "Khusus Facebook" in body
    assert "keterangan khusus" in body


# --- media upload through the page -------------------------------------------------------------


def post_upload(client, item, name, content):
    return client.post(
        reverse("content:media_add", args=[item.pk]), {"file": upload(name, content)}, **HTMX
    )


def assert_refused_and_intact(response, world, item, *fragments):
    body = response.content.decode()
    assert response.status_code == 400
    for fragment in fragments:
        assert fragment in body
    assert not DraftMedia.objects.filter(item=item).exists()
    draft = Draft.objects.get(item=item)
    assert (draft.caption, draft.version) == ("Kenali UU Pemilu", 1)


@pytest.fixture
def drafted(world, item):
    started(world, item)
    save_text(world, item)
    return item


def test_upload_pdf_renamed_jpg_is_refused(staf_client, world, drafted):
    response = post_upload(staf_client, drafted, "surat.jpg", b"%PDF-1.7\n%%EOF\n")
    assert_refused_and_intact(response, world, drafted, "&quot;surat.jpg&quot; ternyata berisi PDF")


def test_upload_decompression_bomb_is_refused(staf_client, world, drafted):
    response = post_upload(staf_client, drafted, "bom.png", png_claiming(100_000, 100_000))
    assert_refused_and_intact(response, world, drafted, "mengaku beresolusi sangat besar")


def test_upload_oversize_is_refused(staf_client, world, drafted, settings):
    settings.MEDIA_MAX_IMAGE_MB = 0.01
    content = image_bytes("PNG", (200, 200), noisy=True)
    response = post_upload(staf_client, drafted, "besar.png", content)
    assert_refused_and_intact(response, world, drafted, "melebihi batas gambar")


def test_upload_corrupt_is_refused(staf_client, world, drafted):
    whole = image_bytes("JPEG", (256, 256), noisy=True, quality=95)
    response = post_upload(staf_client, drafted, "terpotong.jpg", whole[: len(whole) // 2])
    assert_refused_and_intact(response, world, drafted, "rusak atau tidak lengkap")


def test_upload_refusal_without_javascript_is_a_message_on_the_editor(staf_client, world, drafted):
    response = staf_client.post(
        reverse("content:media_add", args=[drafted.pk]),
        {"file": upload("surat.jpg", b"%PDF-1.7\n")},
        follow=True,
    )
    assert "ternyata berisi PDF" in response.content.decode()
    assert not DraftMedia.objects.exists()


def test_upload_describe_reorder_and_remove(staf_client, world, drafted):
    for name in ("satu.jpg", "dua.jpg"):
        response = staf_client.post(
            reverse("content:media_add", args=[drafted.pk]),
            {"file": image_upload(name)},
            **HTMX,
        )
        assert response.status_code == 200
        assert response["HX-Trigger"] == "draft-media-changed"
    first, second = DraftMedia.objects.filter(item=drafted).order_by("position")
    assert (first.original_name, second.original_name) == ("satu.jpg", "dua.jpg")
    assert first.file.name.endswith(f"{first.sha256[:32]}.jpg")

    response = staf_client.post(
        reverse("content:media_update", args=[first.pk]),
        {"alt_text": "Pasal 1 UU Pemilu", "reply": "status"},
        **HTMX,
    )
    assert "Teks alternatif tersimpan." in response.content.decode()
    first.refresh_from_db()
    assert first.alt_text == "Pasal 1 UU Pemilu"

    staf_client.post(reverse("content:media_update", args=[second.pk]), {"position": 0}, **HTMX)
    assert list(
        DraftMedia.objects.filter(item=drafted).order_by("position").values_list("pk", flat=True)
    ) == [second.pk, first.pk]

    response = staf_client.post(reverse("content:media_remove", args=[second.pk]), **HTMX)
    assert "dua.jpg" not in response.content.decode()
    second.refresh_from_db()
    assert second.removed


def test_too_long_alt_text_is_refused_with_a_message(staf_client, world, drafted):
    media = add_image(world, drafted, alt_text="")
    response = staf_client.post(
        reverse("content:media_update", args=[media.pk]),
        {"alt_text": "x" * 1001, "reply": "status"},
        **HTMX,
    )
    assert response.status_code == 400
    assert "paling banyak 1.000 karakter" in response.content.decode()
    media.refresh_from_db()
    assert media.alt_text == ""


def test_media_file_is_served_only_to_people_who_may_see_the_item(client, world, drafted):
    media = add_image(world, drafted)
    url = reverse("content:media_file", args=[media.pk])
    assert client.get(url).status_code == 302  # signed out: to the login page
    client.force_login(world.other["STAF"])
    assert client.get(url).status_code == 403
    client.force_login(world.kasubbag)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


# --- submission --------------------------------------------------------------------------------


def test_submit_page_shows_the_final_check_per_platform(staf_client, world, drafted):
    response = staf_client.get(reverse("content:draft_submit", args=[drafted.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Instagram: unggahan wajib disertai media" in body
    assert 'name="opened_at"' in body


def test_blocking_issues_refuse_submission_per_platform(staf_client, world, drafted):
    # A 3:1 banner: Instagram refuses the ratio, Facebook takes it; no alt text either.
    add_image(world, drafted, alt_text="", name="spanduk.jpg", size=(1500, 500))
    save_text(world, drafted, "b" * 2300)
    before = Draft.objects.get(item=drafted)
    response = staf_client.post(
        reverse("content:draft_submit", args=[drafted.pk]), {"opened_at": sign_opened_at()}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "Konsep belum dapat diserahkan" in body
    assert "Gambar 1 belum memiliki teks alternatif" in body
    # The caption plus its hashtag (2.307), counted by Instagram's own rule.
    assert "Instagram: keterangan 2.307 dari 2.200 karakter" in body
    assert "Instagram: gambar 1" in body and "rasio" in body
    assert "Facebook: gambar 1" not in body
    assert not DraftRevision.objects.exists()
    after = Draft.objects.get(item=drafted)
    assert (after.caption, after.version) == (before.caption, before.version)
    assert drafted.current_step.number == 2


def test_submit_freezes_a_revision_and_uses_the_signed_opened_at(staf_client, world, drafted):
    add_image(world, drafted)
    # Drafting began ten minutes ago; the submission page was opened three minutes ago.
    ten_ago = timezone.now() - datetime.timedelta(minutes=10)
    StepRun.objects.filter(item=drafted, finished_at__isnull=True).update(
        arrived_at=ten_ago, started_at=ten_ago
    )
    opened = timezone.now() - datetime.timedelta(minutes=3)
    response = staf_client.post(
        reverse("content:draft_submit", args=[drafted.pk]), {"opened_at": sign_opened_at(opened)}
    )
    assert response.status_code == 302
    revision = DraftRevision.objects.get(item=drafted)
    assert revision.number == 1 and revision.caption == "Kenali UU Pemilu"
    drafting = StepRun.objects.get(item=drafted, step__number=2)
    assert abs((drafting.finished_at - opened).total_seconds()) < 1


def test_forged_opened_at_is_ignored(staf_client, world, drafted):
    add_image(world, drafted)
    response = staf_client.post(
        reverse("content:draft_submit", args=[drafted.pk]), {"opened_at": "2020-01-01T00:00"}
    )
    assert response.status_code == 302
    drafting = StepRun.objects.get(item=drafted, step__number=2)
    assert drafting.finished_at > timezone.now() - datetime.timedelta(minutes=1)


def test_submit_by_someone_else_is_refused(client, world, drafted):
    add_image(world, drafted)
    client.force_login(world.staf2)
    response = client.post(reverse("content:draft_submit", args=[drafted.pk]))
    assert response.status_code == 400
    assert "hanya dia yang dapat mengerjakannya" in response.content.decode()
    assert not DraftRevision.objects.exists()


# --- query counts ------------------------------------------------------------------------------


def count_queries(client, url) -> int:
    """Statements a GET issues, savepoints aside (the session save wraps itself in one)."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_editor_queries_do_not_grow_with_media(staf_client, world, drafted):
    url = reverse("content:draft_edit", args=[drafted.pk])
    for _ in range(3):
        add_image(world, drafted)
    few = count_queries(staf_client, url)
    for _ in range(27):
        add_image(world, drafted)
    many = count_queries(staf_client, url)
    assert few == many
    assert many <= 15
