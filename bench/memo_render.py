"""Median time to render a one-page and a three-page nota dinas (plus the PDF/A copy).

Renders unsaved in-memory memos, so no database is needed; the first render (which loads
the fonts once per process) is timed separately as the cold start.
"""

from __future__ import annotations

import datetime
import io
import platform
import statistics
import time

from pypdf import PdfReader

REPEATS = 9


def _memo(body: str):
    from simedsos.accounts.models import WorkUnit
    from simedsos.memos.models import Memo, MemoKind, Sifat

    unit = WorkUnit(
        code="62",
        name="KPU Provinsi Kalimantan Tengah",
        level=WorkUnit.Level.PROVINSI,
        secretariat_name="Sekretariat KPU Provinsi Kalimantan Tengah",
        address="Jalan Imam Bonjol Nomor 3, Palangka Raya 73112",
        city="Palangka Raya",
    )
    return Memo(
        work_unit=unit,
        kind=MemoKind.DISPOSITION,
        number="123/HK.04-ND/62/2026",
        sequence_number=123,
        year=2026,
        issued_on=datetime.date(2026, 11, 25),
        recipient="Kepala Subbagian Hukum dan SDM",
        sender="Kepala Bagian TPHPHSDM",
        carbon_copies=["Sekretaris KPU Provinsi Kalimantan Tengah"],
        sifat=Sifat.SEGERA,
        attachment_count=1,
        subject="Pembuatan Konten Media Sosial JDIH",
        body=body,
        signer_name="Budi Santoso, S.H.",
        signer_position="Kepala Bagian TPHPHSDM",
        signer_nip="198001012005011001",
        place="Palangka Raya",
    )


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _median_seconds(render, memo) -> tuple[float, int]:
    timings = []
    pdf = render(memo)  # warm-up: first use of this layout path is not what we measure
    for _ in range(REPEATS):
        start = time.perf_counter()
        pdf = render(memo)
        timings.append(time.perf_counter() - start)
    return statistics.median(timings), _pages(pdf)


def run() -> dict:
    from simedsos.memos.rendering import render_memo_archive_pdf, render_memo_pdf

    sentence = "Konten media sosial JDIH disusun sesuai petunjuk pimpinan dan SOP yang berlaku. "
    one_page = _memo("\n\n".join(sentence * 4 for _ in range(3)))
    three_pages = _memo("\n\n".join(sentence * 12 for _ in range(7)))

    start = time.perf_counter()
    render_memo_pdf(one_page)
    cold = time.perf_counter() - start

    one, one_pages = _median_seconds(render_memo_pdf, one_page)
    three, three_pages_count = _median_seconds(render_memo_pdf, three_pages)
    one_archive, _ = _median_seconds(render_memo_archive_pdf, one_page)
    if one_pages != 1 or three_pages_count != 3:
        raise RuntimeError(f"unexpected page counts: {one_pages} and {three_pages_count}")
    return {
        "repeats": REPEATS,
        "machine": f"{platform.machine()} {platform.python_version()}",
        "cold_first_render_s": round(cold, 4),
        "one_page_median_s": round(one, 4),
        "three_page_median_s": round(three, 4),
        "one_page_pdfa_median_s": round(one_archive, 4),
    }
