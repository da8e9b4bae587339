"""Facebook Page adapter against the local Graph fake (reference §1)."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from simedsos.publishing.platforms.base import AccountRef, Credentials, PublishState
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from tests.fakes import fake_client, serve_fake
from tests.fakes.app import FakeTransport
from tests.fakes.platforms.facebook import FakeFacebook

from .helpers import FAST, SHORT_TIMEOUT, fixture, image, post, video

PAGE = "245628824887810"


@pytest.fixture
def fake():
    return FakeFacebook(page_id=PAGE)


def make(fake, *, token="page-token", **config):
    return adapter_for(
        "FACEBOOK",
        account=AccountRef("FACEBOOK", external_id=PAGE, page_id=PAGE),
        credentials=Credentials(access_token=token),
        http_client=fake_client(fake),
        config={**FAST, **config},
    )


def test_over_limit_caption_is_refused_before_any_http_call(fake):
    adapter = make(fake)
    with pytest.raises(ValidationFailed) as caught:
        adapter.publish(post("x" * 63_207), idempotency_key="k1")
    assert caught.value.error_class is ErrorClass.PERMANENT
    assert "Facebook" in caught.value.user_message
    assert fake.requests == []


def test_text_post_goes_to_feed_with_pinned_version_and_canonical_link(fake):
    result = make(fake).publish(post(), idempotency_key="k1")
    assert result.state is PublishState.LIVE
    assert result.external_id.startswith(f"{PAGE}_")
    assert result.permalink == fake.posts[0]["permalink_url"]
    feed = fake.calls("feed")[0]
    assert feed.path == f"/v25.0/{PAGE}/feed"
    assert feed.form["message"].startswith("Sosialisasi JDIH")
    assert feed.bearer == "page-token"
    assert len(fake.posts) == 1


def test_single_photo_is_uploaded_as_multipart_source(fake):
    result = make(fake).publish(post(media=[image(public=False)]), idempotency_key="k1")
    call = fake.calls("photos")[0]
    assert call.files["source"].content_type == "image/jpeg"
    assert call.form["caption"].startswith("Sosialisasi")
    assert result.external_id == fake.posts[0]["id"]
    assert result.checkpoint["photo_id"]


def test_several_photos_upload_unpublished_then_one_feed_post(fake):
    result = make(fake).publish(post(media=[image(1), image(2), image(3)]), idempotency_key="k1")
    uploads = fake.calls("photos")
    assert [c.form["published"] for c in uploads] == ["false"] * 3
    assert len(fake.posts) == 1
    assert fake.posts[0]["photos"] == result.checkpoint["photo_ids"]
    assert result.state is PublishState.LIVE


def test_video_goes_to_the_video_host(fake):
    adapter = make(fake, video_base_url="https://graph-video.facebook.com")
    result = adapter.publish(post(media=[video()]), idempotency_key="k1")
    call = fake.calls("videos")[0]
    assert call.host == "graph-video.facebook.com"
    assert call.files["source"].content_type == "video/mp4"
    assert result.permalink == f"https://www.facebook.com/{PAGE}/videos/{result.external_id}"


def test_permalink_is_derived_from_the_post_id(fake):
    adapter = make(fake)
    assert adapter.permalink(f"{PAGE}_42") == f"https://www.facebook.com/{PAGE}/posts/42"


@pytest.mark.parametrize(
    ("fault", "params", "expected"),
    [
        ("auth", {}, ErrorClass.NEEDS_RECONNECT),
        ("rate_limited", {"code": 4}, ErrorClass.RATE_LIMITED),
        ("rate_limited", {"code": 17}, ErrorClass.RATE_LIMITED),
        ("rate_limited", {"code": 32}, ErrorClass.RATE_LIMITED),
        ("rate_limited", {"code": 613}, ErrorClass.RATE_LIMITED),
        ("graph_error", {"code": 100, "message": "Invalid parameter"}, ErrorClass.PERMANENT),
        ("graph_error", {"code": 200, "message": "Permissions error"}, ErrorClass.NEEDS_RECONNECT),
        ("graph_error", {"code": 368, "message": "Blocked"}, ErrorClass.PERMANENT),
        ("server_error", {}, ErrorClass.RETRYABLE),
        ("bare_502", {}, ErrorClass.AMBIGUOUS),  # no error body on the posting call
    ],
)
def test_error_table(fake, fault, params, expected):
    fake.fail_next(fault, on="feed", **params)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k1")
    assert caught.value.error_class is expected
    assert caught.value.user_message
    assert fake.posts == []


def test_rate_limit_reads_the_business_use_case_header(fake):
    fake.fail_next("rate_limited", on="feed", minutes=7)
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(), idempotency_key="k1")
    delay = caught.value.retry_at - datetime.now(UTC)
    assert timedelta(minutes=6) < delay <= timedelta(minutes=7)


def test_reconnect_message_is_indonesian(fake):
    fake.expired_tokens.add("old")
    fake.tokens.add("old")
    with pytest.raises(PlatformError) as caught:
        make(fake, token="old").publish(post(), idempotency_key="k1")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    assert "Hubungkan ulang akun" in caught.value.user_message


def test_lost_answer_is_ambiguous_and_reconcile_finds_the_post(fake):
    fake.fail_next("timeout_after_commit", on="feed")
    adapter = make(fake)
    outgoing = post()
    with pytest.raises(PlatformError) as caught:
        adapter.publish(outgoing, idempotency_key="k1")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    found = adapter.reconcile(caught.value.checkpoint, outgoing, "k1")
    assert found.state is PublishState.LIVE
    assert found.external_id == fake.posts[0]["id"]
    assert len(fake.posts) == 1


def test_reconcile_says_none_when_nothing_landed(fake):
    fake.fail_next("not_sent", on="feed")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(), idempotency_key="k1")
    assert caught.value.error_class is ErrorClass.RETRYABLE
    assert adapter.reconcile(caught.value.checkpoint, post(), "k1") is None


def test_duplicate_506_after_a_lost_answer_resolves_to_the_existing_post(fake):
    fake.fail_next("timeout_after_commit", on="feed")
    adapter = make(fake)
    with pytest.raises(PlatformError):
        adapter.publish(post(), idempotency_key="k1")
    # A careless retry without reconcile: the platform answers 506, the adapter finds the post.
    result = adapter.publish(post(), idempotency_key="k1")
    assert result.external_id == fake.posts[0]["id"]
    assert len(fake.posts) == 1


def test_replays_recorded_error_bodies(fake):
    for name in ("error_missing_permission.json", "error_appsecret_proof.json"):
        fake.fail_next("body", on="feed", body=fixture("facebook", name))
        with pytest.raises(PlatformError) as caught:
            make(fake).publish(post(), idempotency_key="k1")
        assert caught.value.error_class is ErrorClass.PERMANENT
        assert caught.value.code == "100"


def test_replays_a_recorded_post_read_for_the_permalink(fake):
    recorded = fixture("facebook", "get_page_post.json")
    fake.objects[recorded["id"]] = recorded
    adapter = make(fake)
    result = adapter.check_status({"post_id": recorded["id"]})
    assert result.permalink == recorded["permalink_url"]
    assert result.went_live_at == datetime(2019, 8, 12, 3, 45, 11, tzinfo=UTC)


def test_page_tokens_do_not_warn_but_expiring_user_tokens_do(fake):
    adapter = make(fake)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    assert adapter.token_expiry_warning(Credentials(access_token="t"), now) is None
    soon = Credentials(access_token="t", expires_at=now + timedelta(days=3))
    assert "3 hari" in adapter.token_expiry_warning(soon, now)
    assert adapter.refresh_credentials(soon) is soon


def test_test_connection_reads_the_page(fake):
    adapter = make(fake)
    report = adapter.test_connection(
        AccountRef("FACEBOOK", external_id=PAGE), Credentials(access_token="page-token")
    )
    assert report.ok and report.account_name == "JDIH KPU Kalteng"
    bad = adapter.test_connection(
        AccountRef("FACEBOOK", external_id=PAGE), Credentials(access_token="nope")
    )
    assert not bad.ok and bad.error_class is ErrorClass.NEEDS_RECONNECT


def test_real_socket_timeout_then_reconcile(fake):
    fake.drop_delay = 1.5
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "FACEBOOK",
            account=AccountRef("FACEBOOK", external_id=PAGE),
            credentials=Credentials(access_token="page-token"),
            config={**FAST, "base_url": base_url, "timeout": SHORT_TIMEOUT},
        )
        assert adapter.publish(post("Pertama"), idempotency_key="a").state is PublishState.LIVE
        fake.fail_next("timeout_after_commit", on="feed")
        with pytest.raises(PlatformError) as caught:
            adapter.publish(post("Kedua"), idempotency_key="b")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        found = adapter.reconcile(caught.value.checkpoint, post("Kedua"), "b")
        assert found is not None and found.external_id == fake.posts[1]["id"]
    assert len(fake.posts) == 2


# --- media by URL (PLATFORM_API["FACEBOOK"]["media_by_url"]) ------------------------------------

PUBLIC = "https://jdih.example.go.id"


def test_media_by_url_sends_links_not_bytes(fake):
    adapter = make(fake, media_by_url=True)
    adapter.publish(post(media=[image()]), idempotency_key="p")
    photo = fake.calls("photos")[0]
    assert photo.form["url"] == "https://jdih.example.go.id/m/img1.jpg" and not photo.files
    adapter.publish(post("Video", media=[video()]), idempotency_key="v")
    clip = fake.calls("videos")[0]
    assert clip.form["file_url"] == "https://jdih.example.go.id/m/video.mp4" and not clip.files


def test_media_by_url_without_a_public_link_fails_before_posting(fake):
    with pytest.raises(PlatformError) as caught:
        make(fake, media_by_url="true").publish(
            post(media=[image(public=False)]), idempotency_key="p"
        )
    assert "PUBLIC_BASE_URL" in caught.value.user_message
    assert fake.posts == [] and fake.calls("photos") == []


def _report(fake, *, transport=None, **config):
    client = fake_client(fake) if transport is None else httpx.Client(transport=transport)
    adapter = adapter_for(
        "FACEBOOK",
        account=AccountRef("FACEBOOK", external_id=PAGE, page_id=PAGE),
        http_client=client,
        config={**FAST, **config},
    )
    return adapter.test_connection(
        AccountRef("FACEBOOK", external_id=PAGE, page_id=PAGE),
        Credentials(access_token="page-token"),
    )


def test_test_connection_needs_public_base_url_only_when_media_go_by_url(fake):
    by_bytes = _report(fake, public_base_url="")
    assert by_bytes.ok and "PUBLIC_BASE_URL tidak wajib" in by_bytes.notes[0]

    missing = _report(fake, public_base_url="", media_by_url=True)
    assert not missing.ok and missing.account_name == "JDIH KPU Kalteng"
    assert "PUBLIC_BASE_URL" in missing.problems[0] and "belum diatur" in missing.problems[0]

    local = _report(fake, public_base_url="http://127.0.0.1:8000", media_by_url=True)
    assert not local.ok
    assert any("HTTPS" in p for p in local.problems) and any("lokal" in p for p in local.problems)


def test_test_connection_reports_an_unreachable_public_base_url(fake):
    platform = FakeTransport(fake)
    probes = []

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "jdih.example.go.id":
            probes.append(request.method)
            raise httpx.ConnectError("no route to host", request=request)
        return platform.handle_request(request)

    report = _report(
        fake, transport=httpx.MockTransport(route), public_base_url=PUBLIC, media_by_url=True
    )
    assert not report.ok and probes == ["HEAD"]
    assert report.problems == (
        f"PUBLIC_BASE_URL ({PUBLIC}) tidak dapat dihubungi. Periksa alamat dan server.",
    )

    def reachable(request: httpx.Request) -> httpx.Response:
        if request.url.host == "jdih.example.go.id":
            return httpx.Response(200)
        return platform.handle_request(request)

    fine = _report(
        fake, transport=httpx.MockTransport(reachable), public_base_url=PUBLIC, media_by_url=True
    )
    assert fine.ok and PUBLIC in fine.notes[0]
