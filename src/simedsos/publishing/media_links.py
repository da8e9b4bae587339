"""Signed, expiring links to draft media, for platforms that fetch media by URL (Instagram,
Threads, TikTok pull, Facebook by url): PUBLIC_BASE_URL/m/<signed token>/.

The token names the media file and its expiry and is signed with SECRET_KEY (django.core.signing),
so it cannot be forged or extended; the view answers 403 with a plain message when it has
expired or was tampered with. No login: the platform's fetcher has none.
"""

from __future__ import annotations

import datetime
import time

from django.conf import settings
from django.core import signing
from django.http import FileResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods

SALT = "simedsos.publishing.media-link"
DEFAULT_LIFETIME = datetime.timedelta(hours=2)
EXPIRED_MESSAGE = "Tautan media ini sudah kedaluwarsa. Minta tautan baru dari SIMEDSOS JDIH."
INVALID_MESSAGE = "Tautan media ini tidak sah (rusak atau diubah)."


def public_base_url() -> str:
    return (getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")


def media_token(media_id: int, *, lifetime: datetime.timedelta = DEFAULT_LIFETIME) -> str:
    expires = int(time.time() + lifetime.total_seconds())
    return signing.dumps({"m": media_id, "e": expires}, salt=SALT, compress=True)


def media_link(media_id: int, *, lifetime: datetime.timedelta = DEFAULT_LIFETIME) -> str | None:
    """The public link of a draft media file, or None when PUBLIC_BASE_URL is not set."""
    base = public_base_url()
    if not base:
        return None
    token = media_token(media_id, lifetime=lifetime)
    path = reverse("publishing:media_link", kwargs={"token": token})
    return f"{base}{path}"


def media_id_from_token(token: str, *, now: float | None = None) -> int:
    """The media id a token names; raises signing.SignatureExpired / BadSignature."""
    data = signing.loads(token, salt=SALT)
    if not isinstance(data, dict) or "m" not in data or "e" not in data:
        raise signing.BadSignature("malformed")
    if (now if now is not None else time.time()) > float(data["e"]):
        raise signing.SignatureExpired("expired")
    return int(data["m"])


@require_http_methods(["GET", "HEAD"])
def serve_media(request, token: str):
    from simedsos.content.models import DraftMedia

    try:
        media_id = media_id_from_token(token)
    except signing.SignatureExpired:
        return HttpResponseForbidden(EXPIRED_MESSAGE, content_type="text/plain; charset=utf-8")
    except (signing.BadSignature, ValueError):
        return HttpResponseForbidden(INVALID_MESSAGE, content_type="text/plain; charset=utf-8")
    media = get_object_or_404(DraftMedia, pk=media_id)
    response = FileResponse(media.file.open("rb"), content_type=media.mime_type)
    response["Cache-Control"] = "private, max-age=300"
    return response
