"""The content cycle in a real browser: the head disposes through the form, the staff member
finds it in Tugas Saya; after drafting and review (through the services until their pages
are merged) the head orders the upload and the staff member records it, and the item page
shows every step's measured times against the SOP's standards."""

import pytest

from simedsos.content.models import ContentItem, StepRun
from simedsos.content.services import draft_submit, review_approve
from tests.content.builders import make_world, write_draft
from tests.e2e.steps import ActionCounter, dispose, open_inbox, order_upload, publish, task

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "kata-sandi-uji-123"
PHONE = {"width": 390, "height": 844}


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_dispose_in_the_browser_then_the_cycle_to_publication(login):
    w = make_world()
    counter = ActionCounter()
    title = "Infografis Hari Pemilu"

    kabag = login("kabag", PASSWORD)
    kabag.set_viewport_size(PHONE)
    item_id = dispose(
        kabag,
        counter,
        title=title,
        instruction="Ringkas ketentuan hari pemungutan suara.",
        assignee=w.staf.get_full_name(),
    )
    assert kabag.get_by_role("heading", level=1).inner_text() == title
    assert "Disposisi tercatat dengan Nota Dinas nomor" in kabag.get_by_role("status").inner_text()
    assert _fits_the_phone(kabag)
    item = ContentItem.objects.get(pk=item_id)
    assert item.assignee == w.staf and item.target_accounts.count() == 2
    assert item.disposition.memo is not None

    staf = login("staf", PASSWORD)
    staf.set_viewport_size(PHONE)
    open_inbox(staf)
    entry = task(staf, title)
    assert "Langkah 2" in entry.inner_text() and "dari 1 jam" in entry.inner_text()
    assert _fits_the_phone(staf)

    # Steps 2-4 through the services until the editor and review pages are merged.
    write_draft(w, item)
    draft_submit(actor=w.staf, item=item)
    review_approve(actor=w.kasubbag, item=item)

    order_upload(kabag, counter, title=title)
    assert "Perintah pengunggahan diterbitkan" in kabag.get_by_role("status").inner_text()

    publish(
        staf,
        counter,
        title=title,
        urls={
            "Instagram — JDIH Kalteng": "https://www.instagram.com/p/HariPemilu1/",
            "Facebook — JDIH Kalteng": "https://www.facebook.com/jdihkalteng/posts/1",
        },
    )
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
    assert StepRun.objects.filter(item=item).count() == 6

    # The item page, on the phone: every step with its measured times and standard.
    staf.reload()
    table = staf.locator("table.timeline")
    rows = table.locator("tbody tr")
    assert rows.count() == 6
    standards = ["1 menit", "1 jam", "1 menit", "5 menit", "1 menit", "1 menit"]
    for index, standard in enumerate(standards):
        cells = rows.nth(index).locator("th, td").all_inner_texts()
        assert cells[0].startswith(f"{index + 1}. ")
        assert cells[7] == standard
        assert cells[5] and cells[6]  # waiting and working times are shown
    assert "Terunggah" in staf.locator(".facts").inner_text()
    assert _fits_the_phone(staf)

    # Steps 1, 5 and 6: a click to open and a submission each, plus the chosen assignee.
    assert counter.total == 7, counter.log
