"""The adapter interface: data types, configuration, timeouts, the registry and `manual`."""

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from simedsos.publishing.platforms.base import (
    CANNOT_TELL,
    AccountRef,
    Credentials,
    OutgoingPost,
    PlatformAdapter,
)
from simedsos.publishing.platforms.errors import (
    ErrorClass,
    ManualPublishingRequired,
    ValidationFailed,
)
from simedsos.publishing.platforms.limits import Platform
from simedsos.publishing.platforms.registry import ADAPTERS, adapter_for
from tests.fakes import fake_client
from tests.fakes.platforms.facebook import FakeFacebook

from .helpers import image, post


def test_every_platform_has_an_adapter():
    assert set(ADAPTERS) == set(Platform)
    for platform in Platform:
        adapter = adapter_for(platform)
        assert isinstance(adapter, PlatformAdapter)
        assert adapter.platform is platform


def test_api_versions_and_hosts_come_from_settings(settings):
    assert adapter_for("FACEBOOK").config["version"] == "v25.0"
    assert adapter_for("THREADS").config["version"] == "v1.0"
    settings.PLATFORM_API = {
        "FACEBOOK": {"version": "v26.0", "base_url": "https://graph.example"},
        "TIMEOUT": {"read": 12},
        "POLL_ATTEMPTS": 9,
    }
    adapter = adapter_for("FACEBOOK")
    assert adapter.config["version"] == "v26.0"
    assert adapter.url("1/feed") == "https://graph.example/v26.0/1/feed"
    assert adapter.timeout.read == 12 and adapter.timeout.connect == 5
    assert adapter.config["poll_attempts"] == 9


def test_every_call_carries_the_configured_timeout():
    seen = []

    def handler(request: httpx.Request):
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, json={"id": "1_2"})

    adapter = adapter_for(
        "FACEBOOK",
        account=AccountRef("FACEBOOK", external_id="1"),
        credentials=Credentials(access_token="t"),
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),  # no client timeout
        config={"timeout": {"connect": 1, "read": 2, "write": 3, "pool": 4}},
    )
    adapter.publish(post(), idempotency_key="k")
    assert seen and all(t == {"connect": 1, "read": 2, "write": 3, "pool": 4} for t in seen)


def test_credentials_are_dict_like_and_round_trip():
    when = datetime(2026, 5, 1, tzinfo=UTC)
    creds = Credentials(access_token="a", expires_at=when, extra={"app_password": "p"})
    assert creds["access_token"] == "a" and creds.get("app_password") == "p"
    assert "refresh_token" not in creds and creds.get("refresh_token", "-") == "-"
    assert Credentials.from_dict(creds.to_dict()) == creds
    with pytest.raises(TypeError):
        creds.extra["x"] = 1  # frozen


def test_checkpoint_ids_are_reported_as_soon_as_known():
    fake = FakeFacebook(page_id="1")
    seen = []
    adapter = adapter_for(
        "FACEBOOK",
        account=AccountRef("FACEBOOK", external_id="1"),
        credentials=Credentials(access_token="page-token"),
        http_client=fake_client(fake),
    )
    adapter.publish(
        post(media=[image(1), image(2)]), idempotency_key="k", on_checkpoint=seen.append
    )
    assert [len(s.get("photo_ids", [])) for s in seen[:2]] == [1, 2]
    assert seen[0]["idempotency_key"] == "k" and seen[0]["text_sha256"]


def test_validation_error_lists_preflight_issues_in_indonesian():
    adapter = adapter_for("BLUESKY", account=AccountRef("BLUESKY", external_id="did:x"))
    with pytest.raises(ValidationFailed) as caught:
        adapter.publish(post("a" * 400, media=[image(alt="")]), idempotency_key="k")
    codes = {issue.code for issue in caught.value.issues}
    assert {"caption_too_long", "alt_text_missing"} <= codes
    assert "teks alternatif" in caught.value.user_message


def test_manual_publishing_waits_for_a_person():
    adapter = adapter_for("MANUAL", account=AccountRef("MANUAL", handle="Instagram JDIH"))
    outgoing = OutgoingPost(text="Unggah manual", media=(image(),))
    assert adapter.validate(outgoing) == []
    with pytest.raises(ManualPublishingRequired) as caught:
        adapter.publish(outgoing, idempotency_key="k")
    assert caught.value.error_class is ErrorClass.NEEDS_PERSON
    assert "manual" in caught.value.user_message
    assert adapter.reconcile({}, outgoing, "k") is CANNOT_TELL
    assert adapter.permalink("x") == ""
    now = datetime.now(UTC)
    assert (
        adapter.token_expiry_warning(Credentials(expires_at=now - timedelta(days=1)), now) is None
    )
    assert adapter.test_connection(AccountRef("MANUAL"), Credentials()).ok


def test_cannot_tell_is_a_falsy_singleton():
    assert not CANNOT_TELL and repr(CANNOT_TELL) == "CANNOT_TELL"
    assert type(CANNOT_TELL)() is CANNOT_TELL


def test_publishing_without_an_account_is_refused():
    with pytest.raises(Exception) as caught:
        adapter_for("X").publish(post(), idempotency_key="k")
    assert caught.value.error_class is ErrorClass.PERMANENT
