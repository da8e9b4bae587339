"""Instagram adapter against the local container-flow fake (reference §2)."""

from datetime import UTC, datetime, timedelta

import pytest

from simedsos.publishing.platforms.base import AccountRef, Credentials, PublishState
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.instagram import FakeInstagram

from .helpers import FAST, SHORT_TIMEOUT, fixture, image, post, video

IG = "17841400455970028"


@pytest.fixture
def fake():
    return FakeInstagram(user_id=IG)


def make(fake, **config):
    return adapter_for(
        "INSTAGRAM",
        account=AccountRef("INSTAGRAM", external_id=IG, handle="jdih.kpukalteng"),
        credentials=Credentials(access_token="page-token"),
        http_client=fake_client(fake),
        config={**FAST, **config},
    )


def test_over_limit_caption_and_text_only_are_refused_before_http(fake):
    adapter = make(fake)
    with pytest.raises(ValidationFailed):
        adapter.publish(post("x" * 2201, media=[image()]), idempotency_key="k")
    with pytest.raises(ValidationFailed) as caught:
        adapter.publish(post(), idempotency_key="k")
    assert any(i.code == "media_required" for i in caught.value.issues)
    assert fake.requests == []


def test_missing_public_url_is_a_clear_permanent_error(fake):
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[image(public=False)]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT
    assert "PUBLIC_BASE_URL" in caught.value.user_message
    assert fake.requests == []


def test_single_image_container_polled_until_finished_then_published(fake):
    fake.image_polls = 2
    result = make(fake).publish(post(media=[image()]), idempotency_key="k")
    assert result.state is PublishState.LIVE
    container = fake.calls("container")[0]
    assert container.path == f"/v25.0/{IG}/media"
    assert container.form["image_url"] == "https://jdih.example.go.id/m/img1.jpg"
    assert container.form["alt_text"] == "Infografis JDIH"
    assert len(fake.calls("object")) >= 3  # IN_PROGRESS, IN_PROGRESS, FINISHED, permalink
    assert result.permalink == fake.posts[0]["permalink"]
    assert result.permalink.startswith("https://www.instagram.com/p/")
    assert len(fake.posts) == 1


def test_carousel_children_then_parent(fake):
    result = make(fake).publish(post(media=[image(1), image(2), image(3)]), idempotency_key="k")
    calls = fake.calls("container")
    assert [c.form.get("is_carousel_item") for c in calls] == ["true", "true", "true", None]
    assert calls[-1].form["media_type"] == "CAROUSEL"
    assert calls[-1].form["children"] == ",".join(result.checkpoint["children"])
    assert fake.posts[0]["kind"] == "CAROUSEL"


def test_video_is_a_reel_and_stays_in_flight_until_finished(fake):
    fake.video_polls = 8
    adapter = make(fake, poll_attempts=2)
    result = adapter.publish(post(media=[video()]), idempotency_key="k")
    assert result.state is PublishState.IN_FLIGHT
    assert fake.calls("container")[0].form["media_type"] == "REELS"
    assert fake.posts == []
    checkpoint = result.checkpoint
    while result.state is PublishState.IN_FLIGHT:
        result = adapter.check_status(checkpoint)
        checkpoint = result.checkpoint
    assert result.state is PublishState.LIVE
    assert result.permalink.startswith("https://www.instagram.com/reel/")
    assert len(fake.posts) == 1


@pytest.mark.parametrize(
    ("code", "subcode", "expected"),
    [
        (190, None, ErrorClass.NEEDS_RECONNECT),
        (4, None, ErrorClass.RATE_LIMITED),
        (9, 2207042, ErrorClass.RATE_LIMITED),
        (-2, 2207003, ErrorClass.RETRYABLE),
        (-1, 2207001, ErrorClass.RETRYABLE),
        (36000, 2207004, ErrorClass.PERMANENT),
        (4, 2207051, ErrorClass.PERMANENT),
        (100, None, ErrorClass.PERMANENT),
    ],
)
def test_error_table(fake, code, subcode, expected):
    fake.fail_next("graph_error", on="container", code=code, subcode=subcode, message="x")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[image()]), idempotency_key="k")
    assert caught.value.error_class is expected


def test_container_error_state_is_permanent_or_retryable(fake):
    fake.unreachable_urls.add("https://jdih.example.go.id/m/img1.jpg")
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[image()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RETRYABLE  # 2207003: download timed out


def test_quota_used_up_is_rate_limited_before_publishing(fake):
    fake.quota_total = 0
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(media=[image()]), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RATE_LIMITED
    assert caught.value.retry_at is not None
    assert fake.calls("publish") == []


def test_lost_publish_answer_is_ambiguous_and_reconcile_finds_the_media(fake):
    fake.fail_next("timeout_after_commit", on="publish")
    adapter = make(fake)
    outgoing = post(media=[image()])
    with pytest.raises(PlatformError) as caught:
        adapter.publish(outgoing, idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    found = adapter.reconcile(caught.value.checkpoint, outgoing, "k")
    assert found.external_id == fake.posts[0]["id"]
    # Even a resumed publish with the same checkpoint does not post again.
    again = adapter.publish(outgoing, idempotency_key="k", resume_from=caught.value.checkpoint)
    assert again.external_id == found.external_id
    assert len(fake.posts) == 1


def test_reconcile_none_when_only_containers_exist_and_resume_reuses_them(fake):
    fake.fail_next("not_sent", on="publish")
    adapter = make(fake)
    outgoing = post(media=[image()])
    with pytest.raises(PlatformError) as caught:
        adapter.publish(outgoing, idempotency_key="k")
    assert adapter.reconcile(caught.value.checkpoint, outgoing, "k") is None
    result = adapter.publish(outgoing, idempotency_key="k", resume_from=caught.value.checkpoint)
    assert result.is_live
    assert len(fake.calls("container")) == 1  # the finished container was reused


def test_replays_recorded_container_and_publish_bodies(fake):
    """Real recorded bodies: container creation, FINISHED status, media_publish, quota."""
    created = fixture("instagram", "create_container_image.json")
    finished = fixture("instagram", "container_status_finished.json")
    published = fixture("instagram", "media_publish.json")
    quota = fixture("instagram", "content_publishing_limit.json")
    fake.fail_next("body", on="container", status=200, body=created)
    fake.fail_next("body", on="object", status=200, body=finished)
    fake.fail_next("body", on="quota", status=200, body=quota)
    fake.fail_next("body", on="publish", status=200, body=published)
    result = make(fake).publish(post(media=[image()]), idempotency_key="k")
    assert result.external_id == published["id"]
    assert result.checkpoint["container_id"] == created["id"]


def test_replays_recorded_published_container_in_reconcile(fake):
    fake.fail_next(
        "body",
        on="object",
        status=200,
        body=fixture("instagram", "container_status_published.json"),
    )
    adapter = make(fake)
    outcome = adapter.reconcile({"container_id": "17889455560051447"}, post(), "k")
    assert outcome.state is PublishState.LIVE  # published; not among the newest → no id


def test_instagram_login_tokens_refresh_and_warn_only_when_expired(fake):
    fake.tokens.add("ig-old")
    now = datetime.now(UTC)
    adapter = make(
        fake, login="instagram", refresh_url="https://graph.instagram.com/refresh_access_token"
    )
    old = Credentials(access_token="ig-old", issued_at=now - timedelta(days=30))
    new = adapter.refresh_credentials(old)
    assert new.access_token == "instagram-token-1"
    assert new.expires_at - now > timedelta(days=59)
    assert fake.calls("refresh")[0].query["grant_type"] == "ig_refresh_token"
    young = Credentials(access_token="ig-old", issued_at=now - timedelta(hours=2))
    assert adapter.refresh_credentials(young) is young  # must be at least 24 h old
    assert adapter.token_expiry_warning(old, now) is None
    gone = Credentials(access_token="ig-old", expires_at=now - timedelta(days=1))
    assert "kedaluwarsa" in adapter.token_expiry_warning(gone, now)
    facebook_login = make(fake)
    assert facebook_login.refresh_credentials(old) is old


def test_test_connection_reports_public_base_url(fake):
    adapter = make(fake, public_base_url="")
    report = adapter.test_connection(
        AccountRef("INSTAGRAM", external_id=IG), Credentials(access_token="page-token")
    )
    assert not report.ok and "PUBLIC_BASE_URL" in report.problems[0]
    local = make(fake, public_base_url="http://127.0.0.1:8000")
    report = local.test_connection(
        AccountRef("INSTAGRAM", external_id=IG), Credentials(access_token="page-token")
    )
    assert any("HTTPS" in p for p in report.problems)
    assert any("lokal" in p for p in report.problems)


def test_real_socket_container_flow_and_timeout(fake):
    fake.drop_delay = 1.5
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "INSTAGRAM",
            account=AccountRef("INSTAGRAM", external_id=IG),
            credentials=Credentials(access_token="page-token"),
            config={**FAST, "base_url": base_url, "timeout": SHORT_TIMEOUT},
        )
        fake.fail_next("timeout_after_commit", on="publish")
        outgoing = post(media=[image()])
        with pytest.raises(PlatformError) as caught:
            adapter.publish(outgoing, idempotency_key="k")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        assert adapter.reconcile(caught.value.checkpoint, outgoing, "k").is_live
    assert len(fake.posts) == 1
