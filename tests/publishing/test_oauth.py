"""OAuth connection of accounts against the fakes' token endpoints over a real socket: state,
PKCE, code exchange, refusal and cancellation."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError

from simedsos.publishing import oauth
from simedsos.publishing.credentials import decrypt_credentials
from simedsos.publishing.models import SocialAccount
from tests.content.builders import make_world
from tests.fakes import serve_fake
from tests.fakes.platforms.tiktok import FakeTikTok
from tests.fakes.platforms.x import FakeX

from .jobs_helpers import X_USER

pytestmark = pytest.mark.django_db
CALLBACK = "/akun-medsos/oauth/kembali/"


@pytest.fixture
def world():
    return make_world()


def start(client, account) -> dict:
    response = client.post(f"/akun-medsos/{account.pk}/hubungkan/")
    assert response.status_code == 302, response.content.decode()[:500]
    location = response["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()} | {"_url": location}


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_x_authorization_code_with_pkce(client, settings, world):
    fake = FakeX()
    account = SocialAccount.objects.create(
        work_unit=world.unit,
        platform="X",
        name="JDIH X",
        handle="jdihkpukalteng",
        external_id=X_USER,
    )
    client.force_login(world.admin)
    with serve_fake(fake) as url:
        settings.PLATFORM_API = {"X": {"client_id": "client-id", "base_url": url}}
        query = start(client, account)
        assert query["_url"].startswith("https://x.com/i/oauth2/authorize?")
        assert query["code_challenge_method"] == "S256" and query["code_challenge"]
        assert query["redirect_uri"] == f"http://testserver{CALLBACK}"
        assert "offline.access" in query["scope"] and query["state"]
        code = fake.issue_code(query)  # the user approves on X
        response = client.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)
        assert "terhubung" in messages_of(response)
        account.refresh_from_db()
        assert account.connection == SocialAccount.Connection.CONNECTED
        creds = decrypt_credentials(account.credentials_encrypted)
        assert creds.access_token in fake.tokens and creds.refresh_token in fake.refresh_tokens
        assert account.reconnect_by is None  # X refreshes itself; no refresh expiry given
        # The state is good once only.
        response = client.get(CALLBACK, {"code": code, "state": query["state"]}, follow=True)
        assert "tidak dikenali" in messages_of(response)


def test_wrong_pkce_verifier_is_refused_by_the_platform(settings, world, rf):
    fake = FakeX()
    with serve_fake(fake) as url:
        settings.PLATFORM_API = {"X": {"client_id": "client-id", "base_url": url}}
        session: dict = {}
        link, state = oauth.authorization_url(
            session, account_id=1, platform="X", redirect_uri="https://app/cb"
        )
        query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        code = fake.issue_code(query)
        remembered = oauth.take_state(session, state)
        remembered["verifier"] = "not-the-one"
        with pytest.raises(ValidationError, match="menolak kode otorisasi"):
            oauth.exchange_code(remembered, code)


def test_tiktok_uses_client_key_and_records_open_id(client, settings, world):
    fake = FakeTikTok()
    account = SocialAccount.objects.create(
        work_unit=world.unit, platform="TIKTOK", name="JDIH TikTok", handle="jdihkalteng"
    )
    client.force_login(world.admin)
    with serve_fake(fake) as url:
        settings.PLATFORM_API = {
            "TIKTOK": {"client_key": "tt-client", "client_secret": "tt-secret", "base_url": url}
        }
        query = start(client, account)
        assert query["client_key"] == "tt-client" and "code_challenge" not in query
        code = fake.issue_code(query)
        client.get(CALLBACK, {"code": code, "state": query["state"]})
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    assert account.external_id == "open-id-1"
    creds = decrypt_credentials(account.credentials_encrypted)
    assert creds.access_token == "tt-token-new" and creds.refresh_expires_at is not None
    assert account.reconnect_by == creds.refresh_expires_at  # refreshable: ends with refresh


def test_cancelled_consent_leaves_the_account_manual(client, settings, world):
    account = SocialAccount.objects.create(
        work_unit=world.unit, platform="X", name="JDIH X", handle="jdihkpukalteng"
    )
    client.force_login(world.admin)
    settings.PLATFORM_API = {"X": {"client_id": "client-id"}}
    query = start(client, account)
    response = client.get(
        CALLBACK, {"error": "access_denied", "state": query["state"]}, follow=True
    )
    assert "dibatalkan atau ditolak" in messages_of(response)
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.NONE


def test_missing_client_id_is_explained(client, settings, world):
    settings.PLATFORM_API = {}
    account = SocialAccount.objects.create(
        work_unit=world.unit, platform="YOUTUBE", name="JDIH YouTube", handle="@jdih"
    )
    client.force_login(world.admin)
    response = client.post(f"/akun-medsos/{account.pk}/hubungkan/")
    assert response.status_code == 200
    assert "client_id" in messages_of(response)
