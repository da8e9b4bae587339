"""The draft editor and the review page in a real browser: autosave, restore, upload, review."""

import io

import pytest
from django.conf import settings
from PIL import Image

from simedsos.content.models import ContentItem, Draft, StepRun
from simedsos.content.services import draft_save, draft_submit, review_return
from tests.content.builders import dispose, make_world, to_review

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "kata-sandi-uji-123"


def sign_in(page, username):
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    page.wait_for_url(lambda url: "/akun/masuk/" not in url)


def open_editor(page, item):
    page.goto(f"/konten/{item.pk}/konsep/")
    start = page.get_by_role("button", name="Mulai mengerjakan")
    if start.count():
        start.click()
    page.wait_for_selector("#draft-form[data-state=ready]")


def caption(page):
    return page.get_by_label("Keterangan utama", exact=True)


def test_text_typed_in_a_closed_tab_is_offered_back(login):
    world = make_world()
    item = dispose(world)
    page = login("staf", PASSWORD)
    open_editor(page, item)
    assert StepRun.objects.get(item=item, finished_at__isnull=True).started_at is not None
    # Close the tab before any autosave can reach the server.
    page.evaluate("document.getElementById('draft-form').dataset.autosave = 'off'")
    caption(page).fill("Teks yang belum sempat tersimpan")
    context = page.context
    page.close()
    assert Draft.objects.get(item=item).caption == ""

    page = context.new_page()
    open_editor(page, item)
    assert caption(page).input_value() == ""
    restore = page.get_by_role("button", name="Pulihkan teks yang belum tersimpan")
    restore.click()
    assert caption(page).input_value() == "Teks yang belum sempat tersimpan"
    page.wait_for_selector("#autosave-status .autosave-saved")
    assert Draft.objects.get(item=item).caption == "Teks yang belum sempat tersimpan"

    # Saved now: opening again offers nothing.
    page.reload()
    page.wait_for_selector("#draft-form[data-state=ready]")
    assert page.locator("#restore-banner").is_hidden()


def test_autosave_preview_and_a_stale_version(login):
    world = make_world()
    item = dispose(world)
    page = login("staf", PASSWORD)
    open_editor(page, item)
    page.evaluate("document.getElementById('draft-form').dataset.autosaveMs = '300'")
    caption(page).fill("a" * 2300)
    page.wait_for_selector("#autosave-status .autosave-saved")
    assert Draft.objects.get(item=item).caption == "a" * 2300
    # The live preview counts by Instagram's rule against its limit.
    counter = page.locator("[data-platform=INSTAGRAM] .counter")
    counter.filter(has_text="2.300 / 2.200").wait_for()
    assert "over" in counter.get_attribute("class")

    # Another tab saves meanwhile: this tab's next save is refused, the typed text stays.
    draft = Draft.objects.get(item=item)
    draft_save(
        actor=world.staf,
        item=item,
        caption="Dari tab lain",
        variants={},
        hashtags=[],
        links=[],
        base_version=draft.version,
    )
    caption(page).fill("Ketikan tab ini")
    page.wait_for_selector("#autosave-status .autosave-stale")
    assert (
        "sudah diubah di tab atau perangkat lain" in page.locator("#autosave-status").inner_text()
    )
    assert caption(page).input_value() == "Ketikan tab ini"
    assert Draft.objects.get(item=item).caption == "Dari tab lain"
    # Reloading shows the server's text and offers this tab's text back.
    page.reload()
    page.wait_for_selector("#draft-form[data-state=ready]")
    assert caption(page).input_value() == "Dari tab lain"
    page.get_by_role("button", name="Pulihkan teks yang belum tersimpan").click()
    assert caption(page).input_value() == "Ketikan tab ini"
    # Restoring saves on top of the server's version; let it land before the test ends.
    page.wait_for_selector("#autosave-status .autosave-saved")
    assert Draft.objects.get(item=item).caption == "Ketikan tab ini"


def test_expired_session_keeps_the_text_until_signed_in_again(login):
    world = make_world()
    item = dispose(world)
    page = login("staf", PASSWORD)
    open_editor(page, item)
    # The session ends (idle timeout, signed out elsewhere); the CSRF cookie stays.
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    caption(page).fill("Diketik setelah sesi berakhir")
    caption(page).blur()
    page.wait_for_selector("#autosave-status .autosave-expired")
    assert "Sesi Anda telah berakhir" in page.locator("#autosave-status").inner_text()
    assert Draft.objects.get(item=item).caption == ""

    sign_in(page, "staf")
    open_editor(page, item)
    page.get_by_role("button", name="Pulihkan teks yang belum tersimpan").click()
    page.wait_for_selector("#autosave-status .autosave-saved")
    assert Draft.objects.get(item=item).caption == "Diketik setelah sesi berakhir"


def test_refused_request_after_sign_out_keeps_the_text(login):
    world = make_world()
    item = dispose(world)
    page = login("staf", PASSWORD)
    open_editor(page, item)
    page.context.clear_cookies()  # signed out and the CSRF cookie gone: the server says 403
    caption(page).fill("Tetap di peramban")
    caption(page).blur()
    page.wait_for_selector("#autosave-status .autosave-expired")
    assert Draft.objects.get(item=item).caption == ""
    key = f"simedsos:draft:{item.pk}:0"
    stored = page.evaluate(f"JSON.parse(localStorage.getItem('{key}')).values.caption")
    assert stored == "Tetap di peramban"


def test_upload_refused_and_accepted(login, tmp_path):
    world = make_world()
    item = dispose(world)
    page = login("staf", PASSWORD)
    open_editor(page, item)
    fake = tmp_path / "surat.jpg"
    fake.write_bytes(b"%PDF-1.7\n%%EOF\n")
    page.set_input_files("#media-file", str(fake))
    page.get_by_role("button", name="Unggah", exact=True).click()
    alert = page.locator("#media-section .message.error")
    alert.wait_for()
    assert "ternyata berisi PDF" in alert.inner_text()

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), (10, 80, 160)).save(buffer, "JPEG")
    good = tmp_path / "infografis.jpg"
    good.write_bytes(buffer.getvalue())
    page.set_input_files("#media-file", str(good))
    page.get_by_role("button", name="Unggah", exact=True).click()
    page.locator(".media-card").wait_for()
    page.get_by_label("Teks alternatif (alt text)").fill("Infografis pasal penting")
    page.locator(".alt-status .autosave-saved").wait_for()
    assert item.media.get().alt_text == "Infografis pasal penting"
    # The preview refreshed: Instagram no longer asks for media.
    page.wait_for_function(
        "!document.querySelector('#draft-preview').textContent.includes('wajib disertai media')"
    )


def test_phone_review_of_a_returned_draft_shows_the_difference(browser, live_server):
    world = make_world()
    item = to_review(world)
    review_return(actor=world.kasubbag, item=item, comment="Sebutkan pasalnya.")
    draft = Draft.objects.get(item=item)
    draft_save(
        actor=world.staf,
        item=item,
        caption="Kenali Pasal 1 UU Pemilu #JDIH",
        variants={"INSTAGRAM": "Versi Instagram"},
        hashtags=["JDIH", "KPU"],
        links=["https://jdih.kpu.go.id/uu-7-2017"],
        base_version=draft.version,
    )
    draft_submit(actor=world.staf, item=item)

    context = browser.new_context(
        base_url=live_server.url, locale="id-ID", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, "kasubbag")
        page.goto(f"/konten/{item.pk}/periksa/")
        page.get_by_text("Pemeriksaan dimulai pukul").wait_for()
        assert StepRun.objects.get(item=item, finished_at__isnull=True).started_at is not None
        assert page.get_by_role("heading", name="Perbedaan revisi 1 → 2").is_visible()
        assert page.locator(".diff-row[data-field=caption] ins").first.inner_text().strip() == (
            "Pasal 1"
        )
        assert page.get_by_text("Sebutkan pasalnya.").first.is_visible()
        # Fits the phone: nothing scrolls sideways, the buttons are big enough to tap.
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        back = page.get_by_role("button", name="Kembalikan untuk diperbaiki")
        box = back.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 300

        back.click()  # no comment: the browser itself asks for one
        assert ContentItem.objects.get(pk=item.pk).current_step.number == 4
        page.get_by_label("Catatan untuk penyusun").fill("Tambahkan sumber.")
        back.click()
        page.wait_for_url(lambda url: "/periksa/" not in url)
        item.refresh_from_db()
        assert item.current_step.number == 2 and item.return_count == 2
    finally:
        context.close()
