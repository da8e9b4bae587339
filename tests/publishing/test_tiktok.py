"""TikTok adapter against a fake built from the reference only (§5): no real recorded TikTok
response exists (shared/fixtures/platform-responses/tiktok/NONE_FOUND.md), so there is no
fixture replay for this platform."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from simedsos.publishing.platforms.base import CANNOT_TELL, AccountRef, Credentials, PublishState
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.tiktok import FakeTikTok

from .helpers import FAST, SHORT_TIMEOUT, image, post, video

MB = 1024 * 1024


@pytest.fixture
def fake():
    return FakeTikTok()


def make(fake, *, token="tt-token", **config):
    return adapter_for(
        "TIKTOK",
        account=AccountRef("TIKTOK", external_id="open-id-1", handle="jdihkpukalteng"),
        credentials=Credentials(access_token=token, refresh_token="tt-refresh"),
        http_client=fake_client(fake),
        config={**FAST, "client_key": "ck", "client_secret": "cs", "chunk_size": 5 * MB, **config},
    )


def test_text_only_and_utf16_overlong_captions_are_refused_before_http(fake):
    adapter = make(fake)
    with pytest.raises(ValidationFailed):
        adapter.publish(post(), idempotency_key="k")
    with pytest.raises(ValidationFailed):
        adapter.publish(post("😀" * 1101, media=[video()]), idempotency_key="k")  # 2202 units
    assert fake.requests == []


def test_small_video_is_one_chunk_then_status_until_complete(fake):
    result = make(fake).publish(post(media=[video(size=3 * MB)]), idempotency_key="k")
    init = fake.calls("video_init")[0].json
    assert init["source_info"] == {
        "source": "FILE_UPLOAD",
        "video_size": 3 * MB,
        "chunk_size": 3 * MB,
        "total_chunk_count": 1,
    }
    assert init["post_info"]["privacy_level"] == "PUBLIC_TO_EVERYONE"
    assert fake.calls("upload")[0].headers["content-range"] == f"bytes 0-{3 * MB - 1}/{3 * MB}"
    assert result.state is PublishState.LIVE
    assert (
        result.permalink
        == f"https://www.tiktok.com/@jdihkpukalteng/video/{fake.posts[0]['post_id']}"
    )
    assert len(fake.posts) == 1


def test_large_video_chunks_with_the_last_taking_the_rest(fake):
    size = 12 * MB + 123
    make(fake).publish(post(media=[video(size=size)]), idempotency_key="k")
    source = fake.calls("video_init")[0].json["source_info"]
    assert (source["chunk_size"], source["total_chunk_count"]) == (5 * MB, 2)
    ranges = [c.headers["content-range"] for c in fake.calls("upload")]
    assert ranges == [f"bytes 0-{5 * MB - 1}/{size}", f"bytes {5 * MB}-{size - 1}/{size}"]


def test_photos_are_pulled_from_public_urls(fake):
    result = make(fake).publish(post(media=[image(1), image(2)]), idempotency_key="k")
    body = fake.calls("content_init")[0].json
    assert body["media_type"] == "PHOTO" and body["post_mode"] == "DIRECT_POST"
    assert body["source_info"]["photo_images"][1] == "https://jdih.example.go.id/m/img2.jpg"
    assert "/photo/" in result.permalink


def test_photos_need_public_base_url(fake):
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[image(public=False)]), idempotency_key="k")
    assert "PUBLIC_BASE_URL" in caught.value.user_message


def test_moderation_keeps_it_in_flight_until_the_public_id_appears(fake):
    fake.moderation_polls = 6
    adapter = make(fake, poll_attempts=2)
    result = adapter.publish(post(media=[video()]), idempotency_key="k")
    assert result.state is PublishState.IN_FLIGHT
    for _ in range(8):
        if result.is_live:
            break
        result = adapter.check_status(result.checkpoint)
    assert result.is_live and result.external_id == fake.posts[0]["post_id"]


def test_unaudited_app_gets_a_clear_message(fake):
    fake.audited = False
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT
    assert "audit" in caught.value.user_message
    assert fake.calls("video_init") == []
    private = make(fake).publish(
        post(media=[video()], options={"privacy_level": "SELF_ONLY"}), idempotency_key="k"
    )
    assert private.is_live and private.permalink == ""


def test_video_longer_than_the_creator_limit(fake):
    fake.max_duration = 60
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video(seconds=90)]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT


@pytest.mark.parametrize(
    ("fault", "params", "expected"),
    [
        ("rate_limited", {}, ErrorClass.RATE_LIMITED),
        ("error", {"code": "spam_risk_too_many_posts"}, ErrorClass.RATE_LIMITED),
        ("error", {"code": "scope_not_authorized", "status": 401}, ErrorClass.NEEDS_RECONNECT),
        ("error", {"code": "invalid_params"}, ErrorClass.PERMANENT),
        ("error", {"code": "url_ownership_unverified", "status": 403}, ErrorClass.PERMANENT),
        ("server_error", {}, ErrorClass.RETRYABLE),
    ],
)
def test_error_table(fake, fault, params, expected):
    fake.fail_next(fault, on="video_init", **params)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video()]), idempotency_key="k")
    assert caught.value.error_class is expected


def test_failed_processing_reasons(fake):
    fake.fail_reason = "duration_check_failed"
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT
    fake.fail_reason = "video_pull_failed"
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video(public=True)]), idempotency_key="k2")
    assert caught.value.error_class is ErrorClass.RETRYABLE


def test_invalid_token_refreshed_once_with_rotation(fake):
    fake.tokens = set()
    adapter = make(fake, token="old")
    assert adapter.publish(post(media=[video()]), idempotency_key="k").is_live
    assert adapter.credentials.refresh_token.startswith("tt-refresh-")
    assert "tt-refresh" not in fake.refresh_tokens
    assert adapter.credentials.refresh_expires_at is not None


def test_lost_pull_init_answer_cannot_be_told(fake):
    media = replace(video(), opener=None)  # no bytes: PULL_FROM_URL
    fake.fail_next("timeout_after_commit", on="video_init")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(media=[media]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    assert adapter.reconcile(caught.value.checkpoint, post(media=[media]), "k") is CANNOT_TELL


def test_lost_file_upload_init_is_safe_to_retry(fake):
    fake.fail_next("timeout_after_commit", on="video_init")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(media=[video()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RETRYABLE
    assert adapter.reconcile(caught.value.checkpoint, post(media=[video()]), "k") is None
    assert fake.posts == []


def test_lost_last_chunk_answer_reconciled_by_publish_id(fake):
    fake.fail_next("timeout_after_commit", on="upload")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(media=[video()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    found = adapter.reconcile(caught.value.checkpoint, post(media=[video()]), "k")
    assert found is not None  # landed and processing: never post again, follow it
    while not found.is_live:
        found = adapter.check_status(found.checkpoint)
    assert len(fake.posts) == 1


def test_refresh_token_expiry_warning(fake):
    now = datetime.now(UTC)
    creds = Credentials(
        access_token="a", refresh_token="r", refresh_expires_at=now + timedelta(days=5)
    )
    assert "5 hari" in make(fake).token_expiry_warning(creds, now)


def test_test_connection_reports_unaudited(fake):
    fake.audited = False
    report = make(fake, public_base_url="https://jdih.example.go.id").test_connection(
        AccountRef("TIKTOK", external_id="open-id-1"), Credentials(access_token="tt-token")
    )
    assert report.account_handle == "jdihkpukalteng"
    assert any("audit" in n for n in report.notes)


def test_real_socket_upload(fake):
    fake.drop_delay = 1.5
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "TIKTOK",
            account=AccountRef("TIKTOK", external_id="open-id-1"),
            credentials=Credentials(access_token="tt-token"),
            config={**FAST, "base_url": base_url, "timeout": SHORT_TIMEOUT},
        )
        fake.fail_next("timeout_after_commit", on="upload")
        with pytest.raises(PlatformError) as caught:
            adapter.publish(post(media=[video()]), idempotency_key="k")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        assert caught.value.checkpoint["publish_id"]
        found = adapter.reconcile(caught.value.checkpoint, post(media=[video()]), "k")
        assert found is not None and found.checkpoint["publish_id"]
    assert len(fake.posts) == 1
