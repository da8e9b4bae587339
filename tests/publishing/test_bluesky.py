"""Bluesky adapter against the local PDS fake (reference §8)."""

from datetime import UTC, datetime, timedelta

import pytest

from simedsos.publishing.platforms.base import AccountRef, Credentials, PublishState
from simedsos.publishing.platforms.bluesky import build_facets, new_tid
from simedsos.publishing.platforms.errors import ErrorClass, PlatformError, ValidationFailed
from simedsos.publishing.platforms.registry import adapter_for
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.bluesky import FakeBluesky

from .helpers import FAST, SHORT_TIMEOUT, fixture, image, post

DID = "did:plc:kvwvcn5iqfooopmyzvb4qzba"
HANDLE = "jdih-kalteng.bsky.social"
PASSWORD = "abcd-efgh-ijkl-mnop"


@pytest.fixture
def fake():
    return FakeBluesky(handle=HANDLE, did=DID, app_password=PASSWORD)


def make(fake, credentials=None, **config):
    return adapter_for(
        "BLUESKY",
        account=AccountRef("BLUESKY", external_id=DID, handle=HANDLE),
        credentials=credentials
        or Credentials(extra={"identifier": HANDLE, "app_password": PASSWORD}),
        http_client=fake_client(fake),
        config={**FAST, **config},
    )


def test_301_graphemes_refused_before_http_but_300_flags_pass(fake):
    with pytest.raises(ValidationFailed):
        make(fake).publish(post("a" * 301), idempotency_key="k")
    assert fake.requests == []
    flags = "🇮🇩" * 300  # 300 graphemes, 2400 bytes
    assert make(fake).publish(post(flags), idempotency_key="k").is_live


def test_text_post_logs_in_once_with_our_rkey_and_facets(fake):
    adapter = make(fake)
    text = "Unduh putusan di https://jdih.kpu.go.id/p/1 #JDIH #KPU"
    result = adapter.publish(post(text), idempotency_key="k")
    body = fake.calls("createRecord")[0].json
    assert body["rkey"] == result.checkpoint["rkey"]
    assert result.external_id == f"at://{DID}/app.bsky.feed.post/{body['rkey']}"
    assert result.permalink == f"https://bsky.app/profile/{HANDLE}/post/{body['rkey']}"
    features = [f["features"][0] for f in body["record"]["facets"]]
    assert features[0] == {
        "$type": "app.bsky.richtext.facet#link",
        "uri": "https://jdih.kpu.go.id/p/1",
    }
    assert {f.get("tag") for f in features[1:]} == {"JDIH", "KPU"}
    assert body["record"]["langs"] == ["id"]
    adapter.publish(post("Kedua"), idempotency_key="k2")
    assert fake.sessions_created == 1  # the session is reused, not re-created per post


def test_facet_offsets_are_utf8_bytes():
    text = "Pemilu 🗳️ lihat https://kpu.go.id"
    facet = build_facets(text)[0]["index"]
    assert text.encode()[facet["byteStart"] : facet["byteEnd"]] == b"https://kpu.go.id"


def test_tid_is_13_sortable_chars():
    first = new_tid(datetime(2026, 1, 1, tzinfo=UTC))
    later = new_tid(datetime(2026, 1, 1, 0, 0, 1, tzinfo=UTC))
    assert len(first) == 13 and first < later


def test_images_are_uploaded_as_blobs_with_alt_and_ratio(fake):
    result = make(fake).publish(
        post(media=[image(1, width=1200, height=800), image(2)]), idempotency_key="k"
    )
    uploads = fake.calls("uploadBlob")
    assert [u.content_type for u in uploads] == ["image/jpeg", "image/jpeg"]
    images = fake.calls("createRecord")[0].json["record"]["embed"]["images"]
    assert images[0]["alt"] == "Infografis JDIH"
    assert images[0]["aspectRatio"] == {"width": 1200, "height": 800}
    assert len(result.checkpoint["blobs"]) == 2


def test_expired_token_refreshes_then_retries_once(fake):
    adapter = make(fake)
    adapter.publish(post("Satu"), idempotency_key="k1")
    old_refresh = adapter.credentials.refresh_token
    fake.expire_access_tokens()
    result = adapter.publish(post("Dua"), idempotency_key="k2")
    assert result.is_live
    assert len(fake.calls("refreshSession")) == 1
    assert adapter.credentials.refresh_token != old_refresh  # rotated: store it
    assert fake.sessions_created == 1


def test_dead_refresh_token_falls_back_to_app_password_or_reconnect(fake):
    fake.expired.add("stale")
    stale = Credentials(
        access_token="stale",
        refresh_token="gone",
        extra={"identifier": HANDLE, "app_password": PASSWORD},
    )
    assert make(fake, stale).publish(post(), idempotency_key="k").is_live
    no_password = Credentials(access_token="stale", refresh_token="gone")
    with pytest.raises(PlatformError) as caught:
        make(fake, no_password).publish(post("Lain"), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    wrong = Credentials(extra={"identifier": HANDLE, "app_password": "wrong"})
    with pytest.raises(PlatformError) as caught:
        make(fake, wrong).publish(post("Lain"), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_RECONNECT
    assert "sandi aplikasi" in caught.value.user_message


@pytest.mark.parametrize(
    ("fault", "params", "expected"),
    [
        ("rate_limited", {}, ErrorClass.RATE_LIMITED),
        ("error", {"name": "InvalidRequest"}, ErrorClass.PERMANENT),
        ("error", {"name": "InvalidSwap"}, ErrorClass.RETRYABLE),
        ("error", {"name": "ConcurrentWrites"}, ErrorClass.RETRYABLE),
        ("server_error", {}, ErrorClass.AMBIGUOUS),  # on createRecord: look it up first
    ],
)
def test_error_table(fake, fault, params, expected):
    fake.fail_next(fault, on="createRecord", **params)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.error_class is expected


def test_rate_limit_reset_header(fake):
    reset = int(datetime.now(UTC).timestamp()) + 300
    fake.fail_next("rate_limited", on="createRecord", reset=reset)
    with pytest.raises(PlatformError) as caught:
        make(fake).publish(post(), idempotency_key="k")
    assert caught.value.retry_at == datetime.fromtimestamp(reset, UTC)


def test_lost_answer_reconciled_by_rkey_and_resume_never_doubles(fake):
    fake.fail_next("timeout_after_commit", on="createRecord")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.AMBIGUOUS
    found = adapter.reconcile(caught.value.checkpoint, post(), "k")
    assert found.external_id == fake.posts[0]["uri"]
    again = adapter.publish(post(), idempotency_key="k", resume_from=caught.value.checkpoint)
    assert again.external_id == found.external_id
    assert len(fake.posts) == 1


def test_reconcile_none_when_the_record_does_not_exist(fake):
    fake.fail_next("not_sent", on="createRecord")
    adapter = make(fake)
    with pytest.raises(PlatformError) as caught:
        adapter.publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.RETRYABLE
    assert adapter.reconcile(caught.value.checkpoint, post(), "k") is None


def test_replays_recorded_get_record_and_blob_ref(fake):
    recorded = fixture("bluesky", "get_record_post.json")
    fake.fail_next("body", on="getRecord", status=200, body=recorded)
    adapter = make(fake)
    found = adapter.reconcile({"rkey": "3k2yihcrp6f2c", "stage": "posting"}, post(), "k")
    assert found.external_id == recorded["uri"]
    assert found.permalink == f"https://bsky.app/profile/{HANDLE}/post/3k2yihcrp6f2c"
    thread = fixture("bluesky", "get_post_thread_image_embed.json")
    blob = thread["thread"]["post"]["record"]["embed"]["media"]["images"][0]["image"]
    fake.fail_next("body", on="uploadBlob", status=200, body={"blob": blob})
    fake.blobs[blob["ref"]["$link"]] = blob
    result = adapter.publish(post("Dengan gambar", media=[image()]), idempotency_key="k2")
    sent = fake.calls("createRecord")[-1].json["record"]["embed"]["images"][0]["image"]
    assert sent == blob  # kept verbatim
    assert result.is_live


def test_expiry_warning_only_without_app_password(fake):
    now = datetime.now(UTC)
    adapter = make(fake)
    with_password = Credentials(
        refresh_token="r", refresh_expires_at=now + timedelta(days=2), extra={"app_password": "x"}
    )
    assert adapter.token_expiry_warning(with_password, now) is None
    without = Credentials(refresh_token="r", refresh_expires_at=now + timedelta(days=2))
    assert "2 hari" in adapter.token_expiry_warning(without, now)


def test_session_expiry_read_from_jwts(fake):
    adapter = make(fake)
    adapter.publish(post(), idempotency_key="k")
    creds = adapter.credentials
    assert timedelta(hours=1) < creds.expires_at - datetime.now(UTC) <= timedelta(hours=2)
    assert creds.refresh_expires_at - datetime.now(UTC) > timedelta(days=89)
    assert creds.get("did") == DID


def test_test_connection(fake):
    adapter = make(fake)
    report = adapter.test_connection(
        AccountRef("BLUESKY", external_id=DID, handle=HANDLE),
        Credentials(extra={"identifier": HANDLE, "app_password": PASSWORD}),
    )
    assert report.ok and report.account_handle == HANDLE


def test_real_socket_timeout_then_reconcile(fake):
    fake.drop_delay = 1.5
    with serve_fake(fake) as base_url:
        adapter = adapter_for(
            "BLUESKY",
            account=AccountRef("BLUESKY", external_id=DID, handle=HANDLE),
            credentials=Credentials(extra={"identifier": HANDLE, "app_password": PASSWORD}),
            config={**FAST, "base_url": base_url, "timeout": SHORT_TIMEOUT},
        )
        fake.fail_next("timeout_after_commit", on="createRecord")
        with pytest.raises(PlatformError) as caught:
            adapter.publish(post(), idempotency_key="k")
        assert caught.value.error_class is ErrorClass.AMBIGUOUS
        found = adapter.reconcile(caught.value.checkpoint, post(), "k")
        assert found.state is PublishState.LIVE
    assert len(fake.posts) == 1
