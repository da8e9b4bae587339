import pytest

from simedsos.accounts.models import WorkUnit
from simedsos.sop.models import SopVersion
from simedsos.sop.services import sop_seed_load
from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_reads_the_sop_document(login):
    sop_seed_load()
    version = SopVersion.objects.get(status="PUBLISHED")
    make_user(
        Role.STAF, WorkUnit.objects.get(code="62"), username="staf", password="rahasia-kuat-2024"
    )
    page = login("staf", "rahasia-kuat-2024")

    page.get_by_role("link", name="SOP", exact=True).first.click()
    page.get_by_role("link", name="Lihat dokumen").first.click()
    page.wait_for_url(f"**/sop/{version.pk}/")
    assert "Pengelolaan Media Sosial" in page.get_by_role("heading", level=1).inner_text()

    rows = page.locator(".sop-flow-table tbody tr")
    assert rows.count() == 6
    review = page.locator("#langkah-4")
    assert "5 menit" in review.locator(".sop-time").inner_text()
    # The review's diamond sits in the Kasubbag column, and is drawn (has a size).
    diamond = review.locator('td[data-role="KASUBBAG"] svg.sop-symbol--decision')
    box = diamond.bounding_box()
    assert box is not None and box["width"] > 30 and box["height"] > 20
    assert page.locator("#langkah-6 .sop-output").inner_text() == "Konten Media Sosial JDIH"
    assert page.get_by_role("button", name="Cetak").is_visible()
    # No editing actions for staff.
    assert page.get_by_role("button", name="Buat revisi (salin ke konsep)").count() == 0


def test_flowchart_scrolls_sideways_on_a_phone(login):
    sop_seed_load()
    version = SopVersion.objects.get(status="PUBLISHED")
    make_user(
        Role.KASUBBAG,
        WorkUnit.objects.get(code="62"),
        username="kasub",
        password="rahasia-kuat-2024",
    )
    page = login("kasub", "rahasia-kuat-2024")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/sop/{version.pk}/")
    widths = page.evaluate(
        """() => ({
          page: document.documentElement.scrollWidth,
          viewport: window.innerWidth,
          table: document.querySelector('.sop-flow-table').scrollWidth,
          box: document.querySelector('.sop-flow .table-scroll').clientWidth,
        })"""
    )
    assert widths["page"] <= widths["viewport"]  # the page itself does not scroll sideways
    assert widths["table"] > widths["box"]  # the flowchart does, inside its own box
