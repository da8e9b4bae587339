"""Instagram professional account through the Graph API content publishing flow
(shared/reference/platform-apis.md §2): containers made from public media URLs, polled until
FINISHED, then `media_publish`. Works on either host (Facebook Login: graph.facebook.com,
Instagram Login: graph.instagram.com); only Instagram-Login tokens are refreshed here."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .base import AccountRef, ConnectionReport, Credentials, OutgoingMedia, OutgoingPost
from .errors import ErrorClass
from .graph import GraphContainerAdapter
from .limits import Platform

SUBCODES = {
    2207001: ErrorClass.RETRYABLE,  # Instagram server error
    2207003: ErrorClass.RETRYABLE,  # timeout downloading media
    2207008: ErrorClass.RETRYABLE,  # container not found / not ready
    2207020: ErrorClass.RETRYABLE,  # container expired: a new one is made on retry
    2207027: ErrorClass.RETRYABLE,  # media not ready for publishing yet
    2207032: ErrorClass.RETRYABLE,  # container creation failed
    2207053: ErrorClass.RETRYABLE,  # unknown upload error (video)
    2207004: ErrorClass.PERMANENT,  # image too large
    2207051: ErrorClass.PERMANENT,  # restricted as suspected spam
    2207057: ErrorClass.PERMANENT,  # thumbnail offset out of range
    2207042: ErrorClass.RATE_LIMITED,  # publishing limit reached
}


class InstagramAdapter(GraphContainerAdapter):
    platform = Platform.INSTAGRAM
    defaults = {
        "base_url": "https://graph.facebook.com",
        "version": "v25.0",
        "login": "facebook",  # or "instagram" (graph.instagram.com, refreshable tokens)
        "refresh_url": "https://graph.instagram.com/refresh_access_token",
    }
    subcodes = SUBCODES
    detail_fields = "permalink,timestamp,shortcode"

    def item_params(self, media: OutgoingMedia, *, carousel_item: bool) -> dict[str, Any]:
        url = self.public_url(media)
        if media.is_video:
            # Single feed videos publish as reels; carousel children stay VIDEO.
            params = {"media_type": "VIDEO" if carousel_item else "REELS", "video_url": url}
        else:
            params = {"image_url": url}
            if media.alt_text:
                params["alt_text"] = media.alt_text
        if carousel_item:
            params["is_carousel_item"] = "true"
        return params

    def single_params(self, post: OutgoingPost) -> dict[str, Any]:
        return {**self.item_params(post.media[0], carousel_item=False), "caption": post.text}

    def carousel_params(self, post: OutgoingPost, children: list[str]) -> dict[str, Any]:
        return {"media_type": "CAROUSEL", "children": ",".join(children), "caption": post.text}

    def permalink(self, external_id: str, **parts: Any) -> str:
        shortcode = parts.get("shortcode")
        return f"https://www.instagram.com/p/{shortcode}/" if shortcode else ""

    def can_refresh(self, credentials: Credentials) -> bool:
        return self.config.get("login") == "instagram" and bool(credentials.access_token)

    def refresh_credentials(self, credentials: Credentials) -> Credentials:
        """Instagram-Login long-lived tokens (60 days) are refreshed when ≥ 24 h old."""
        if not self.can_refresh(credentials):
            return credentials
        now = self.clock()
        if credentials.issued_at and now - credentials.issued_at < timedelta(hours=24):
            return credentials
        response = self.request(
            "GET",
            self.config["refresh_url"],
            params={"grant_type": "ig_refresh_token", "access_token": credentials.access_token},
        )
        body = self.json(response)
        return Credentials(
            access_token=body["access_token"],
            expires_at=now + timedelta(seconds=int(body.get("expires_in") or 5_184_000)),
            issued_at=now,
            extra=credentials.extra,
        )

    def token_expiry_warning(self, credentials, now):
        # A refreshable token warns only once it has actually run out.
        if self.can_refresh(credentials):
            deadline = credentials.expires_at
            if deadline is not None and deadline <= now:
                return super().token_expiry_warning(credentials, now)
            return None
        return super().token_expiry_warning(credentials, now)

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        return self.graph_test_connection(account, credentials, "id,username,name")
