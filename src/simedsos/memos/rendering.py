"""Nota dinas and lembar disposisi as PDF: Django templates laid out by WeasyPrint.

Fonts come from npm packages installed with the application (Tinos, metric-compatible with
Times New Roman, and Arimo for small print), referenced by file path, so a memo looks the same
on every host. Nothing is fetched over the network while rendering: only `file:` URLs (the
fonts) and `data:` URLs (logo and QR code) are allowed.
"""

from __future__ import annotations

import atexit
import base64
import datetime
import logging
import mimetypes
import threading
from dataclasses import dataclass

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from simedsos.memos.models import Memo, MemoKind, Sifat

# WeasyPrint logs every layout step at INFO; a worker rendering memos need not say so.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

ARCHIVE_PDF_VARIANT = "pdf/a-3b"
DEFAULT_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_LETTERHEAD_AGENCY = "KOMISI PEMILIHAN UMUM"

# (npm package folder, CSS family name, weights, styles) of the fonts the PDFs embed.
FONT_PACKAGES = (
    ("tinos", "Tinos", (400, 700), ("normal", "italic")),
    ("arimo", "Arimo", (400, 700), ("normal",)),
)
# The two fontsource subsets that cover Indonesian and every Latin-script name. WOFF (zlib),
# not WOFF2: WeasyPrint unpacks the font on every render and Brotli made that several times
# slower (measured by `make bench`).
FONT_SUBSETS = {
    "latin": "U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, "
    "U+0304, U+0308, U+0329, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, "
    "U+2215, U+FEFF, U+FFFD",
    "latin-ext": "U+0100-02BA, U+02BD-02C5, U+02C7-02CC, U+02CE-02D7, U+02DD-02FF, U+1D00-1DBF, "
    "U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, "
    "U+A720-A7FF",
}
EMBEDDED_FONT_FAMILIES = frozenset(family for _, family, _, _ in FONT_PACKAGES)

MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
_NUMBER_WORDS_ID = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
)

# The standard instructions a head of division ticks on a lembar disposisi.
DISPOSITION_INSTRUCTIONS = (
    "Untuk diketahui",
    "Tanggapan dan saran",
    "Proses lebih lanjut",
    "Koordinasikan/konfirmasikan",
    "Siapkan konsep konten",
    "Arsipkan",
)
# What a step-1 disposition orders: prepare the content concept and carry the work on.
DISPOSITION_TICKED = frozenset({"Proses lebih lanjut", "Siapkan konsep konten"})


class MissingFontError(RuntimeError):
    """The font packages are not installed (run `make install` / `npm install`)."""


class RendererUnavailable(RuntimeError):
    """WeasyPrint cannot load its system libraries (Pango)."""


def tanggal_indonesia(day: datetime.date) -> str:
    """25 November 2026: the date as written on Indonesian official documents."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def terbilang(number: int) -> str:
    """Small counts in words, as the Lampiran line writes them: 2 (dua)."""
    if 0 <= number < len(_NUMBER_WORDS_ID):
        return _NUMBER_WORDS_ID[number]
    if 12 <= number <= 19:
        return f"{_NUMBER_WORDS_ID[number - 10]} belas"
    return str(number)


def lampiran_text(count: int) -> str:
    return f"{count} ({terbilang(count)}) berkas" if count else "-"


def acting_prefix(kind: str) -> str:
    """ "Plt. " or "Plh. " before an acting official's position."""
    normalized = (kind or "").strip().upper().rstrip(".")
    return {"PLT": "Plt. ", "PLH": "Plh. "}.get(normalized, "")


def public_base_url() -> str:
    return getattr(settings, "PUBLIC_BASE_URL", DEFAULT_PUBLIC_BASE_URL).rstrip("/")


def verification_url(memo: Memo) -> str:
    """The full URL the QR code carries: the public verification page of this memo."""
    return public_base_url() + reverse("memo_verify", args=[memo.verification_code])


def qr_data_uri(payload: str) -> str:
    # Black-and-white PNG (no transparency, which PDF/A-1 forbids and printers dislike);
    # 4 px a module keeps it decodable after scaling.
    return segno.make(payload, error="m").png_data_uri(scale=4, border=2)


def _font_face_css() -> str:
    base = settings.NODE_MODULES_DIR / "@fontsource"
    rules = []
    for package, family, weights, styles in FONT_PACKAGES:
        for subset, unicode_range in FONT_SUBSETS.items():
            for weight in weights:
                for style in styles:
                    path = base / package / "files" / f"{package}-{subset}-{weight}-{style}.woff"
                    if not path.is_file():
                        raise MissingFontError(
                            f"Berkas huruf {path} tidak ditemukan; jalankan 'make install'."
                        )
                    rules.append(
                        "@font-face { "
                        f"font-family: '{family}'; font-weight: {weight}; font-style: {style}; "
                        f"src: url('{path.as_uri()}') format('woff'); "
                        f"unicode-range: {unicode_range}; }}"
                    )
    return "\n".join(rules)


@dataclass
class _Engine:
    html_class: type
    font_config: object
    fonts_css: object
    fetcher: object


_engine: _Engine | None = None
_engine_key: str | None = None
# Loading the fonts costs about a second; the configured fonts are reused for every render
# in the process. WeasyPrint's font configuration is not meant for concurrent use.
_engine_lock = threading.Lock()


@atexit.register
def _drop_engine() -> None:
    # The font configuration removes its temporary folder when collected; do it while the
    # interpreter is still whole rather than during shutdown.
    global _engine, _engine_key
    _engine = _engine_key = None


def _get_engine() -> _Engine:
    global _engine, _engine_key
    key = str(settings.NODE_MODULES_DIR)
    if _engine is None or _engine_key != key:
        # Imported here so that a host without Pango still serves every page; only the
        # render fails, with this message recorded on the memo.
        try:
            from weasyprint import CSS, HTML
            from weasyprint.text.fonts import FontConfiguration
            from weasyprint.urls import URLFetcher
        except OSError as exc:
            raise RendererUnavailable(
                "Pustaka sistem untuk membuat PDF (Pango) tidak terpasang: "
                "apt-get install libpango-1.0-0 libpangoft2-1.0-0. "
                f"Rincian: {exc}"
            ) from exc
        fetcher = URLFetcher(allowed_protocols={"file", "data"}, timeout=5)
        font_config = FontConfiguration()
        fonts_css = CSS(string=_font_face_css(), font_config=font_config, url_fetcher=fetcher)
        _engine, _engine_key = _Engine(HTML, font_config, fonts_css, fetcher), key
    return _engine


def _logo_data_uri(memo: Memo) -> str:
    logo = memo.work_unit.logo
    if not logo:
        return ""
    # Read through the storage (local folder or object storage) rather than by URL.
    with logo.open("rb") as handle:
        data = handle.read()
    mime = mimetypes.guess_type(logo.name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode()}"


def _letterhead(memo: Memo) -> dict:
    unit = memo.work_unit
    contact = []
    if unit.phone:
        contact.append(f"Telepon {unit.phone}")
    if unit.email:
        contact.append(f"Surel {unit.email}")
    if unit.website:
        contact.append(f"Laman {unit.website}")
    return {
        "agency": getattr(settings, "MEMO_LETTERHEAD_AGENCY", DEFAULT_LETTERHEAD_AGENCY),
        "secretariat": (unit.secretariat_name or unit.name).upper(),
        "address_lines": [line.strip() for line in unit.address.splitlines() if line.strip()],
        "contact": " · ".join(contact),
        "logo": _logo_data_uri(memo),
    }


def _paragraphs(text: str) -> list[str]:
    """Blank lines separate paragraphs; single line breaks stay inside a paragraph."""
    blocks = [block.strip() for block in text.replace("\r\n", "\n").split("\n\n")]
    return [block for block in blocks if block]


def memo_render_context(memo: Memo, *, paginate: bool = False) -> dict:
    url = verification_url(memo)
    attachments = list(memo.attachments.all()) if memo.pk else []
    return {
        "memo": memo,
        "letterhead": _letterhead(memo),
        "number": memo.number,
        "tanggal": tanggal_indonesia(memo.issued_on),
        "sifat": Sifat(memo.sifat).label if memo.sifat in Sifat.values else memo.sifat,
        "lampiran": lampiran_text(memo.attachment_count),
        "attachments": attachments,
        "carbon_copies": [cc for cc in memo.carbon_copies if str(cc).strip()],
        "paragraphs": _paragraphs(memo.body),
        "acting_prefix": acting_prefix(memo.signer_acting_kind),
        "place": memo.place or memo.work_unit.city,
        "kind_label": MemoKind(memo.kind).label if memo.kind in MemoKind.values else memo.kind,
        "verification_url": url,
        "verification_code": memo.verification_code,
        "qr": qr_data_uri(url),
        "paginate": paginate,
    }


def _pdf_options(memo: Memo, *, archive: bool) -> dict:
    options = {"pdf_identifier": memo.verification_code.encode(), "custom_metadata": True}
    if archive:
        options["pdf_variant"] = ARCHIVE_PDF_VARIANT
    return options


def _layout(template: str, context: dict, engine: _Engine, options: dict):
    with translation.override("id"):
        html = render_to_string(template, context)
    return engine.html_class(string=html, url_fetcher=engine.fetcher).render(
        stylesheets=[engine.fonts_css], font_config=engine.font_config, **options
    )


def _render(template: str, memo: Memo, *, archive: bool, extra: dict | None = None) -> bytes:
    context = memo_render_context(memo) | (extra or {})
    options = _pdf_options(memo, archive=archive)
    with _engine_lock:
        engine = _get_engine()
        document = _layout(template, context, engine, options)
        # "Halaman X dari Y" belongs on memos of more than one page only, and the page count
        # is known after layout: lay out again, with numbering, when it runs over a page.
        if len(document.pages) > 1:
            document = _layout(template, context | {"paginate": True}, engine, options)
        return document.write_pdf(**options)


def render_memo_pdf(memo: Memo, *, archive: bool = False) -> bytes:
    """The nota dinas as issued (or, with archive=True, its PDF/A archive copy)."""
    return _render("memos/pdf/nota_dinas.html", memo, archive=archive)


def render_memo_archive_pdf(memo: Memo) -> bytes:
    return render_memo_pdf(memo, archive=True)


def render_disposition_sheet_pdf(memo: Memo) -> bytes:
    """The lembar disposisi that goes with a step-1 disposition memo."""
    item = memo.content_item
    instruction = item.instruction if item is not None else memo.subject
    received_on = memo.issued_on
    extra = {
        "agenda_number": (
            f"{memo.sequence_number}/{memo.year}" if memo.sequence_number else memo.number
        ),
        "received_on": tanggal_indonesia(received_on),
        "instructions": [
            {"label": label, "ticked": label in DISPOSITION_TICKED}
            for label in DISPOSITION_INSTRUCTIONS
        ],
        "instruction_text": instruction,
        "sifat_options": [
            {"label": label, "ticked": value == memo.sifat} for value, label in Sifat.choices
        ],
    }
    return _render("memos/pdf/lembar_disposisi.html", memo, archive=False, extra=extra)
