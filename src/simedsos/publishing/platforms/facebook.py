"""Facebook Page through the Graph API (shared/reference/platform-apis.md §1).

Text → POST /{page}/feed; one photo → POST /{page}/photos; several photos → each uploaded
unpublished, then one /feed post with `attached_media`; video → POST graph-video /{page}/videos.
Bytes are sent as multipart `source` (no public URL needed); a media item without bytes, or
every item when PLATFORM_API["FACEBOOK"]["media_by_url"] is on (Facebook then fetches large
videos itself instead of the server pushing them), goes by `url`/`file_url` from the signed
public link, which needs a reachable PUBLIC_BASE_URL. No idempotency key exists: after a lost
answer, the Page's recent posts are searched for our text before anything is retried.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from django.utils.translation import gettext as _

from .base import (
    AccountRef,
    Checkpoint,
    ConnectionReport,
    Credentials,
    OutgoingMedia,
    OutgoingPost,
    PlatformAdapter,
    PublishResult,
    PublishState,
    ReconcileOutcome,
)
from .errors import PlatformError
from .graph import DUPLICATE_CODE, graph_error, parse_graph_time, same_text
from .limits import Platform


class FacebookAdapter(PlatformAdapter):
    platform = Platform.FACEBOOK
    defaults = {
        "base_url": "https://graph.facebook.com",
        "video_base_url": "https://graph-video.facebook.com",
        "version": "v25.0",
        "media_by_url": False,
    }

    # --- plumbing ------------------------------------------------------------------------------

    def url(self, path: str, *, video: bool = False) -> str:
        base = self.config["video_base_url" if video else "base_url"].rstrip("/")
        return f"{base}/{self.config['version']}/{path.lstrip('/')}"

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials.access_token}"}

    @property
    def page_id(self) -> str:
        return self.account.page_id or self.account.external_id

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        return graph_error(self, response, commits=commits)

    def permalink(self, external_id: str, **parts: Any) -> str:
        if parts.get("video_id"):
            return f"https://www.facebook.com/{self.page_id}/videos/{parts['video_id']}"
        page, _sep, post = external_id.partition("_")
        if not post:
            page, post = self.page_id, external_id
        return f"https://www.facebook.com/{page}/posts/{post}"

    @property
    def media_by_url(self) -> bool:
        """Whether Facebook is told to fetch the media from our public link (a JSON true, or
        "1"/"true" in an environment-made setting)."""
        value = self.config.get("media_by_url")
        if isinstance(value, str):
            return value.strip().lower() in ("1", "true", "yes", "ya")
        return bool(value)

    def _media_fields(self, media: OutgoingMedia, *, url_field: str) -> dict[str, Any]:
        if media.has_bytes and not self.media_by_url:
            return {"files": {"source": (media.name, media.read_bytes(), media.mime)}}
        return {"data": {url_field: self.public_url(media)}}

    # --- publishing ----------------------------------------------------------------------------

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        try:
            if post.videos:
                return self._publish_video(post, checkpoint)
            if len(post.images) == 1:
                return self._publish_photo(post, checkpoint)
            if post.images:
                return self._publish_album(post, checkpoint)
            response = self.request(
                "POST",
                self.url(f"{self.page_id}/feed"),
                data={"message": post.text},
                headers=self.auth(),
                commits=True,
            )
            return self._live(self.json(response)["id"], checkpoint, self.json(response))
        except PlatformError as error:
            if error.code == str(DUPLICATE_CODE):
                # "Same content posted consecutively": usually our own earlier attempt landed.
                found = self._reconcile(checkpoint, post)
                if found is not None:
                    return found
            raise

    def _publish_photo(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        media = post.images[0]
        fields = self._media_fields(media, url_field="url")
        data = {"caption": post.text, **fields.pop("data", {})}
        response = self.request(
            "POST",
            self.url(f"{self.page_id}/photos"),
            data=data,
            headers=self.auth(),
            commits=True,
            **fields,
        )
        body = self.json(response)
        checkpoint.set(photo_id=str(body["id"]))
        return self._live(body.get("post_id") or f"{self.page_id}_{body['id']}", checkpoint, body)

    def _publish_album(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        # Unpublished photos create no story, so uploading them again is harmless; the ids of
        # an earlier attempt are reused all the same.
        photo_ids: list[str] = list(checkpoint.get("photo_ids") or [])
        for media in post.images[len(photo_ids) :]:
            fields = self._media_fields(media, url_field="url")
            data = {"published": "false", **fields.pop("data", {})}
            response = self.request(
                "POST", self.url(f"{self.page_id}/photos"), data=data, headers=self.auth(), **fields
            )
            photo_ids.append(str(self.json(response)["id"]))
            checkpoint.set(photo_ids=photo_ids)
        data = {"message": post.text}
        for index, photo_id in enumerate(photo_ids):
            data[f"attached_media[{index}]"] = json.dumps({"media_fbid": photo_id})
        response = self.request(
            "POST", self.url(f"{self.page_id}/feed"), data=data, headers=self.auth(), commits=True
        )
        body = self.json(response)
        return self._live(body["id"], checkpoint, body)

    def _publish_video(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        media = post.videos[0]
        fields = self._media_fields(media, url_field="file_url")
        data = {"description": post.text, **fields.pop("data", {})}
        if post.title:
            data["title"] = post.title
        response = self.request(
            "POST",
            self.url(f"{self.page_id}/videos", video=True),
            data=data,
            headers=self.auth(),
            commits=True,
            **fields,
        )
        body = self.json(response)
        video_id = str(body["id"])
        checkpoint.set(video_id=video_id, post_id=video_id)
        return PublishResult(
            state=PublishState.LIVE,
            external_id=video_id,
            permalink=self.permalink(video_id, video_id=video_id),
            went_live_at=self.clock(),
            checkpoint=dict(checkpoint.data),
            raw_response=body,
        )

    def _live(self, post_id: str, checkpoint: Checkpoint, raw: Any) -> PublishResult:
        post_id = str(post_id)
        checkpoint.set(post_id=post_id)
        details = self._post_details(post_id)
        return PublishResult(
            state=PublishState.LIVE,
            external_id=post_id,
            permalink=details.get("permalink_url") or self.permalink(post_id),
            went_live_at=parse_graph_time(details.get("created_time")) or self.clock(),
            checkpoint=dict(checkpoint.data),
            raw_response=raw,
        )

    def _post_details(self, post_id: str) -> dict[str, Any]:
        """The canonical link (`permalink_url`); a failure here does not undo a live post."""
        try:
            response = self.request(
                "GET",
                self.url(post_id),
                params={"fields": "id,permalink_url,created_time"},
                headers=self.auth(),
            )
            return self.json(response)
        except PlatformError:
            return {}

    # --- after the fact ------------------------------------------------------------------------

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        # Page posts are live as soon as the API answers; this only refreshes the link.
        if checkpoint.get("video_id"):
            video_id = checkpoint["video_id"]
            return PublishResult(
                state=PublishState.LIVE,
                external_id=video_id,
                permalink=self.permalink(video_id, video_id=video_id),
                checkpoint=dict(checkpoint.data),
            )
        return self._live(checkpoint["post_id"], checkpoint, None)

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        if checkpoint.get("post_id") and not checkpoint.get("video_id"):
            return self._live(checkpoint["post_id"], checkpoint, None)
        started = parse_graph_time(checkpoint.get("started_at")) or self.clock()
        since = int((started - timedelta(seconds=60)).timestamp())
        response = self.request(
            "GET",
            self.url(f"{self.page_id}/published_posts"),
            params={"fields": "id,message,created_time,permalink_url", "since": since},
            headers=self.auth(),
        )
        body = self.json(response)
        for item in body.get("data") or []:
            if same_text(item.get("message"), post.text):
                checkpoint.set(post_id=str(item["id"]))
                return PublishResult(
                    state=PublishState.LIVE,
                    external_id=str(item["id"]),
                    permalink=item.get("permalink_url") or self.permalink(str(item["id"])),
                    went_live_at=parse_graph_time(item.get("created_time")),
                    checkpoint=dict(checkpoint.data),
                    raw_response=item,
                )
        return None

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        adapter = type(self)(
            account=account, credentials=credentials, http_client=self.client, config=self.config
        )
        try:
            response = adapter.request(
                "GET",
                adapter.url(adapter.page_id),
                params={"fields": "id,name,username"},
                headers=adapter.auth(),
            )
        except PlatformError as error:
            return self.report_failure(error)
        body = self.json(response)
        problems: tuple[str, ...] = ()
        if self.media_by_url:
            # Facebook downloads every photo and video from PUBLIC_BASE_URL: say so now rather
            # than at the first post with media.
            problems = tuple(self.public_base_url_problems())
            notes = (
                _("%(p)s mengambil media dari alamat publik %(u)s (media_by_url aktif).")
                % {"p": self.label, "u": self.config.get("public_base_url") or "-"},
            )
        else:
            notes = (
                _("Media dikirim langsung sebagai berkas; PUBLIC_BASE_URL tidak wajib untuk %(p)s.")
                % {"p": self.label},
            )
        return ConnectionReport(
            ok=not problems,
            account_name=str(body.get("name") or ""),
            account_handle=str(body.get("username") or ""),
            problems=problems,
            notes=notes,
        )
