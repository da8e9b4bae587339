"""Threads (shared/reference/platform-apis.md §6): the same container → publish pattern as
Instagram on graph.threads.net, with TEXT posts, `status` instead of `status_code` and
long-lived tokens refreshed with `th_refresh_token`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from .base import AccountRef, ConnectionReport, Credentials, OutgoingMedia, OutgoingPost
from .graph import GraphContainerAdapter
from .instagram import SUBCODES
from .limits import Platform


class ThreadsAdapter(GraphContainerAdapter):
    platform = Platform.THREADS
    defaults = {"base_url": "https://graph.threads.net", "version": "v1.0"}
    container_edge = "threads"
    publish_edge = "threads_publish"
    limit_edge = "threads_publishing_limit"
    status_fields = "status,error_message"
    list_fields = "id,text,timestamp,permalink"
    text_field = "text"
    detail_fields = "permalink,timestamp,shortcode"
    subcodes = SUBCODES

    def container_state(self, body) -> str:
        return str(body.get("status") or "")

    def item_params(self, media: OutgoingMedia, *, carousel_item: bool) -> dict[str, Any]:
        url = self.public_url(media)
        if media.is_video:
            params = {"media_type": "VIDEO", "video_url": url}
        else:
            params = {"media_type": "IMAGE", "image_url": url}
        if carousel_item:
            params["is_carousel_item"] = "true"
        return params

    def single_params(self, post: OutgoingPost) -> dict[str, Any]:
        if not post.media:
            return {"media_type": "TEXT", "text": post.text}
        return {**self.item_params(post.media[0], carousel_item=False), "text": post.text}

    def carousel_params(self, post: OutgoingPost, children: list[str]) -> dict[str, Any]:
        return {"media_type": "CAROUSEL", "children": ",".join(children), "text": post.text}

    def permalink(self, external_id: str, **parts: Any) -> str:
        shortcode = parts.get("shortcode")
        handle = self.account.public_handle if self.account else ""
        if shortcode and handle:
            return f"https://www.threads.net/@{handle}/post/{shortcode}"
        return ""

    def can_refresh(self, credentials: Credentials) -> bool:
        return bool(credentials.access_token)

    def refresh_credentials(self, credentials: Credentials) -> Credentials:
        """Long-lived tokens (60 days) are refreshed once ≥ 24 h old and not yet expired."""
        now = self.clock()
        if credentials.issued_at and now - credentials.issued_at < timedelta(hours=24):
            return credentials
        response = self.request(
            "GET",
            f"{self.config['base_url'].rstrip('/')}/refresh_access_token",
            params={"grant_type": "th_refresh_token", "access_token": credentials.access_token},
        )
        body = self.json(response)
        return Credentials(
            access_token=body["access_token"],
            expires_at=now + timedelta(seconds=int(body.get("expires_in") or 5_184_000)),
            issued_at=now,
            extra=credentials.extra,
        )

    def token_expiry_warning(self, credentials, now):
        deadline = credentials.expires_at
        if deadline is not None and deadline <= now:
            return super().token_expiry_warning(credentials, now)
        return None  # refreshed automatically while still valid

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        return self.graph_test_connection(account, credentials, "id,username,name")
