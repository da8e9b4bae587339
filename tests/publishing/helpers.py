"""Shared test helpers for the platform adapters."""

from __future__ import annotations

import io
import json
from pathlib import Path

from PIL import Image

from simedsos.publishing.platforms.base import OutgoingMedia, OutgoingPost

FIXTURES = Path(__file__).resolve().parents[2] / "../shared/fixtures/platform-responses"
FAST = {"poll_interval": 0, "poll_attempts": 5}
SHORT_TIMEOUT = {"connect": 2, "read": 0.5, "write": 2, "pool": 2}


def fixture(platform: str, name: str):
    """A real recorded response body from shared/fixtures/platform-responses/."""
    return json.loads((FIXTURES / platform / name).read_text(encoding="utf-8"))


def jpeg_bytes(width=800, height=800) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def image(
    n=1, *, width=800, height=800, public=True, alt="Infografis JDIH", mime="image/jpeg"
) -> OutgoingMedia:
    data = jpeg_bytes(width, height)
    return OutgoingMedia(
        mime=mime,
        size=len(data),
        opener=lambda: io.BytesIO(data),
        width=width,
        height=height,
        alt_text=alt,
        public_url=f"https://jdih.example.go.id/m/img{n}.jpg" if public else None,
        filename=f"img{n}.jpg",
    )


def video(*, size=3 * 1024 * 1024, seconds=30.0, public=True, width=1080, height=1920):
    data = bytes(range(256)) * (size // 256) + b"\0" * (size % 256)
    return OutgoingMedia(
        mime="video/mp4",
        size=len(data),
        opener=lambda: io.BytesIO(data),
        width=width,
        height=height,
        duration_seconds=seconds,
        public_url="https://jdih.example.go.id/m/video.mp4" if public else None,
        filename="video.mp4",
    )


def post(text="Sosialisasi JDIH KPU Kalimantan Tengah #JDIH", media=(), **kwargs):
    return OutgoingPost(text=text, media=tuple(media), **kwargs)
