"""Checks on an uploaded media file, by its content and never by its name.

Images are identified and measured by Pillow, restricted to the four formats we accept so that
no other Pillow decoder (or an external program such as Ghostscript) ever runs on an upload.
MP4/MOV videos are identified by their `ftyp` box and measured from the `mvhd`/`tkhd` boxes of
`moov` with a small parser here: only three numbers are needed, and a full media library would
parse far more untrusted data than that.
"""

import io
import os
import struct
import warnings
from collections.abc import Iterator
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from simedsos.publishing.platforms.limits import MOV, MP4

from .preflight import MediaInfo, MediaKind

DEFAULT_MAX_IMAGE_MB = 8
DEFAULT_MAX_VIDEO_MB = 512
DEFAULT_MAX_IMAGE_PIXELS = 50_000_000
# A moov box holds the sample tables; hours of video need a few MB. Anything far larger is not
# a video we should parse in memory.
MAX_MOOV_BYTES = 64 * 1024 * 1024

PILLOW_FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
ALLOWED_LABELS = "JPEG, PNG, WebP, GIF, MP4, MOV"

# ftyp brands that are images or sound in an MP4-style container, not videos.
NOT_VIDEO_BRANDS = {
    b"heic": "HEIC",
    b"heix": "HEIC",
    b"hevc": "HEIC",
    b"heim": "HEIC",
    b"heis": "HEIC",
    b"mif1": "HEIF",
    b"msf1": "HEIF",
    b"avif": "AVIF",
    b"avis": "AVIF",
    b"M4A ": "M4A (audio)",
    b"M4B ": "M4B (audio)",
    b"M4P ": "M4P (audio)",
}

# Only to name what a refused file really is in the message; never to accept anything.
KNOWN_SIGNATURES = (
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/dokumen Office"),
    (b"MZ", "program Windows"),
    (b"\x7fELF", "program"),
    (b"Rar!", "RAR"),
    (b"\x1f\x8b", "GZIP"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
)


class MediaRejected(ValidationError):
    """An upload we refuse; the message (Indonesian) names the file and says what to do."""

    def __init__(self, message: str):
        super().__init__(message, code="media_rejected")


def _setting(name: str, default: float) -> float:
    # Settings win; until settings.py defines it, the environment variable of the same name.
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return float(value)


def max_image_bytes() -> int:
    return int(_setting("MEDIA_MAX_IMAGE_MB", DEFAULT_MAX_IMAGE_MB) * 1024 * 1024)


def max_video_bytes() -> int:
    return int(_setting("MEDIA_MAX_VIDEO_MB", DEFAULT_MAX_VIDEO_MB) * 1024 * 1024)


def max_image_pixels() -> int:
    return int(_setting("MEDIA_MAX_IMAGE_PIXELS", DEFAULT_MAX_IMAGE_PIXELS))


def _mb(n_bytes: float) -> str:
    text = f"{n_bytes / (1024 * 1024):.1f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _file_size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if isinstance(size, int):
        return size
    file.seek(0, os.SEEK_END)
    size = file.tell()
    file.seek(0)
    return size


def inspect_upload(file: IO[bytes]) -> MediaInfo:
    """Identify and measure an uploaded file, or raise MediaRejected.

    `file` is a Django UploadedFile or any seekable binary file object; its name is used only
    in messages. The returned MediaInfo has an empty alt text (the person writes it)."""
    name = os.path.basename(getattr(file, "name", "") or "") or _("tanpa nama")
    size = _file_size(file)
    if size == 0:
        raise MediaRejected(_('Berkas "%(name)s" kosong. Unggah ulang berkasnya.') % {"name": name})
    file.seek(0)
    head = file.read(32)
    file.seek(0)
    if head[4:8] == b"ftyp":
        return _inspect_video(file, name, size, head)
    return _inspect_image(file, name, size, head)


def _refuse_type(name: str, head: bytes, what: str | None = None) -> MediaRejected:
    if what is None:
        what = _sniff(head)
    if what:
        message = _(
            'Berkas "%(name)s" ternyata berisi %(what)s, bukan gambar atau video yang diterima '
            "(%(ok)s), apa pun nama berkasnya. Unggah berkas gambar atau video yang benar."
        ) % {"name": name, "what": what, "ok": ALLOWED_LABELS}
    else:
        message = _(
            'Berkas "%(name)s" bukan gambar atau video yang diterima (%(ok)s): isinya tidak '
            "dikenali, apa pun nama berkasnya. Unggah berkas gambar atau video yang benar."
        ) % {"name": name, "ok": ALLOWED_LABELS}
    return MediaRejected(message)


def _sniff(head: bytes) -> str | None:
    for signature, label in KNOWN_SIGNATURES:
        if head.startswith(signature):
            return label
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script")):
        return "HTML"
    if text.startswith((b"<svg", b"<?xml")):
        return "SVG/XML"
    return None


def _refuse_corrupt(name: str) -> MediaRejected:
    return MediaRejected(
        _(
            'Berkas "%(name)s" rusak atau tidak lengkap (mungkin terpotong saat disalin). '
            "Ekspor ulang atau unggah berkas aslinya."
        )
        % {"name": name}
    )


def _refuse_pixels(name: str, width: int | None = None, height: int | None = None):
    limit = _("%(n)s megapiksel") % {"n": f"{max_image_pixels() / 1_000_000:g}".replace(".", ",")}
    if width and height:
        message = _(
            'Berkas "%(name)s" berukuran %(w)s × %(h)s piksel, melebihi batas %(limit)s. '
            "Perkecil resolusi gambar lalu unggah lagi."
        ) % {
            "name": name,
            "w": f"{width:,}".replace(",", "."),
            "h": f"{height:,}".replace(",", "."),
            "limit": limit,
        }
    else:
        message = _(
            'Berkas "%(name)s" mengaku beresolusi sangat besar (melebihi %(limit)s) dan ditolak '
            "demi keamanan server. Perkecil resolusi gambar lalu unggah lagi."
        ) % {"name": name, "limit": limit}
    return MediaRejected(message)


# --- images ------------------------------------------------------------------------------------


def _inspect_image(file: IO[bytes], name: str, size: int, head: bytes) -> MediaInfo:
    limit = max_image_bytes()
    try:
        # Pillow warns (and above twice its limit, raises) on huge pixel counts; both refuse.
        # The warning filter is process-wide, so under threads it may be briefly reset by
        # another upload; our own, lower pixel limit below still refuses such a file.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(file, formats=PILLOW_FORMATS) as image:
                if size > limit:
                    raise MediaRejected(
                        _(
                            'Berkas "%(name)s" berukuran %(size)s MB, melebihi batas gambar '
                            "%(max)s MB. Kompres atau perkecil gambar lalu unggah lagi."
                        )
                        % {"name": name, "size": _mb(size), "max": _mb(limit)}
                    )
                width, height = image.size
                if width * height > max_image_pixels():
                    raise _refuse_pixels(name, width, height)
                image_format = image.format
                orientation = image.getexif().get(0x0112)
                if image_format == "JPEG":
                    # Decode at 1/8 scale: every byte is still read (so truncation shows) but
                    # memory stays small.
                    image.draft(image.mode, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except MediaRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refuse_pixels(name) from None
    except UnidentifiedImageError:
        raise _refuse_type(name, head) from None
    except (OSError, SyntaxError, ValueError, EOFError, struct.error, IndexError):
        # Pillow reports a truncated or malformed image with one of these.
        raise _refuse_corrupt(name) from None
    # EXIF orientations 5–8 turn the picture a quarter: a person sees it the other way round.
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    return MediaInfo(
        kind=MediaKind.IMAGE,
        mime=Image.MIME[image_format],
        bytes=size,
        width=width,
        height=height,
    )


# --- videos ------------------------------------------------------------------------------------


class _Corrupt(Exception):
    pass


def _boxes(stream: IO[bytes], start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    """(type, payload start, box end) for each box in stream[start:end]."""
    position = start
    while position + 8 <= end:
        stream.seek(position)
        header = stream.read(8)
        if len(header) < 8:
            raise _Corrupt
        box_size, box_type = struct.unpack(">I4s", header)
        header_size = 8
        if box_size == 1:
            large = stream.read(8)
            if len(large) < 8:
                raise _Corrupt
            (box_size,) = struct.unpack(">Q", large)
            header_size = 16
        elif box_size == 0:
            box_size = end - position
        if box_size < header_size or position + box_size > end:
            raise _Corrupt
        yield box_type, position + header_size, position + box_size
        position += box_size


def _children(data: bytes, start: int, end: int) -> Iterator[tuple[bytes, int, int]]:
    return _boxes(io.BytesIO(data), start, end)


def _read_mvhd(data: bytes, start: int, end: int) -> float:
    version = data[start]
    if end - start < (32 if version == 1 else 20):
        raise _Corrupt
    if version == 1:
        timescale, duration = struct.unpack_from(">IQ", data, start + 20)
    else:
        timescale, duration = struct.unpack_from(">II", data, start + 12)
    if not timescale:
        raise _Corrupt
    return duration / timescale


def _read_tkhd(data: bytes, start: int, end: int) -> tuple[int, int]:
    version = data[start]
    fixed = start + (36 if version == 1 else 24)  # after the version-dependent times
    if fixed + 60 > end:
        raise _Corrupt
    matrix_a, matrix_b = struct.unpack_from(">ii", data, fixed + 16)
    width, height = struct.unpack_from(">II", data, fixed + 52)
    width, height = width >> 16, height >> 16  # 16.16 fixed point
    # A matrix turning the picture a quarter (phone videos shot upright) swaps what is seen.
    if matrix_a == 0 and matrix_b != 0:
        width, height = height, width
    return width, height


def _handler(data: bytes, start: int, end: int) -> bytes:
    for box_type, payload, box_end in _children(data, start, end):
        if box_type == b"hdlr" and box_end - payload >= 12:
            return data[payload + 8 : payload + 12]
    return b""


def _video_track_size(data: bytes, start: int, end: int) -> tuple[int, int] | None:
    size = None
    handler = b""
    for box_type, payload, box_end in _children(data, start, end):
        if box_type == b"tkhd":
            size = _read_tkhd(data, payload, box_end)
        elif box_type == b"mdia":
            handler = _handler(data, payload, box_end)
    if size and size[0] and size[1] and handler in (b"vide", b""):
        return size
    return None


def _inspect_video(file: IO[bytes], name: str, size: int, head: bytes) -> MediaInfo:
    brand = head[8:12]
    if brand in NOT_VIDEO_BRANDS:
        raise _refuse_type(name, head, NOT_VIDEO_BRANDS[brand])
    limit = max_video_bytes()
    if size > limit:
        raise MediaRejected(
            _(
                'Berkas "%(name)s" berukuran %(size)s MB, melebihi batas video %(max)s MB. '
                "Kompres atau potong video lalu unggah lagi."
            )
            % {"name": name, "size": _mb(size), "max": _mb(limit)}
        )
    try:
        moov = None
        for box_type, payload, box_end in _boxes(file, 0, size):
            if box_type == b"moov":
                if box_end - payload > MAX_MOOV_BYTES:
                    raise _Corrupt
                file.seek(payload)
                data = file.read(box_end - payload)
                if len(data) != box_end - payload:
                    raise _Corrupt
                moov = data
                break
        if moov is None:
            raise _Corrupt
        duration = None
        dimensions = None
        for box_type, payload, box_end in _children(moov, 0, len(moov)):
            if box_type == b"mvhd":
                duration = _read_mvhd(moov, payload, box_end)
            elif box_type == b"trak" and dimensions is None:
                dimensions = _video_track_size(moov, payload, box_end)
    except (_Corrupt, struct.error, IndexError):
        raise _refuse_corrupt(name) from None
    finally:
        file.seek(0)
    if duration is None:
        raise _refuse_corrupt(name)
    if dimensions is None:
        raise MediaRejected(
            _(
                'Berkas "%(name)s" tidak berisi gambar video (mungkin hanya suara). Unggah '
                "berkas video MP4 atau MOV."
            )
            % {"name": name}
        )
    return MediaInfo(
        kind=MediaKind.VIDEO,
        mime=MOV if brand == b"qt  " else MP4,
        bytes=size,
        width=dimensions[0],
        height=dimensions[1],
        duration_seconds=round(duration, 3),
    )
