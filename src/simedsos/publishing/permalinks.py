"""Which web addresses are posts on which platform (data, not code)."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from simedsos.publishing.platforms.limits import Platform

# platform -> hosts whose addresses (and subdomains, e.g. www., m., web.) are its posts
PLATFORM_HOSTS: dict[str, tuple[str, ...]] = {
    Platform.FACEBOOK: ("facebook.com", "fb.com", "fb.watch"),
    Platform.INSTAGRAM: ("instagram.com",),
    Platform.X: ("x.com", "twitter.com"),
    Platform.YOUTUBE: ("youtube.com", "youtu.be"),
    Platform.TIKTOK: ("tiktok.com",),
    Platform.THREADS: ("threads.net", "threads.com"),
    Platform.TELEGRAM: ("t.me",),
    Platform.BLUESKY: ("bsky.app",),
}


def host_matches(host: str, allowed: tuple[str, ...]) -> bool:
    host = host.lower().rstrip(".")
    return any(host == a or host.endswith("." + a) for a in allowed)


def validate_post_url(platform: str, url: str) -> str:
    """The post address, trimmed; a clear Indonesian message when it cannot be this platform's."""
    value = (url or "").strip()
    label = Platform(platform).label
    allowed = PLATFORM_HOSTS[platform]
    if not value:
        raise ValidationError(f"Tautan unggahan {label} wajib diisi.")
    if not value.lower().startswith("https://"):
        raise ValidationError(
            f"Tautan unggahan harus diawali https:// (salin alamat lengkap unggahan dari {label})."
        )
    try:
        URLValidator(schemes=["https"])(value)
    except ValidationError as exc:
        raise ValidationError(f"Tautan {value} bukan alamat web yang sah.") from exc
    parts = urlsplit(value)
    if not host_matches(parts.hostname or "", allowed):
        raise ValidationError(
            f"Tautan ini bukan alamat {label} ({', '.join(allowed)}). "
            f"Salin tautan unggahan dari {label}."
        )
    if parts.path.strip("/") == "":
        raise ValidationError(
            f"Tautan ini menuju beranda {label}, bukan ke unggahannya. "
            "Buka unggahannya lalu salin tautannya."
        )
    return value
