"""Threads adapter against a fake built from the reference only (§6): no real recorded Threads
response exists (shared/fixtures/platform-responses/threads/NONE_FOUND.md), so there is no
fixture replay for this platform."""

from datetime import UTC, datetime, timedelta

import pytest

from simedsos.publishing.platforms.base import AccountRef, Credentials, PublishState
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.threads import FakeThreads

from .helpers import FAST, SHORT_TIMEOUT, image, post, video

USER = "27654321012345678"


@pytest.fixture
def fake():
    return FakeThreads(user_id=USER)


def make(fake, **config):
    return adapter_for(
        "THREADS",
        account=AccountRef("THREADS", external_id=USER, handle="@jdih.kpukalteng"),
        credentials=Credentials(access_token="threads-token"),
        http_client=fake_client(fake),
        config={**FAST, **config},
    )


def test_emoji_count_their_bytes_and_over_limit_is_refused_before_http(fake):
    text = "Pengumuman " + "🎉" * 123  # 11 + 123 × 4 = 503 under Threads' counting
    with pytest.raises(ValidationFailed):
        make(fake).publish(post(text), idempotency_key="k")
    assert fake.requests == []


def test_text_post_container_then_publish(fake):
    result = make(fake).publish(post(), idempotency_key="k")
    container = fake.calls("container")[0]
    assert container.path == f"/v1.0/{USER}/threads"
    assert container.form["media_type"] == "TEXT"
    assert fake.calls("publish")[0].query["creation_id"] == result.checkpoint["container_id"]
    assert result.permalink.startswith("https://www.threads.net/@jdih.kpukalteng/post/")
    assert len(fake.posts) == 1


def test_single_image_and_carousel(fake):
    make(fake).publish(post(media=[image()]), idempotency_key="k1")
    make(fake).publish(post("Kedua", media=[image(1), video()]), idempotency_key="k2")
    kinds = [c.form["media_type"] for c in fake.calls("container")]
    assert kinds == ["IMAGE", "IMAGE", "VIDEO", "CAROUSEL"]
    assert [p["kind"] for p in fake.posts] == ["IMAGE", "CAROUSEL"]


def test_video_in_flight_until_finished(fake):
    fake.video_polls = 6
    adapter = make(fake, poll_attempts=2)
    result = adapter.publish(post(media=[video()]), idempotency_key="k")
    assert result.state is PublishState.IN_FLIGHT
    for _ in range(5):
        if result.is_live:
            break
        result = adapter.check_status(result.checkpoint)
    assert result.is_live and len(fake.posts) == 1


def test_public_url_required_for_media(fake):
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[image(public=False)]), idempotency_key="k")
    assert "PUBLIC_BASE_URL" in caught.value.user_message


@pytest.mark.parametrize(
    ("fault", "params", "expected"),
    [
        ("auth", {}, ErrorClass.NEEDS_RECONNECT),
        ("rate_limited", {"code": 613}, ErrorClass.RATE_LIMITED),
        ("graph_error", {"code": 100, "message": "bad"}, ErrorClass.PERMANENT),
        ("server_error", {}, ErrorClass.RETRYABLE),
    ],
)
def test_error_table(fake, fault, params, expected):
    fake.fail_next(fault, on="container", **params)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is expected


def test_container_error_message_is_permanent(fake):
    fake.unreachable_urls.add("https://jdih.example.go.id/m/video.mp4")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT
    assert "FAILED_DOWNLOADING_VIDEO" in caught.value.user_message


def test_publishing_quota_of_250(fake):
    fake.quota_total = 1
    make(fake).publish(post("Satu"), idempotency_key="k1")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post("Dua"), idempotency_key="k2")
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    assert len(fake.posts) == 1


def test_lost_publish_answer_reconciled_by_container_status(fake):
    fake.fail_next("timeout_after_commit", on="publish")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    found = adapter.reconcile(caught.value.checkpoint, post(), "k")
    assert found.external_id == fake.posts[0]["id"]
    assert len(fake.posts) == 1


def test_token_refresh_and_expiry(fake):
    now = datetime.now(UTC)
    adapter = make(fake)
    old = Credentials(access_token="threads-token", issued_at=now - timedelta(days=40))
    new = adapter.refresh_credentials(old)
    assert new.access_token == "threads-token-1"
    assert fake.calls("refresh")[0].query["grant_type"] == "th_refresh_token"
    assert adapter.token_expiry_warning(new, now) is None
    expired = Credentials(access_token="x", expires_at=now - timedelta(hours=1))
    assert "Hubungkan ulang" in adapter.token_expiry_warning(expired, now)


def test_real_socket_text_post(fake):
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "THREADS",
            account=AccountRef("THREADS", external_id=USER, handle="jdih.kpukalteng"),
            credentials=Credentials(access_token="threads-token"),
            config={**FAST, "base_url": base_url, "timeout": SHORT_TIMEOUT},
        )
        fake.drop_delay = 1.5
        fake.fail_next("timeout_after_commit", on="publish")
        with pytest.raises(PlatformError) as caught:
            adapter.publish(post(), idempotency_key="k")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        assert adapter.reconcile(caught.value.checkpoint, post(), "k").is_live
    assert len(fake.posts) == 1
