"""Reading rendered PDFs back: text, fonts, images and QR codes."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def page_texts(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace collapsed (layout wraps lines anywhere)."""
    return [" ".join((page.extract_text() or "").split()) for page in reader(pdf).pages]


def text(pdf: bytes) -> str:
    return " ".join(page_texts(pdf))


def embedded_fonts(pdf: bytes) -> dict[str, bool]:
    """Font name without the subset tag -> whether its program is embedded in the file."""
    fonts: dict[str, bool] = {}
    for page in reader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"]).lstrip("/").split("+", 1)[-1]
            descendants = font.get("/DescendantFonts")
            descriptor = (
                descendants[0].get_object()["/FontDescriptor"]
                if descendants
                else font.get("/FontDescriptor")
            )
            descriptor = descriptor.get_object() if descriptor is not None else {}
            fonts[name] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def images(pdf: bytes, page_number: int = 0) -> list[Image.Image]:
    return [img.image for img in reader(pdf).pages[page_number].images]


def qr_payloads(pdf: bytes, page_number: int = 0) -> list[str]:
    payloads = []
    for image in images(pdf, page_number):
        gray = image.convert("L")
        # Scale up without smoothing so module edges stay sharp for the decoder.
        gray = gray.resize((gray.width * 4, gray.height * 4), Image.Resampling.NEAREST)
        payloads += [r.text for r in zxingcpp.read_barcodes(gray)]
    return payloads
