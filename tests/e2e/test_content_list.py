"""The content list's Staf filter in a real browser: the list follows what is typed (htmx),
suggestions fill the field's list, a chosen person stays while other filters change, and
typing someone new replaces that person."""

import re

import pytest
from playwright.sync_api import expect

from tests.content.builders import dispose, make_world

pytestmark = pytest.mark.django_db(transaction=True)
PASSWORD = "kata-sandi-uji-123"


def _name(user, full_name):
    user.full_name = full_name
    user.save(update_fields=["full_name"])


def test_staff_filter_follows_typing_and_keeps_a_chosen_person(login):
    w = make_world()
    _name(w.staf, "Budi Santoso")
    _name(w.staf2, "Sari Wulandari")
    dispose(w, title="Alpha", assignee=w.staf)
    dispose(w, title="Beta", assignee=w.staf2)

    page = login("kabag", PASSWORD)
    page.goto("/konten/")
    results = page.locator("#item-results")
    expect(results).to_contain_text("Alpha")
    expect(results).to_contain_text("Beta")
    page.locator("summary", has_text="Saring").click()
    field = page.get_by_label("Staf: nama, nama pengguna, atau NIP")

    field.press_sequentially("wulan")
    expect(results).to_contain_text("Staf yang cocok dengan “wulan”:")
    expect(results).not_to_contain_text("Alpha")
    expect(results).to_contain_text("Beta")
    expect(page.locator("#staff-suggestions option")).to_have_count(1)
    assert page.locator("#staff-suggestions option").get_attribute("value") == "staf2"
    assert page.url.split("?")[0].endswith("/konten/") and "person_q=wulan" in page.url

    # Choosing the match: one person, named, kept while another filter changes.
    results.get_by_role("link", name="Sari Wulandari").first.click()
    expect(results).to_contain_text("Menampilkan konten yang ditugaskan kepada Sari Wulandari.")
    page.get_by_label("Status").select_option("DRAFTING")
    expect(page).to_have_url(re.compile(r"status=DRAFTING"))
    expect(results).to_contain_text("Menampilkan konten yang ditugaskan kepada Sari Wulandari.")
    expect(results).not_to_contain_text("Alpha")

    # Typing someone new replaces the chosen person; clearing the text leaves nobody chosen.
    page.get_by_label("Staf: nama, nama pengguna, atau NIP").fill("budi")
    expect(results).to_contain_text("Staf yang cocok dengan “budi”:")
    expect(results).to_contain_text("Alpha")
    expect(results).not_to_contain_text("Beta")
    expect(page.locator("input[name=person]")).to_have_count(0)
    page.get_by_label("Staf: nama, nama pengguna, atau NIP").fill("")
    expect(results).to_contain_text("Alpha")
    expect(results).to_contain_text("Beta")

    page.get_by_label("Staf: nama, nama pengguna, atau NIP").fill("zulkarnain")
    expect(results).to_contain_text("Tidak ada staf di satuan kerja yang dapat Anda lihat")
    expect(results).not_to_contain_text("Alpha")
