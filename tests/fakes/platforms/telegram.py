"""Fake Telegram Bot API for one channel (shared/reference/platform-apis.md §7): getMe, getChat,
getChatMember, sendMessage (1–4096), sendPhoto / sendVideo (multipart or URL, caption ≤ 1024),
sendMediaGroup (2–10 items, attach://), the {"ok": false, "error_code", "description",
"parameters"} error shape with retry_after and migrate_to_chat_id."""

from __future__ import annotations

import itertools
import json
import secrets
import time

from ..app import FakePlatform, FakeRequest, Fault, Response, route


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def tg_error(code: int, description: str, **parameters) -> Response:
    body = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return Response(code, body)


class FakeTelegram(FakePlatform):
    name = "telegram"

    def __init__(
        self, *, token="123456:ABC-bot-token", chat_id=-1001234567890, username="jdihkalteng"
    ):
        super().__init__()
        self.token = token
        self.bot = {
            "id": 6129457865,
            "is_bot": True,
            "first_name": "JDIH Bot",
            "username": "jdihkaltengbot",
        }
        self.chat = {"id": chat_id, "title": "JDIH KPU Kalteng", "type": "channel"}
        if username:
            self.chat["username"] = username
        self.bot_is_admin = True
        self.migrated: dict[str, int] = {}  # old chat id → new supergroup id
        self.message_ids = itertools.count(17185)

    def fault_response(self, fault: Fault, request: FakeRequest) -> Response:
        p = fault.params
        if fault.kind == "rate_limited":
            wait = p.get("retry_after", 8)
            return tg_error(429, f"Too Many Requests: retry after {wait}", retry_after=wait)
        if fault.kind == "server_error":
            return tg_error(p.get("status", 502), "Bad Gateway")
        if fault.kind == "error":
            return tg_error(p.get("status", 400), p["description"])
        if fault.kind == "body":
            return Response(p.get("status", 400), p["body"])
        raise NotImplementedError(fault.kind)

    def not_found(self, request):
        return tg_error(404, "Not Found")

    def handle(self, request: FakeRequest) -> Response:
        token = (
            request.path.split("/")[1].removeprefix("bot")
            if request.path.startswith("/bot")
            else ""
        )
        if token != self.token:
            for _m, pattern, name, _h in self._routes:
                if pattern.match(request.path):
                    request.route = name
            return tg_error(401, "Unauthorized")
        return super().handle(request)

    # --- helpers -----------------------------------------------------------------------------

    def _chat(self, chat_id) -> Response | None:
        key = str(chat_id)
        if key in self.migrated:
            return tg_error(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                migrate_to_chat_id=self.migrated[key],
            )
        if key not in (str(self.chat["id"]), "@" + self.chat.get("username", "-")):
            return tg_error(400, "Bad Request: chat not found")
        if not self.bot_is_admin:
            return tg_error(403, "Forbidden: bot is not a member of the channel chat")
        return None

    def _message(self, **content) -> dict:
        message = {
            "message_id": next(self.message_ids),
            "sender_chat": dict(self.chat),
            "chat": dict(self.chat),
            "date": int(time.time()),
            **content,
        }
        self.posts.append(message)
        return message

    def _photo_sizes(self, size: int) -> list[dict]:
        file_id = "AgACAgIAAxkDAAJ" + secrets.token_urlsafe(24)
        return [
            {
                "file_id": file_id + s,
                "file_unique_id": secrets.token_urlsafe(8),
                "file_size": size // d,
                "width": w,
                "height": h,
            }
            for s, d, w, h in (("s", 60, 90, 67), ("m", 4, 320, 240), ("x", 1, 800, 600))
        ]

    def _media_content(
        self, kind: str, source: bytes | str, caption: str | None
    ) -> dict | Response:
        if caption is not None and utf16(caption) > 1024:
            return tg_error(400, "Bad Request: message caption is too long")
        if isinstance(source, str) and not source.startswith(("http://", "https://")):
            return tg_error(400, "Bad Request: wrong file identifier/HTTP URL specified")
        size = len(source) if isinstance(source, bytes) else 50_000
        if kind == "photo":
            if size > 10 * 1024 * 1024:
                return tg_error(400, "Bad Request: file is too big")
            content = {"photo": self._photo_sizes(size)}
        else:
            if size > 50 * 1024 * 1024:
                return tg_error(413, "Request Entity Too Large")
            content = {
                "video": {
                    "duration": 5,
                    "width": 640,
                    "height": 480,
                    "mime_type": "video/mp4",
                    "file_id": "BAACAgIAAxkDAAJ" + secrets.token_urlsafe(24),
                    "file_unique_id": secrets.token_urlsafe(8),
                    "file_size": size,
                }
            }
        if caption:
            content["caption"] = caption
        return content

    # --- methods -----------------------------------------------------------------------------

    @route("GET", r"/bot[^/]+/getMe", "getMe")
    def get_me(self, request: FakeRequest):
        return Response(200, {"ok": True, "result": {**self.bot, "can_join_groups": True}})

    @route("GET", r"/bot[^/]+/getChat", "getChat")
    def get_chat(self, request: FakeRequest):
        if str(request.param("chat_id")) not in (
            str(self.chat["id"]),
            "@" + self.chat.get("username", "-"),
        ):
            return tg_error(400, "Bad Request: chat not found")
        return Response(200, {"ok": True, "result": self.chat})

    @route("GET", r"/bot[^/]+/getChatMember", "getChatMember")
    def get_chat_member(self, request: FakeRequest):
        if self.bot_is_admin:
            member = {"status": "administrator", "user": self.bot, "can_post_messages": True}
        else:
            member = {"status": "left", "user": self.bot}
        return Response(200, {"ok": True, "result": member})

    @route("POST", r"/bot[^/]+/sendMessage", "sendMessage")
    def send_message(self, request: FakeRequest):
        if failure := self._chat(request.param("chat_id")):
            return failure
        text = request.param("text") or ""
        if not text.strip():
            return tg_error(400, "Bad Request: message text is empty")
        if utf16(text) > 4096:
            return tg_error(400, "Bad Request: message is too long")
        return Response(200, {"ok": True, "result": self._message(text=text)})

    def _send_single(self, request: FakeRequest, kind: str):
        if failure := self._chat(request.param("chat_id")):
            return failure
        upload = request.files.get(kind)
        source = upload.data if upload else request.param(kind)
        if not source:
            return tg_error(400, f"Bad Request: there is no {kind} in the request")
        content = self._media_content(kind, source, request.param("caption"))
        if isinstance(content, Response):
            return content
        return Response(200, {"ok": True, "result": self._message(**content)})

    @route("POST", r"/bot[^/]+/sendPhoto", "sendPhoto")
    def send_photo(self, request):
        return self._send_single(request, "photo")

    @route("POST", r"/bot[^/]+/sendVideo", "sendVideo")
    def send_video(self, request):
        return self._send_single(request, "video")

    @route("POST", r"/bot[^/]+/sendMediaGroup", "sendMediaGroup")
    def send_media_group(self, request: FakeRequest):
        if failure := self._chat(request.param("chat_id")):
            return failure
        items = json.loads(request.param("media") or "[]")
        if not 2 <= len(items) <= 10:
            return tg_error(400, "Bad Request: wrong number of media in the album")
        contents = []
        for item in items:
            ref = item.get("media", "")
            if ref.startswith("attach://"):
                upload = request.files.get(ref.removeprefix("attach://"))
                if upload is None:
                    return tg_error(400, "Bad Request: wrong file identifier/HTTP URL specified")
                source = upload.data
            else:
                source = ref
            content = self._media_content(item["type"], source, item.get("caption"))
            if isinstance(content, Response):
                return content
            contents.append(content)
        group = str(next(self.message_ids))
        messages = [self._message(media_group_id=group, **c) for c in contents]
        return Response(200, {"ok": True, "result": messages})
