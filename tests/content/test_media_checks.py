"""Uploads are checked by their content, never by their name."""

import io
import random
import struct
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from simedsos.content.media_checks import MediaRejected, inspect_upload
from simedsos.content.preflight import MediaKind


def image_bytes(fmt="JPEG", size=(120, 80), exif=None, noisy=False, **save):
    if noisy:
        # Random pixels do not compress: makes a file large enough to cut in half.
        pixels = random.Random(1176).randbytes(size[0] * size[1] * 3)
        image = Image.frombytes("RGB", size, pixels)
    else:
        image = Image.new("RGB", size, (200, 30, 40))
    buffer = io.BytesIO()
    if exif is not None:
        save["exif"] = exif
    image.save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


# --- a tiny MP4 built box by box ---------------------------------------------------------------


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mvhd(timescale=1000, duration=12_500, version=0):
    if version == 1:
        times = struct.pack(">QQIQ", 0, 0, timescale, duration)
    else:
        times = struct.pack(">IIII", 0, 0, timescale, duration)
    rest = struct.pack(">IH10x36x24xI", 0x00010000, 0x0100, 2)  # rate, volume, matrix, next id
    return box(b"mvhd", bytes([version, 0, 0, 0]) + times + rest)


IDENTITY = (0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
ROTATE_90 = (0, 0x00010000, 0, -0x00010000, 0, 0, 0, 0, 0x40000000)


def tkhd(width, height, matrix=IDENTITY):
    times = struct.pack(">IIIII", 0, 0, 1, 0, 12_500)  # created, modified, track id, -, duration
    middle = struct.pack(">8xhhh2x", 0, 0, 0)  # layer, alternate group, volume
    return box(
        b"tkhd",
        bytes([0, 0, 0, 3])
        + times
        + middle
        + struct.pack(">9i", *matrix)
        + struct.pack(">II", width << 16, height << 16),
    )


def hdlr(handler: bytes):
    return box(b"hdlr", bytes(4) + bytes(4) + handler + bytes(12) + b"\x00")


def trak(width, height, handler=b"vide", matrix=IDENTITY):
    return box(b"trak", tkhd(width, height, matrix) + box(b"mdia", hdlr(handler)))


def mp4(
    brand=b"isom",
    tracks=None,
    header=None,
    moov_last=False,
    with_moov=True,
):
    ftyp = box(b"ftyp", brand + struct.pack(">I", 0x200) + brand + b"mp41")
    if tracks is None:
        tracks = [trak(1920, 1080)]
    moov = box(b"moov", (header if header is not None else mvhd()) + b"".join(tracks))
    mdat = box(b"mdat", b"\x00" * 64)
    parts = [ftyp]
    if with_moov and not moov_last:
        parts.append(moov)
    parts.append(mdat)
    if with_moov and moov_last:
        parts.append(moov)
    return b"".join(parts)


# --- PNG whose header claims any size ---------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_claiming(width, height):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", ihdr)
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


class TestImages:
    @pytest.mark.parametrize(
        "fmt, mime",
        [
            ("JPEG", "image/jpeg"),
            ("PNG", "image/png"),
            ("WEBP", "image/webp"),
            ("GIF", "image/gif"),
        ],
    )
    def test_allowed_formats_are_measured(self, fmt, mime):
        info = inspect_upload(upload("foto.bin", image_bytes(fmt, (120, 80))))
        assert info.kind == MediaKind.IMAGE
        assert (info.mime, info.width, info.height) == (mime, 120, 80)
        assert info.bytes == len(image_bytes(fmt, (120, 80)))
        assert info.duration_seconds is None and info.alt_text == ""

    def test_type_comes_from_content_not_name(self):
        info = inspect_upload(upload("dokumen.pdf", image_bytes("PNG")))
        assert info.mime == "image/png"

    def test_exif_orientation_swaps_what_a_person_sees(self):
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise to display
        info = inspect_upload(upload("hp.jpg", image_bytes("JPEG", (400, 300), exif=exif)))
        assert (info.width, info.height) == (300, 400)

    def test_pdf_renamed_jpg_is_refused(self):
        content = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n"
        with pytest.raises(MediaRejected) as caught:
            inspect_upload(upload("surat.jpg", content))
        message = caught.value.message
        assert message.startswith('Berkas "surat.jpg" ternyata berisi PDF, bukan gambar')
        assert "JPEG, PNG, WebP, GIF, MP4, MOV" in message
        assert isinstance(caught.value, ValidationError)

    def test_html_renamed_jpg_is_refused(self):
        content = b"  <!DOCTYPE html><html><script>alert(1)</script></html>"
        with pytest.raises(MediaRejected, match=r'"poster.jpg" ternyata berisi HTML'):
            inspect_upload(upload("poster.jpg", content))

    def test_unknown_content_is_refused(self):
        with pytest.raises(MediaRejected, match=r'"x.png" bukan gambar atau video yang diterima'):
            inspect_upload(upload("x.png", b"just some text, nothing more"))

    def test_formats_outside_the_list_are_refused_even_if_pillow_reads_them(self):
        with pytest.raises(MediaRejected, match="ternyata berisi BMP"):
            inspect_upload(upload("scan.jpg", image_bytes("BMP")))
        with pytest.raises(MediaRejected, match="ternyata berisi TIFF"):
            inspect_upload(upload("scan.jpg", image_bytes("TIFF")))

    def test_empty_file(self):
        with pytest.raises(MediaRejected, match=r'"kosong.jpg" kosong'):
            inspect_upload(upload("kosong.jpg", b""))

    def test_decompression_bomb_is_refused(self):
        bomb = png_claiming(100_000, 100_000)
        assert len(bomb) < 200
        with pytest.raises(MediaRejected) as caught:
            inspect_upload(upload("bom.png", bomb))
        assert '"bom.png"' in caught.value.message
        assert "mengaku beresolusi sangat besar (melebihi 50 megapiksel)" in caught.value.message

    def test_our_pixel_limit_is_below_pillows(self, settings):
        # 64 megapixels: Pillow would only warn above ~89 MP; our limit is 50 MP.
        with pytest.raises(MediaRejected) as caught:
            inspect_upload(upload("besar.png", png_claiming(8000, 8000)))
        assert caught.value.message.startswith(
            'Berkas "besar.png" berukuran 8.000 × 8.000 piksel, melebihi batas 50 megapiksel.'
        )

    def test_pixel_limit_boundary(self, settings):
        settings.MEDIA_MAX_IMAGE_PIXELS = 120 * 80
        assert inspect_upload(upload("pas.png", image_bytes("PNG", (120, 80)))).width == 120
        with pytest.raises(MediaRejected, match="121 × 80 piksel"):
            inspect_upload(upload("lebih.png", image_bytes("PNG", (121, 80))))

    def test_truncated_jpeg_is_refused(self):
        whole = image_bytes("JPEG", (256, 256), noisy=True, quality=95)
        assert inspect_upload(upload("utuh.jpg", whole)).width == 256
        with pytest.raises(MediaRejected) as caught:
            inspect_upload(upload("terpotong.jpg", whole[: len(whole) // 2]))
        assert caught.value.message.startswith('Berkas "terpotong.jpg" rusak atau tidak lengkap')

    def test_truncated_png_is_refused(self):
        whole = image_bytes("PNG", (256, 256), noisy=True)
        with pytest.raises(MediaRejected, match="rusak atau tidak lengkap"):
            inspect_upload(upload("terpotong.png", whole[: len(whole) // 2]))

    def test_size_limit_boundary(self, settings):
        content = image_bytes("PNG", (64, 64), noisy=True)
        settings.MEDIA_MAX_IMAGE_MB = len(content) / (1024 * 1024)
        assert inspect_upload(upload("pas.png", content)).bytes == len(content)
        settings.MEDIA_MAX_IMAGE_MB = (len(content) - 1) / (1024 * 1024)
        with pytest.raises(MediaRejected, match=r'"pas.png" berukuran .* melebihi batas gambar'):
            inspect_upload(upload("pas.png", content))

    def test_size_limit_message(self, settings):
        settings.MEDIA_MAX_IMAGE_MB = 1
        content = image_bytes("PNG", (1200, 1200), noisy=True)
        assert len(content) > 1024 * 1024
        with pytest.raises(MediaRejected) as caught:
            inspect_upload(upload("foto.png", content))
        assert "melebihi batas gambar 1 MB" in caught.value.message

    def test_default_size_limit_comes_from_environment(self, monkeypatch):
        monkeypatch.setenv("MEDIA_MAX_IMAGE_MB", "0.001")
        with pytest.raises(MediaRejected, match="melebihi batas gambar"):
            inspect_upload(upload("foto.png", image_bytes("PNG", (64, 64), noisy=True)))


class TestVideos:
    def test_mp4_is_measured_from_its_boxes(self):
        info = inspect_upload(upload("video.mp4", mp4()))
        assert info.kind == MediaKind.VIDEO
        assert (info.mime, info.width, info.height, info.duration_seconds) == (
            "video/mp4",
            1920,
            1080,
            12.5,
        )

    def test_mov_brand_and_version_1_header(self):
        content = mp4(brand=b"qt  ", header=mvhd(timescale=600, duration=600 * 90, version=1))
        info = inspect_upload(upload("klip.MOV", content))
        assert (info.mime, info.duration_seconds) == ("video/quicktime", 90.0)

    def test_moov_after_mdat_and_audio_track_first(self):
        tracks = [trak(0, 0, handler=b"soun"), trak(720, 1280)]
        info = inspect_upload(upload("v.mp4", mp4(tracks=tracks, moov_last=True)))
        assert (info.width, info.height) == (720, 1280)

    def test_rotated_phone_video_is_upright(self):
        info = inspect_upload(upload("hp.mp4", mp4(tracks=[trak(1920, 1080, matrix=ROTATE_90)])))
        assert (info.width, info.height) == (1080, 1920)

    def test_name_does_not_matter(self):
        assert inspect_upload(upload("gambar.jpg", mp4())).kind == MediaKind.VIDEO

    def test_missing_moov_is_corrupt(self):
        with pytest.raises(MediaRejected, match=r'"rusak.mp4" rusak atau tidak lengkap'):
            inspect_upload(upload("rusak.mp4", mp4(with_moov=False)))

    def test_truncated_video_is_corrupt(self):
        content = mp4(moov_last=True)
        with pytest.raises(MediaRejected, match="rusak atau tidak lengkap"):
            inspect_upload(upload("potong.mp4", content[:-20]))

    def test_zero_timescale_is_corrupt(self):
        with pytest.raises(MediaRejected, match="rusak atau tidak lengkap"):
            inspect_upload(upload("v.mp4", mp4(header=mvhd(timescale=0))))

    def test_audio_only_is_refused(self):
        with pytest.raises(MediaRejected, match="tidak berisi gambar video"):
            inspect_upload(upload("suara.mp4", mp4(tracks=[trak(0, 0, handler=b"soun")])))

    def test_heic_photo_is_refused_with_its_name(self):
        with pytest.raises(MediaRejected, match=r'"IMG_0001.jpg" ternyata berisi HEIC'):
            inspect_upload(upload("IMG_0001.jpg", mp4(brand=b"heic")))

    def test_size_limit(self, settings):
        content = mp4()
        settings.MEDIA_MAX_VIDEO_MB = len(content) / (1024 * 1024)
        assert inspect_upload(upload("v.mp4", content)).bytes == len(content)
        settings.MEDIA_MAX_VIDEO_MB = (len(content) - 1) / (1024 * 1024)
        with pytest.raises(MediaRejected, match=r'"v.mp4" berukuran .* melebihi batas video'):
            inspect_upload(upload("v.mp4", content))

    def test_file_is_rewound_for_saving(self):
        file = upload("v.mp4", mp4())
        inspect_upload(file)
        assert file.tell() == 0
