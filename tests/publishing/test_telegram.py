"""Telegram channel adapter against the local Bot API fake (reference §7)."""

import json
from datetime import UTC, datetime, timedelta

import pytest

from simedsos.publishing.platforms.base import CANNOT_TELL, AccountRef, Credentials, PublishState
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.telegram import FakeTelegram

from .helpers import FAST, SHORT_TIMEOUT, fixture, image, post, video

TOKEN = "123456:ABC-bot-token"
CHAT = "-1001234567890"


@pytest.fixture
def fake():
    return FakeTelegram(token=TOKEN)


def make(fake, *, chat=CHAT, handle="", **config):
    return adapter_for(
        "TELEGRAM",
        account=AccountRef("TELEGRAM", chat_id=chat, handle=handle),
        credentials=Credentials(access_token=TOKEN),
        http_client=fake_client(fake),
        config={**FAST, **config},
    )


def test_caption_over_1024_with_media_is_refused_before_http(fake):
    with pytest.raises(ValidationFailed):
        make(fake).publish(post("a" * 1025, media=[image()]), idempotency_key="k")
    assert fake.requests == []
    # Without media the limit is 4096.
    assert make(fake).publish(post("a" * 1025), idempotency_key="k").is_live


def test_text_message_and_public_permalink(fake):
    result = make(fake).publish(post(), idempotency_key="k")
    call = fake.calls("sendMessage")[0]
    assert call.path == f"/bot{TOKEN}/sendMessage"
    assert call.json["chat_id"] == CHAT
    assert result.permalink == f"https://t.me/jdihkalteng/{result.external_id}"


def test_private_channel_permalink(fake):
    adapter = make(fake)
    assert adapter.permalink("55", chat_id="-1009876543210") == "https://t.me/c/9876543210/55"
    assert make(fake, chat="@kanal").permalink("7") == "https://t.me/kanal/7"


def test_single_photo_and_video_are_multipart_uploads(fake):
    make(fake).publish(post(media=[image()]), idempotency_key="k1")
    make(fake).publish(post("Video", media=[video(size=100_000)]), idempotency_key="k2")
    photo = fake.calls("sendPhoto")[0]
    assert photo.files["photo"].content_type == "image/jpeg"
    assert photo.form["caption"].startswith("Sosialisasi")
    vid = fake.calls("sendVideo")[0]
    assert vid.form["duration"] == "30" and vid.form["supports_streaming"] == "true"


def test_album_with_caption_on_first_item(fake):
    result = make(fake).publish(
        post(media=[image(1), image(2), video(size=50_000)]), idempotency_key="k"
    )
    call = fake.calls("sendMediaGroup")[0]
    assert sorted(call.files) == ["file0", "file1", "file2"]
    assert len(result.checkpoint["message_ids"]) == 3
    assert "caption" in json.loads(call.form["media"])[0]


def test_429_retry_after(fake):
    fake.fail_next("rate_limited", on="sendMessage", retry_after=8)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    delay = caught.value.retry_at - datetime.now(UTC)
    assert timedelta(seconds=6) < delay <= timedelta(seconds=8)


def test_bot_not_admin_and_revoked_token_need_reconnect(fake):
    fake.bot_is_admin = False
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    assert "admin" in caught.value.user_message
    fake.token = "new-token"
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    assert "BotFather" in caught.value.user_message


def test_chat_not_found_is_permanent(fake):
    with pytest.raises(PlatformError) as caught:
        make(fake, chat="-100999").publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT


def test_migrated_chat_is_followed_and_reported(fake):
    fake.migrated["-100555"] = int(CHAT)
    result = make(fake, chat="-100555").publish(post(), idempotency_key="k")
    assert result.account_changes == {"chat_id": CHAT}
    assert len(fake.posts) == 1


def test_5xx_on_send_is_ambiguous_and_cannot_be_told(fake):
    fake.fail_next("server_error", on="sendMessage")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    assert adapter.reconcile(caught.value.checkpoint, post(), "k") is CANNOT_TELL


def test_replays_recorded_bodies(fake):
    sent = fixture("telegram", "send_message.200.json")
    fake.fail_next("body", on="sendMessage", status=200, body=sent)
    result = make(fake).publish(post(), idempotency_key="k")
    assert result.external_id == "17185"
    photo = fixture("telegram", "send_photo.200.json")
    fake.fail_next("body", on="sendPhoto", status=200, body=photo)
    assert make(fake).publish(post(media=[image()]), idempotency_key="k").external_id == "17188"
    fake.fail_next(
        "body", on="sendVideo", status=200, body=fixture("telegram", "send_video.200.json")
    )
    assert (
        make(fake).publish(post(media=[video(size=1000)]), idempotency_key="k").external_id
        == "17190"
    )
    fake.fail_next(
        "body", on="sendMessage", status=400, body=fixture("telegram", "error_bad_request.400.json")
    )
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT
    assert "can't remove chat owner" in caught.value.user_message


def test_tokens_never_expire(fake):
    adapter = make(fake)
    creds = Credentials(access_token=TOKEN)
    assert adapter.refresh_credentials(creds) is creds
    assert adapter.token_expiry_warning(creds, datetime.now(UTC)) is None


def test_test_connection_checks_admin_rights(fake):
    adapter = make(fake)
    account = AccountRef("TELEGRAM", chat_id=CHAT)
    report = adapter.test_connection(account, Credentials(access_token=TOKEN))
    assert report.ok and report.account_handle == "jdihkalteng"
    fake.bot_is_admin = False
    report = adapter.test_connection(account, Credentials(access_token=TOKEN))
    assert not report.ok and "admin" in report.problems[0]


def test_real_socket_timeout_cannot_be_told(fake):
    fake.drop_delay = 1.5
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "TELEGRAM",
            account=AccountRef("TELEGRAM", chat_id=CHAT),
            credentials=Credentials(access_token=TOKEN),
            config={**FAST, "base_url": base_url, "timeout": SHORT_TIMEOUT},
        )
        assert adapter.publish(post("Satu"), idempotency_key="a").state is PublishState.LIVE
        fake.fail_next("timeout_after_commit", on="sendMessage")
        with pytest.raises(PlatformError) as caught:
            adapter.publish(post("Dua"), idempotency_key="b")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        assert adapter.reconcile(caught.value.checkpoint, post("Dua"), "b") is CANNOT_TELL
    assert len(fake.posts) == 2  # it did land: only a person looking at the channel can know
