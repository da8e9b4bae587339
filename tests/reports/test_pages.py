"""The report page, its PDF and XLSX exports show the selectors' figures; who may see them."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from simedsos.content.models import StepRun
from simedsos.reports import selectors
from simedsos.reports.tables import report_tables
from tests.factories import Role, make_user
from tests.reports.dataset import SEMESTER, at, build, make_item

pytestmark = pytest.mark.django_db

QUERY = {"start": "2026-01-01", "end": "2026-06-30"}


@pytest.fixture
def data():
    return build()


def _query(unit):
    return {**QUERY, "unit": unit.pk}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_page_shows_the_selector_figures(client, data):
    w = data.world
    client.force_login(w.kasubbag)
    response = client.get(reverse("reports:report"), _query(w.unit))
    assert response.status_code == 200
    html = response.content.decode()
    # Hand-computed figures of step 2, formatted as Indonesian decimals.
    step2 = re.search(r"<tr>\s*<td class=\"num\">2</td>.*?</tr>", html, re.S).group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", step2)
    assert cells[2:] == ["60", "5", "70,0", "114,0", "20,0", "36,0", "40,0", "3"]
    # Every table cell of every table appears on the page.
    with_tables = selectors.report_build(unit=w.unit, period=SEMESTER)
    for table in report_tables(with_tables):
        section = re.search(rf'data-table="{table.key}".*?</section>', html, re.S).group(0)
        for row in table.text_rows():
            for cell in row:
                assert f">{cell}<" in section, (table.key, cell)
    # Charts: accessible SVG with titles.
    assert html.count('role="img"') >= 5
    assert "<title" in html and "waktu baku 60 menit" in html
    # Province: its regency side by side.
    assert "KPU Kota Palangka Raya" in html and 'data-table="perbandingan"' in html


def test_pdf_and_xlsx_read_back_match_the_page(client, data):
    w = data.world
    client.force_login(w.kabag)
    report = selectors.report_build(unit=w.unit, period=SEMESTER)
    tables = report_tables(report)

    pdf = client.get(reverse("reports:report_pdf"), _query(w.unit))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    text = _squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages))
    assert "Waktu per langkah SOP" in text
    steps = tables[0]
    for row in steps.text_rows():
        # The numeric cells of each step row, in order, in the extracted text.
        numbers = " ".join([row[0], *row[2:]])
        assert numbers in text or all(n in text for n in row[2:]), row
    for needle in ("70,0 114,0 20,0 36,0 40,0 3", "2,5", "2,9", "Februari 2026"):
        assert needle in text

    xlsx = client.get(reverse("reports:report_xlsx"), _query(w.unit))
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    for table in tables:
        sheet = book[table.key.capitalize()]
        assert sheet["A1"].value == table.title
        assert [c.value for c in sheet[4]] == [c.label for c in table.columns]
        read = [
            [None if v == "" else v for v in row]
            for row in sheet.iter_rows(min_row=5, max_row=4 + len(table.rows), values_only=True)
        ]
        assert read == [[v for v in row] for row in table.rows], table.key
    langkah = book["Langkah"]
    assert [c.value for c in langkah[6]][:10] == [
        2,
        "Menghimpun bahan dan membuat konsep konten",
        60,
        5,
        70.0,
        114.0,
        20.0,
        36.0,
        40.0,
        3,
    ]


def test_who_may_see_reports(client, data):
    w = data.world
    url = reverse("reports:report")
    client.force_login(w.staf)
    assert client.get(url, _query(w.unit)).status_code == 403
    client.force_login(w.other[Role.KABAG])
    assert client.get(url, _query(w.unit)).status_code in (400, 403)
    # The province reads its regency (read-down); the regency cannot read the province.
    client.force_login(w.pemantau)
    assert client.get(url, _query(data.regency)).status_code == 200
    regency_kabag = make_user(Role.KABAG, data.regency)
    client.force_login(regency_kabag)
    response = client.get(url, _query(w.unit))
    assert response.status_code == 400  # not a choice the form offers
    assert "Pilih pilihan yang valid" in response.content.decode() or "valid" in (
        response.content.decode()
    )


def test_bad_period_is_refused_with_a_clear_message(client, data):
    w = data.world
    client.force_login(w.kabag)
    response = client.get(
        reverse("reports:report"), {"unit": w.unit.pk, "start": "2026-06-30", "end": "2026-01-01"}
    )
    assert response.status_code == 400
    assert "Tanggal akhir tidak boleh sebelum tanggal awal." in response.content.decode()


def test_default_is_own_unit_and_current_semester(client, data):
    client.force_login(data.world.kabag)
    response = client.get(reverse("reports:report"))
    assert response.status_code == 200
    assert response.context["report"].unit == data.world.unit


def _many_items(data, count):
    w = data.world
    done = StepRun.Outcome.DONE
    for n in range(count):
        make_item(
            w.unit,
            w.version,
            staff=w.staf,
            kabag=w.kabag,
            title=f"bulk {n}",
            content_type="KUIS",
            created=at(5, 1 + n % 28, 8) + datetime.timedelta(minutes=n),
            runs=[(1, 0, 1, w.kabag, done), (2, 1, 20, w.staf, done), (6, 0, 1, w.staf, done)],
            pubs=[(w.accounts[0], at(5, 1 + n % 28, 10) + datetime.timedelta(minutes=n))],
        )


def _count_queries(client, url, params, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url, params)  # the first request after login also saves the session
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, params).status_code == 200
    # Savepoints around the session save are transaction control, not reads of data.
    return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])


def test_report_page_queries_do_not_grow_with_the_data(client, data, django_assert_max_num_queries):
    w = data.world
    client.force_login(w.kabag)
    url = reverse("reports:report")
    _many_items(data, 10)
    few = _count_queries(client, url, _query(w.unit), django_assert_max_num_queries)
    _many_items(data, 190)
    many = _count_queries(client, url, _query(w.unit), django_assert_max_num_queries)
    assert few == many
    assert many <= 15


def test_sop_document_pdf_has_the_six_steps_and_times(client, data):
    w = data.world
    client.force_login(w.staf)  # every role may read the SOP
    response = client.get(reverse("reports:sop_pdf", args=[w.version.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = _squash(" ".join(p.extract_text() for p in reader.pages))
    for step in w.version.steps.all():
        first_words = step.activity.split()[0].split("/")[0]
        assert first_words in text, step.activity
    assert "60 menit" in text and "5 menit" in text
    assert "1176/HK.04-SOP/62/2022" in text
    assert "69 menit" in text  # total of the standards
    # The flowchart page is A4 landscape.
    landscape = [p for p in reader.pages if p.mediabox.width > p.mediabox.height]
    assert landscape
    client.force_login(w.other[Role.STAF])
    assert client.get(reverse("reports:sop_pdf", args=[w.version.pk])).status_code == 403
