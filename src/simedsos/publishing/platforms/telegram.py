"""Telegram channel through a bot (shared/reference/platform-apis.md §7).

sendMessage for text, sendPhoto / sendVideo (multipart upload) for one media item,
sendMediaGroup for 2–10 items (album caption on the first item). Bots cannot read a channel's
history, so after a lost answer nobody but a person can tell whether the message went out:
`reconcile` answers CANNOT_TELL.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
from django.utils.translation import gettext as _

from .base import (
    CANNOT_TELL,
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
from .errors import ErrorClass, PlatformError
from .limits import Platform


class TelegramAdapter(PlatformAdapter):
    platform = Platform.TELEGRAM
    defaults = {"base_url": "https://api.telegram.org"}

    def method_url(self, method: str, token: str | None = None) -> str:
        token = token or self.credentials.get("bot_token") or self.credentials.access_token
        return f"{self.config['base_url'].rstrip('/')}/bot{token}/{method}"

    @property
    def chat_id(self) -> str:
        return self.account.chat_id or self.account.external_id

    def classify(self, response: httpx.Response, *, commits: bool) -> PlatformError:
        try:
            body = response.json()
        except ValueError:
            body = {}
        if not isinstance(body, dict) or "error_code" not in body:
            return self.generic_error(response, commits=commits)
        status = int(body.get("error_code") or response.status_code)
        description = str(body.get("description") or "")
        parameters = body.get("parameters") or {}
        common = {
            "detail": description,
            "code": str(status),
            "http_status": response.status_code,
            "raw_response": body,
        }
        if status == 429:
            wait = int(parameters.get("retry_after") or 1)
            return self.error(
                ErrorClass.RATE_LIMITED, retry_at=self.clock() + timedelta(seconds=wait), **common
            )
        if "migrate_to_chat_id" in parameters:
            failure = self.error(ErrorClass.PERMANENT, **{**common, "code": "migrate"})
            failure.new_chat_id = str(parameters["migrate_to_chat_id"])
            return failure
        if status == 401:
            return self.error(
                ErrorClass.NEEDS_RECONNECT,
                _(
                    "Token bot Telegram ditolak (dicabut atau diganti di @BotFather). Masukkan "
                    "token bot yang baru di halaman Akun Media Sosial."
                ),
                **common,
            )
        if status == 403:
            return self.error(
                ErrorClass.NEEDS_RECONNECT,
                _(
                    "Bot Telegram tidak dapat mengirim ke kanal (bukan anggota, dikeluarkan, atau "
                    "bukan admin). Jadikan bot admin kanal dengan izin mengirim pesan, lalu coba "
                    "lagi."
                ),
                **common,
            )
        if status >= 500:
            return self.generic_error(response, commits=commits, **common)
        lowered = description.lower()
        if "chat not found" in lowered:
            message = _(
                "Kanal Telegram tidak ditemukan. Periksa ID kanal (mis. -100… atau @namakanal) di "
                "halaman Akun Media Sosial."
            )
        elif "too long" in lowered:
            message = _("Teks atau keterangan terlalu panjang untuk Telegram. Pendekkan teksnya.")
        else:
            message = _(
                "Telegram menolak pesan ini (%(d)s). Periksa isi dan media, lalu unggah ulang."
            ) % {"d": description}
        return self.error(ErrorClass.PERMANENT, message, **common)

    def permalink(self, external_id: str, **parts: Any) -> str:
        handle = parts.get("username") or (self.account.public_handle if self.account else "")
        chat = str(parts.get("chat_id") or (self.chat_id if self.account else ""))
        if not handle and chat.startswith("@"):
            handle = chat[1:]
        if handle:
            return f"https://t.me/{handle}/{external_id}"
        if chat.startswith("-100"):
            return f"https://t.me/c/{chat[4:]}/{external_id}"
        return ""

    # --- publishing ----------------------------------------------------------------------------

    def _send(self, post: OutgoingPost, chat_id: str) -> httpx.Response:
        if not post.media:
            return self.request(
                "POST",
                self.method_url("sendMessage"),
                json={"chat_id": chat_id, "text": post.text},
                commits=True,
            )
        if len(post.media) == 1:
            media = post.media[0]
            kind = "video" if media.is_video else "photo"
            method = "sendVideo" if media.is_video else "sendPhoto"
            data = {"chat_id": chat_id, "caption": post.text}
            if media.is_video:
                data.update(self._video_fields(media))
            if media.has_bytes:
                files = {kind: (media.name, media.read_bytes(), media.mime)}
                return self.request(
                    "POST", self.method_url(method), data=data, files=files, commits=True
                )
            data[kind] = self.public_url(media)
            return self.request("POST", self.method_url(method), json=data, commits=True)
        items, files = [], {}
        for index, media in enumerate(post.media):
            item: dict[str, Any] = {"type": "video" if media.is_video else "photo"}
            if media.has_bytes:
                files[f"file{index}"] = (media.name, media.read_bytes(), media.mime)
                item["media"] = f"attach://file{index}"
            else:
                item["media"] = self.public_url(media)
            if media.is_video:
                item.update(self._video_fields(media))
            if index == 0:
                item["caption"] = post.text  # the album's caption
            items.append(item)
        data = {"chat_id": chat_id, "media": json.dumps(items)}
        return self.request(
            "POST", self.method_url("sendMediaGroup"), data=data, files=files or None, commits=True
        )

    @staticmethod
    def _video_fields(media: OutgoingMedia) -> dict[str, Any]:
        fields: dict[str, Any] = {"supports_streaming": "true"}
        if media.width and media.height:
            fields.update(width=str(media.width), height=str(media.height))
        if media.duration_seconds:
            fields["duration"] = str(round(media.duration_seconds))
        return fields

    def _publish(self, post: OutgoingPost, checkpoint: Checkpoint) -> PublishResult:
        if checkpoint.get("message_ids"):
            return self._live(checkpoint, None, {})
        chat_id = self.chat_id
        changes: dict[str, Any] = {}
        try:
            response = self._send(post, chat_id)
        except PlatformError as error:
            new_chat = getattr(error, "new_chat_id", None)
            if not new_chat:
                raise
            # The group became a supergroup: the refused call did nothing; send to the new id.
            chat_id = new_chat
            changes["chat_id"] = new_chat
            checkpoint.set(chat_id=new_chat)
            response = self._send(post, chat_id)
        result = self.json(response)["result"]
        messages = result if isinstance(result, list) else [result]
        checkpoint.set(
            message_ids=[m["message_id"] for m in messages],
            chat_id=str(messages[0]["chat"]["id"]),
            chat_username=messages[0]["chat"].get("username", ""),
        )
        return self._live(checkpoint, result, changes)

    def _live(self, checkpoint: Checkpoint, raw: Any, changes: dict) -> PublishResult:
        first = str(checkpoint["message_ids"][0])
        chat_id = checkpoint.get("chat_id") or self.chat_id
        return PublishResult(
            state=PublishState.LIVE,
            external_id=first,
            permalink=self.permalink(
                first, username=checkpoint.get("chat_username"), chat_id=chat_id
            ),
            went_live_at=self.clock(),
            checkpoint=dict(checkpoint.data),
            raw_response=raw,
            account_changes=changes,
        )

    def _check_status(self, checkpoint: Checkpoint) -> PublishResult:
        return self._live(checkpoint, None, {})  # a sent message is live at once

    def _reconcile(self, checkpoint: Checkpoint, post: OutgoingPost) -> ReconcileOutcome:
        if checkpoint.get("message_ids"):
            return self._live(checkpoint, None, {})
        return CANNOT_TELL  # bots cannot read channel history

    def token_expiry_warning(self, credentials: Credentials, now) -> str | None:
        return None  # bot tokens do not expire; they are revoked via @BotFather

    def test_connection(self, account: AccountRef, credentials: Credentials) -> ConnectionReport:
        adapter = type(self)(
            account=account, credentials=credentials, http_client=self.client, config=self.config
        )
        chat_id = adapter.chat_id
        try:
            bot = adapter.json(adapter.request("GET", adapter.method_url("getMe")))["result"]
            chat = adapter.json(
                adapter.request("GET", adapter.method_url("getChat"), params={"chat_id": chat_id})
            )["result"]
            member = adapter.json(
                adapter.request(
                    "GET",
                    adapter.method_url("getChatMember"),
                    params={"chat_id": chat_id, "user_id": bot["id"]},
                )
            )["result"]
        except PlatformError as error:
            return self.report_failure(error)
        problems = []
        if member.get("status") != "administrator" or (
            chat.get("type") == "channel" and not member.get("can_post_messages")
        ):
            problems.append(
                _(
                    "Bot @%(b)s belum menjadi admin kanal dengan izin mengirim pesan. Jadikan "
                    "bot admin kanal, lalu uji lagi."
                )
                % {"b": bot.get("username")}
            )
        return ConnectionReport(
            ok=not problems,
            account_name=str(chat.get("title") or ""),
            account_handle=str(chat.get("username") or ""),
            problems=tuple(problems),
            error_class=ErrorClass.NEEDS_RECONNECT if problems else None,
        )
