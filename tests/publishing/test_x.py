"""X adapter against the local API v2 fake (reference §3)."""

from datetime import UTC, datetime, timedelta

import pytest

from simedsos.publishing.platforms.base import AccountRef, Credentials, PublishState
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.x import FakeX

from .helpers import FAST, SHORT_TIMEOUT, fixture, image, post, video

USER = "1349000000000000001"


@pytest.fixture
def fake():
    return FakeX(user_id=USER)


def make(fake, *, token="x-token", refresh="x-refresh", **config):
    return adapter_for(
        "X",
        account=AccountRef("X", external_id=USER, handle="@jdihkpukalteng"),
        credentials=Credentials(access_token=token, refresh_token=refresh),
        http_client=fake_client(fake),
        config={**FAST, "client_id": "client-id", "chunk_size": 1024 * 1024, **config},
    )


def test_weighted_length_over_280_is_refused_before_http(fake):
    # 141 CJK characters weigh 282.
    with pytest.raises(ValidationFailed):
        make(fake).publish(post("法" * 141), idempotency_key="k")
    assert fake.requests == []


def test_text_post_and_permalink(fake):
    result = make(fake).publish(
        post("Rapat pleno https://jdih.kpu.go.id hari ini"), idempotency_key="k"
    )
    assert result.state is PublishState.LIVE
    assert result.permalink == f"https://x.com/jdihkpukalteng/status/{result.external_id}"
    assert fake.calls("tweets")[0].json == {"text": "Rapat pleno https://jdih.kpu.go.id hari ini"}
    adapter = adapter_for(
        "X", account=AccountRef("X", external_id=USER), http_client=fake_client(fake)
    )
    assert adapter.permalink("123") == "https://x.com/i/web/status/123"


def test_images_with_alt_text(fake):
    result = make(fake).publish(post(media=[image(1), image(2)]), idempotency_key="k")
    uploads = fake.calls("media_simple")
    assert [u.form["media_category"] for u in uploads] == ["tweet_image", "tweet_image"]
    assert len(fake.calls("media_metadata")) == 2
    assert fake.posts[0]["media_ids"] == result.checkpoint["media_ids"]


def test_video_chunked_upload_processing_then_post(fake):
    fake.processing_polls = 6
    adapter = make(fake, poll_attempts=2)
    result = adapter.publish(post(media=[video(size=2_500_000)]), idempotency_key="k")
    appends = fake.calls("media_append")
    assert [a.form["segment_index"] for a in appends] == ["0", "1", "2"]
    assert fake.calls("media_init")[0].json["media_category"] == "tweet_video"
    assert result.state is PublishState.IN_FLIGHT and fake.posts == []
    for _ in range(5):
        if result.is_live:
            break
        result = adapter.check_status(result.checkpoint)
    assert result.is_live and len(fake.posts) == 1


def test_rate_limit_uses_reset_header_and_24h_cap(fake):
    reset = int(datetime.now(UTC).timestamp()) + 600
    fake.fail_next("rate_limited", on="tweets", reset=reset)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    assert caught.value.retry_at == datetime.fromtimestamp(reset, UTC)
    daily = reset + 40_000
    fake.fail_next("rate_limited", on="tweets", reset=reset, daily_reset=daily, legacy=True)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.retry_at == datetime.fromtimestamp(daily, UTC)


def test_expired_token_is_refreshed_once_and_rotated(fake):
    fake.tokens = {"other"}
    adapter = make(fake, token="expired")
    result = adapter.publish(post(), idempotency_key="k")
    assert result.is_live
    assert adapter.credentials.access_token.startswith("x-token-")
    assert adapter.credentials.refresh_token != "x-refresh"  # rotated: store the new one
    assert len(fake.calls("token")) == 1


def test_401_without_refresh_needs_reconnect(fake):
    fake.fail_next("auth", on="tweets")
    fake.fail_next("auth", on="tweets")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    assert "Hubungkan ulang" in caught.value.user_message


@pytest.mark.parametrize(
    ("fault", "params", "expected"),
    [
        ("server_error", {"status": 503}, ErrorClass.AMBIGUOUS),  # posting call: verify first
        (
            "body",
            {"status": 403, "body": {"title": "Forbidden", "detail": "client-forbidden"}},
            ErrorClass.PERMANENT,
        ),
    ],
)
def test_error_table_on_posting(fake, fault, params, expected):
    fake.fail_next(fault, on="tweets", **params)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is expected


def test_5xx_on_media_upload_is_retryable(fake):
    fake.fail_next("server_error", on="media_simple")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[image()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RETRYABLE


def test_lost_answer_reconciled_from_timeline_even_with_tco_links(fake):
    text = "Putusan terbaru di https://jdih.kpu.go.id/putusan"
    fake.fail_next("timeout_after_commit", on="tweets")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(text, media=[image()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    found = adapter.reconcile(caught.value.checkpoint, post(text, media=[image()]), "k")
    assert found.external_id == fake.posts[0]["id"]
    assert "t.co" in fake.posts[0]["text"]
    assert len(fake.posts) == 1


def test_duplicate_on_retry_resolves_to_the_landed_post(fake):
    fake.fail_next("timeout_after_commit", on="tweets")
    adapter = make(fake)
    with pytest.raises(PlatformError):
        adapter.publish(post(), idempotency_key="k")
    result = adapter.publish(post(), idempotency_key="k")  # a careless retry
    assert result.external_id == fake.posts[0]["id"] and len(fake.posts) == 1


def test_reconcile_none_when_nothing_landed(fake):
    fake.fail_next("not_sent", on="tweets")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RETRYABLE
    assert adapter.reconcile(caught.value.checkpoint, post(), "k") is None


def test_replays_recorded_create_and_media_bodies(fake):
    created = fixture("x", "create_tweet.201.json")
    fake.fail_next("body", on="tweets", status=201, body=created)
    result = make(fake).publish(post("Test Tweet"), idempotency_key="k")
    assert result.external_id == "1456012973835788293"
    with_media = fixture("x", "create_tweet_with_media.json")
    init = fixture("x", "media_upload_v2_init.json")
    finalize = fixture("x", "media_upload_v2_finalize_succeeded.json")
    fake.fail_next("body", on="media_init", status=200, body=init)
    fake.fail_next("body", on="media_append", status=204, body=None)
    fake.fail_next("body", on="media_finalize", status=200, body=finalize)
    fake.fail_next("body", on="tweets", status=201, body=with_media)
    result = make(fake, chunk_size=8 * 1024 * 1024).publish(
        post(media=[video(size=1_000_000)]), idempotency_key="k2"
    )
    assert result.external_id == with_media["data"]["id"]
    assert result.checkpoint["media_ids"] == [init["data"]["id"]]


def test_replays_recorded_status_and_refresh_and_error(fake):
    fake.fail_next(
        "body",
        on="media_status",
        status=200,
        body=fixture("x", "media_upload_v2_status_succeeded.json"),
    )
    adapter = make(fake)
    assert adapter.processing_state("1912090619981471744") == "succeeded"
    fake.fail_next("body", on="token", status=200, body=fixture("x", "oauth2_refresh_token.json"))
    now = datetime.now(UTC)
    new = adapter.refresh_credentials(Credentials(access_token="a", refresh_token="x-refresh"))
    assert new.access_token == "REDACTED" and new.expires_at - now <= timedelta(hours=2, seconds=5)
    fake.fail_next(
        "body", on="tweets", status=400, body=fixture("x", "error_invalid_request.400.json")
    )
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post("valid"), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT


def test_refresh_token_rejected_means_reconnect(fake):
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.refresh_credentials(Credentials(access_token="a", refresh_token="revoked"))
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT


def test_expiry_warning_only_without_refresh(fake):
    now = datetime.now(UTC)
    adapter = make(fake)
    refreshable = Credentials(
        access_token="a", refresh_token="r", expires_at=now + timedelta(hours=1)
    )
    assert adapter.token_expiry_warning(refreshable, now) is None
    stuck = Credentials(access_token="a", expires_at=now - timedelta(minutes=1))
    assert "kedaluwarsa" in adapter.token_expiry_warning(stuck, now)


def test_test_connection(fake):
    report = make(fake).test_connection(
        AccountRef("X", external_id=USER), Credentials(access_token="x-token")
    )
    assert report.ok and report.account_handle == "jdihkpukalteng"


def test_real_socket_timeout_then_reconcile(fake):
    fake.drop_delay = 1.5
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "X",
            account=AccountRef("X", external_id=USER, handle="jdihkpukalteng"),
            credentials=Credentials(access_token="x-token"),
            config={**FAST, "base_url": base_url, "timeout": SHORT_TIMEOUT},
        )
        fake.fail_next("timeout_after_commit", on="tweets")
        with pytest.raises(PlatformError) as caught:
            adapter.publish(post(), idempotency_key="k")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        assert adapter.reconcile(caught.value.checkpoint, post(), "k").is_live
    assert len(fake.posts) == 1
