"""YouTube adapter against the local resumable-upload fake (reference §4)."""

from datetime import UTC, datetime, timedelta

import pytest

from simedsos.publishing.platforms.base import (
    CANNOT_TELL,
    AccountRef,
    Credentials,
    PublishState,
)
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from simedsos.publishing.platforms.youtube import pacific_midnight_after
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.youtube import FakeYouTube

from .helpers import FAST, SHORT_TIMEOUT, fixture, image, post, video

CHANNEL = "UC_x5XG1OV2P6uZZ5FSM9Ttw"
CHUNK = 256 * 1024
SIZE = 2 * CHUNK + 1000  # three chunks, the last one short


@pytest.fixture
def fake():
    return FakeYouTube(channel_id=CHANNEL)


def make(fake, *, token="yt-token", **config):
    return adapter_for(
        "YOUTUBE",
        account=AccountRef("YOUTUBE", external_id=CHANNEL),
        credentials=Credentials(access_token=token, refresh_token="yt-refresh"),
        http_client=fake_client(fake),
        config={**FAST, "chunk_size": CHUNK, "client_id": "cid", "client_secret": "s", **config},
    )


def test_needs_a_video_and_description_bytes_within_5000(fake):
    adapter = make(fake)
    with pytest.raises(ValidationFailed):
        adapter.publish(post(media=[image()]), idempotency_key="k")
    with pytest.raises(ValidationFailed):
        adapter.publish(post("é" * 2501, media=[video(size=SIZE)]), idempotency_key="k")
    assert fake.requests == []


def test_resumable_upload_in_chunks_then_processing_until_live(fake):
    adapter = make(fake)
    result = adapter.publish(
        post("Judul <pleno>\nIsi video", media=[video(size=SIZE)]), idempotency_key="k"
    )
    start = fake.calls("session_start")[0]
    assert start.json["snippet"]["title"] == "Judul pleno"
    assert start.headers["x-upload-content-length"] == str(SIZE)
    ranges = [c.headers["content-range"] for c in fake.calls("upload")]
    assert ranges == [
        f"bytes 0-{CHUNK - 1}/{SIZE}",
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{SIZE}",
        f"bytes {2 * CHUNK}-{SIZE - 1}/{SIZE}",
    ]
    assert result.state is PublishState.IN_FLIGHT  # uploaded, still processing
    assert result.permalink == f"https://www.youtube.com/watch?v={result.external_id}"
    live = adapter.check_status(result.checkpoint)
    for _ in range(3):
        if live.is_live:
            break
        live = adapter.check_status(live.checkpoint)
    assert live.is_live and len(fake.posts) == 1


def test_interrupted_chunk_is_retryable_and_resumes_the_same_session(fake):
    fake.fail_chunks = {2}  # the second chunk fails; the first is on the server already
    adapter = make(fake)
    outgoing = post(media=[video(size=SIZE)])
    with pytest.raises(PlatformError) as caught:
        adapter.publish(outgoing, idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RETRYABLE
    checkpoint = caught.value.checkpoint
    assert checkpoint["session_url"]
    result = adapter.publish(outgoing, idempotency_key="k", resume_from=checkpoint)
    assert result.external_id
    assert len(fake.calls("session_start")) == 1
    ranges = [c.headers["content-range"] for c in fake.calls("upload")]
    assert ranges[2:] == [
        f"bytes */{SIZE}",
        f"bytes {CHUNK}-{2 * CHUNK - 1}/{SIZE}",
        f"bytes {2 * CHUNK}-{SIZE - 1}/{SIZE}",
    ]
    assert len(fake.posts) == 1


def test_lost_final_answer_is_ambiguous_and_the_session_answers(fake):
    fake.fail_next("timeout_after_commit", on="upload")
    adapter = make(fake, chunk_size=8 * 1024 * 1024)
    outgoing = post(media=[video(size=SIZE)])
    with pytest.raises(PlatformError) as caught:
        adapter.publish(outgoing, idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    found = adapter.reconcile(caught.value.checkpoint, outgoing, "k")
    assert found.external_id == fake.posts[0]["id"]
    assert len(fake.posts) == 1


def test_reconcile_none_for_incomplete_and_cannot_tell_for_lost_session(fake):
    adapter = make(fake)
    outgoing = post(media=[video(size=SIZE)])
    fake.fail_next("not_sent", on="upload")
    with pytest.raises(PlatformError) as caught:
        adapter.publish(outgoing, idempotency_key="k")
    checkpoint = caught.value.checkpoint
    assert adapter.reconcile(checkpoint, outgoing, "k") is None
    fake.fail_next("session_gone", on="upload")
    assert adapter.reconcile(checkpoint, outgoing, "k") is CANNOT_TELL
    assert adapter.reconcile({}, outgoing, "k") is None


@pytest.mark.parametrize(
    ("fault", "expected"),
    [
        ("quota", ErrorClass.RATE_LIMITED),
        ("upload_limit", ErrorClass.RATE_LIMITED),
        ("server_error", ErrorClass.RETRYABLE),
    ],
)
def test_error_table(fake, fault, expected):
    fake.fail_next(fault, on="session_start")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video(size=SIZE)]), idempotency_key="k")
    assert caught.value.error_class is expected
    assert fake.posts == []


def test_quota_waits_until_pacific_midnight(fake):
    fake.fail_next("quota", on="session_start")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video(size=SIZE)]), idempotency_key="k")
    assert caught.value.retry_at.hour == 0
    assert caught.value.retry_at.tzinfo is not None
    now = datetime(2026, 3, 1, 7, 30, tzinfo=UTC)  # 23:30 the day before in Los Angeles
    assert pacific_midnight_after(now).astimezone(UTC) == datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def test_expired_access_token_refreshed_once(fake):
    fake.tokens = set()
    adapter = make(fake, token="old")
    result = adapter.publish(post(media=[video(size=SIZE)]), idempotency_key="k")
    assert result.external_id
    assert adapter.credentials.access_token.startswith("yt-token-")
    assert adapter.credentials.refresh_token == "yt-refresh"


def test_revoked_refresh_token_needs_reconnect(fake):
    fake.tokens = set()
    fake.refresh_tokens = set()
    with pytest.raises(PlatformError) as caught:
        make(fake, token="old").publish(post(media=[video(size=SIZE)]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    assert "Testing" in caught.value.user_message


def test_replays_recorded_error_bodies(fake):
    fake.fail_next(
        "body",
        on="session_start",
        status=403,
        body=fixture("youtube", "error_permission_denied.403.json"),
    )
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video(size=SIZE)]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    fake.fail_next(
        "body",
        on="session_start",
        status=400,
        body=fixture("youtube", "error_bad_request_key_invalid.400.json"),
    )
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[video(size=SIZE)]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT


def test_replays_recorded_video_resource(fake):
    recorded = fixture("youtube", "videos_insert_response.json")
    fake.fail_next("body", on="upload", status=201, body=recorded)
    result = make(fake, chunk_size=8 * 1024 * 1024).publish(
        post(media=[video(size=SIZE)]), idempotency_key="k"
    )
    assert result.external_id == "D-lhorsDlUQ"
    assert result.permalink == "https://www.youtube.com/watch?v=D-lhorsDlUQ"
    assert result.state is PublishState.IN_FLIGHT  # no status part: treated as still processing


def test_expiry_warning_uses_refresh_token_expiry(fake):
    now = datetime.now(UTC)
    adapter = make(fake)
    creds = Credentials(
        access_token="a",
        refresh_token="r",
        expires_at=now - timedelta(hours=1),
        refresh_expires_at=now + timedelta(days=2),
    )
    assert "2 hari" in adapter.token_expiry_warning(creds, now)


def test_test_connection(fake):
    report = make(fake).test_connection(
        AccountRef("YOUTUBE", external_id=CHANNEL), Credentials(access_token="yt-token")
    )
    assert report.ok and report.account_name == "JDIH KPU Kalteng"


def test_real_socket_upload_with_lost_final_answer(fake):
    fake.drop_delay = 1.5
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "YOUTUBE",
            account=AccountRef("YOUTUBE", external_id=CHANNEL),
            credentials=Credentials(access_token="yt-token"),
            config={
                **FAST,
                "upload_url": f"{base_url}/upload/youtube/v3/videos",
                "api_url": f"{base_url}/youtube/v3",
                "chunk_size": 8 * 1024 * 1024,  # one PUT, which is the final chunk
                "timeout": SHORT_TIMEOUT,
            },
        )
        outgoing = post(media=[video(size=SIZE)])
        fake.fail_next("timeout_after_commit", on="upload")
        with pytest.raises(PlatformError) as caught:
            adapter.publish(outgoing, idempotency_key="k")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        assert caught.value.checkpoint["session_url"].startswith(base_url)
        found = adapter.reconcile(caught.value.checkpoint, outgoing, "k")
        assert found.external_id == fake.posts[0]["id"]
    assert len(fake.posts) == 1
