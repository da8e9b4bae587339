"""Connecting Facebook Page, Instagram (Facebook Login) and Threads accounts through the app's
connect and callback pages, against the Graph and Threads fakes over a real socket: the code
is traded for a short-lived token, that for a long-lived one, and (Facebook) for the Page's own
token; the credentials are stored encrypted with their expiry; every refusal says what to do in
Indonesian and keeps the credentials the account already had."""

import datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from simedsos.accounts.roles import Role
from simedsos.publishing import oauth
from simedsos.publishing.credentials import decrypt_credentials, encrypt_credentials
from simedsos.publishing.models import SocialAccount
from simedsos.publishing.platforms.base import AccountRef, Credentials
from simedsos.publishing.platforms.registry import adapter_for
from tests.content.builders import make_world
from tests.fakes import fake_client, serve_fake
from tests.fakes.platforms.facebook import FakeFacebook
from tests.fakes.platforms.graph import LONG_LIVED_SECONDS
from tests.fakes.platforms.instagram import FakeInstagram
from tests.fakes.platforms.threads import FakeThreads

from .helpers import post
from .test_oauth import CALLBACK, messages_of, start

pytestmark = pytest.mark.django_db
PAGE = "245628824887810"
META_APP = {"client_id": "meta-app-id", "client_secret": "meta-app-secret"}
THREADS_APP = {"client_id": "threads-app-id", "client_secret": "threads-app-secret"}
OLD = Credentials(access_token="old-token", extra={"connected_via": "oauth"})


@pytest.fixture
def world():
    return make_world()


def account_for(world, platform: str, **ids) -> SocialAccount:
    return SocialAccount.objects.create(
        work_unit=world.unit, platform=platform, name=f"JDIH {platform}", handle="jdih.oauth", **ids
    )


def already_connected(account: SocialAccount) -> dict:
    """Give `account` working credentials; returns what must survive a failed reconnection."""
    account.credentials_encrypted = encrypt_credentials(OLD)
    account.connection = SocialAccount.Connection.CONNECTED
    account.reconnect_by = timezone.now() + datetime.timedelta(days=30)
    account.save()
    return snapshot(account)


def snapshot(account: SocialAccount) -> dict:
    account.refresh_from_db()
    return {
        f: getattr(account, f)
        for f in ("credentials_encrypted", "connection", "reconnect_by", "external_id", "page_id")
    }


def consent(client, fake, account) -> dict:
    """The admin starts connecting and approves on the platform; returns the callback query."""
    query = start(client, account)
    return {"code": fake.issue_code(query), "state": query["state"], "_query": query}


def callback(client, params: dict) -> str:
    response = client.get(CALLBACK, {k: v for k, v in params.items() if k[0] != "_"}, follow=True)
    return messages_of(response)


def connect(client, settings, world, fake, account, seen: dict | None = None) -> str:
    """The whole round trip with the fake serving the platform: the admin starts connecting,
    approves on the platform and comes back; returns the messages shown. `seen` receives the
    consent page's query."""
    app = THREADS_APP if account.platform == "THREADS" else META_APP
    client.force_login(world.admin)
    with serve_fake(fake) as url:
        settings.PLATFORM_API = {account.platform: {**app, "base_url": url}}
        params = consent(client, fake, account)
        if seen is not None:
            seen.update(params["_query"])
        return callback(client, params)


def close_to(when, seconds: int, now) -> bool:
    return abs((when - now).total_seconds() - seconds) < 120


# --- Facebook Page -------------------------------------------------------------------------------


def test_facebook_stores_the_pages_own_token_from_a_long_lived_user_token(client, settings, world):
    fake = FakeFacebook(page_id=PAGE)
    account = account_for(world, "FACEBOOK", page_id=PAGE)
    query: dict = {}
    assert "terhubung" in connect(client, settings, world, fake, account, query)
    assert query["_url"].startswith("https://www.facebook.com/v25.0/dialog/oauth?")
    assert {"pages_manage_posts", "pages_show_list"} <= set(query["scope"].split(","))
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED and account.last_check_ok
    creds = decrypt_credentials(account.credentials_encrypted)
    # The Page's token, taken with the long-lived user token (not the user token itself).
    assert fake.page_tokens[creds.access_token] == {"page": PAGE, "from": "long"}
    assert creds.access_token not in account.credentials_encrypted
    assert creds.expires_at is None and account.reconnect_by is None  # Page tokens last
    assert creds.issued_at is not None and creds["page_name"] == "JDIH KPU Kalteng"
    grants = [r.param("grant_type") for r in fake.calls("oauth_token")]
    assert grants == ["authorization_code", "fb_exchange_token"]
    assert fake.calls("oauth_token")[1].param("client_secret") == "meta-app-secret"
    # The stored token posts to the Page (a user token would be refused there).
    adapter = adapter_for(
        "FACEBOOK",
        account=AccountRef("FACEBOOK", external_id=PAGE, page_id=PAGE),
        credentials=creds,
        http_client=fake_client(fake),
    )
    adapter.publish(post(), idempotency_key="after-connect")
    assert len(fake.posts) == 1


def test_facebook_page_found_on_a_later_list_page_and_ids_filled(client, settings, world):
    fake = FakeFacebook(page_id=PAGE)
    fake.managed_pages[:0] = [
        {"id": str(900_000 + n), "name": f"Halaman {n}", "tasks": ["CREATE_CONTENT"]}
        for n in range(130)
    ]
    account = account_for(world, "FACEBOOK", external_id=PAGE)  # the Page id, as "id akun"
    assert "terhubung" in connect(client, settings, world, fake, account)
    assert len(fake.calls("accounts")) == 2  # paging.next followed
    account.refresh_from_db()
    assert account.page_id == PAGE
    creds = decrypt_credentials(account.credentials_encrypted)
    assert fake.page_tokens[creds.access_token]["page"] == PAGE


def test_facebook_without_page_id_takes_the_only_page_or_asks_which(client, settings, world):
    fake = FakeFacebook(page_id=PAGE)
    account = account_for(world, "FACEBOOK")
    assert "terhubung" in connect(client, settings, world, fake, account)
    account.refresh_from_db()
    assert account.page_id == PAGE and account.external_id == PAGE

    second = SocialAccount.objects.create(
        work_unit=world.unit, platform="FACEBOOK", name="Kedua", handle="kedua"
    )
    fake.manages("777000111", "JDIH Kabupaten")
    said = connect(client, settings, world, fake, second)
    assert "beberapa Halaman Facebook" in said and "JDIH Kabupaten (777000111)" in said
    second.refresh_from_db()
    assert second.connection == SocialAccount.Connection.NONE
    assert second.credentials_encrypted == "" and second.page_id == ""


@pytest.mark.parametrize(
    ("pages", "expected"),
    [
        ([{"id": PAGE, "name": "JDIH KPU Kalteng", "tasks": ["ANALYZE"]}], "CREATE_CONTENT"),
        ([{"id": "1", "name": "Halaman lain", "tasks": ["CREATE_CONTENT"]}], "tidak mengelola"),
    ],
)
def test_facebook_user_who_cannot_post_to_the_page_is_refused_and_old_token_kept(
    client, settings, world, pages, expected
):
    fake = FakeFacebook(page_id=PAGE)
    fake.managed_pages = pages
    account = account_for(world, "FACEBOOK", page_id=PAGE, external_id=PAGE)
    before = already_connected(account)
    said = connect(client, settings, world, fake, account)
    assert expected in said and "Akun belum diubah" in said
    assert snapshot(account) == before
    assert decrypt_credentials(account.credentials_encrypted) == OLD


# --- Instagram (Facebook Login) -----------------------------------------------------------------


def test_instagram_finds_the_professional_account_through_its_page(client, settings, world):
    fake = FakeInstagram()
    account = account_for(world, "INSTAGRAM", page_id=fake.page_id)
    query: dict = {}
    now = timezone.now()
    assert "terhubung" in connect(client, settings, world, fake, account, query)
    scopes = set(query["scope"].split(","))
    assert {"instagram_content_publish", "pages_read_engagement"} <= scopes
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    assert account.external_id == fake.user_id
    creds = decrypt_credentials(account.credentials_encrypted)
    assert fake.user_tokens[creds.access_token] == "long"
    assert close_to(creds.expires_at, LONG_LIVED_SECONDS, now)
    # Facebook-Login tokens are not refreshed here: a person reconnects before they end.
    assert account.reconnect_by == creds.expires_at
    page_read = [r for r in fake.calls("object") if r.path.endswith(f"/{fake.page_id}")]
    assert page_read and page_read[0].param("fields") == "instagram_business_account"


def test_instagram_without_ids_uses_the_users_only_linked_account(client, settings, world):
    fake = FakeInstagram()
    fake.manages("555", "Halaman tanpa Instagram")
    account = account_for(world, "INSTAGRAM")
    assert "terhubung" in connect(client, settings, world, fake, account)
    account.refresh_from_db()
    assert account.external_id == fake.user_id


def test_instagram_of_another_user_is_refused(client, settings, world):
    fake = FakeInstagram()
    account = account_for(world, "INSTAGRAM", external_id="17841499999999999")
    before = already_connected(account)
    said = connect(client, settings, world, fake, account)
    assert "tidak mengelola akun Instagram ini (id 17841499999999999)" in said
    assert snapshot(account) == before


# --- Threads --------------------------------------------------------------------------------------


def test_threads_short_lived_token_is_exchanged_and_stays_refreshable(client, settings, world):
    fake = FakeThreads()
    account = account_for(world, "THREADS")
    query: dict = {}
    now = timezone.now()
    assert "terhubung" in connect(client, settings, world, fake, account, query)
    assert query["_url"].startswith("https://threads.net/oauth/authorize?")
    assert query["scope"] == "threads_basic,threads_content_publish"
    account.refresh_from_db()
    assert account.connection == SocialAccount.Connection.CONNECTED
    assert account.external_id == fake.user_id  # the user_id of the code exchange
    creds = decrypt_credentials(account.credentials_encrypted)
    assert fake.user_tokens[creds.access_token] == "long"
    assert close_to(creds.expires_at, LONG_LIVED_SECONDS, now)
    assert account.reconnect_by == creds.expires_at
    code_call = fake.calls("oauth_token")[0]
    assert code_call.method == "POST" and code_call.form["client_secret"] == "threads-app-secret"
    exchange = fake.calls("oauth_exchange")[0]
    assert exchange.param("grant_type") == "th_exchange_token"
    # Only a long-lived token can be refreshed: the stored one can.
    adapter = adapter_for(
        "THREADS",
        account=AccountRef("THREADS", external_id=fake.user_id),
        credentials=creds,
        http_client=fake_client(fake),
        clock=lambda: now + datetime.timedelta(days=2),
    )
    assert adapter.refresh_credentials(creds).access_token in fake.refreshed


def test_threads_refused_long_lived_exchange_keeps_the_old_credentials(client, settings, world):
    fake = FakeThreads()
    account = account_for(world, "THREADS", external_id=fake.user_id)
    before = already_connected(account)
    fake.fail_next("graph_error", on="oauth_exchange", code=1, message="Error validating secret")
    said = connect(client, settings, world, fake, account)
    assert "token jangka panjang" in said and "Error validating secret" in said
    assert snapshot(account) == before


def test_threads_consent_by_another_threads_user_is_refused(client, settings, world):
    fake = FakeThreads()
    account = account_for(world, "THREADS", external_id="27650000000000001")
    before = already_connected(account)
    said = connect(client, settings, world, fake, account)
    assert f"akun lain di platform (id {fake.user_id})" in said
    assert snapshot(account) == before


# --- all three: bad codes and forged state ------------------------------------------------------

PLATFORMS = {
    "FACEBOOK": (lambda: FakeFacebook(page_id=PAGE), META_APP, {"page_id": PAGE}),
    "INSTAGRAM": (FakeInstagram, META_APP, {"page_id": "102345678901234"}),
    "THREADS": (FakeThreads, THREADS_APP, {}),
}


@pytest.fixture(params=sorted(PLATFORMS))
def meta(request, settings, world):
    make_fake, app, ids = PLATFORMS[request.param]
    fake = make_fake()
    account = account_for(world, request.param, **ids)
    with serve_fake(fake) as url:
        settings.PLATFORM_API = {request.param: {**app, "base_url": url}}
        yield fake, account


@pytest.mark.parametrize("how", ["wrong", "already used"])
def test_wrong_or_used_code_is_explained_and_credentials_kept(client, world, meta, how):
    fake, account = meta
    before = already_connected(account)
    client.force_login(world.admin)
    params = consent(client, fake, account)
    if how == "wrong":
        params["code"] = "code-salah"
    else:
        fake._codes().pop(params["code"])  # spent (or expired) at the platform
    said = callback(client, params)
    assert "Platform menolak kode otorisasi (HTTP 400" in said
    assert "authorization code has expired" in said  # the platform's own words
    assert "Ulangi penghubungan akun" in said
    assert snapshot(account) == before
    assert decrypt_credentials(account.credentials_encrypted) == OLD
    assert len(fake.calls("oauth_token")) == 1 and not fake.calls("oauth_exchange")


def test_forged_state_is_refused_before_the_platform_is_asked(client, world, meta):
    fake, account = meta
    before = already_connected(account)
    client.force_login(world.admin)
    params = consent(client, fake, account)
    said = callback(client, {**params, "state": params["state"][:-2] + "xx"})
    assert "tidak dikenali atau sudah dipakai" in said
    assert fake.calls("oauth_token") == [] and snapshot(account) == before
    # Another person's browser cannot finish it either, even with the real state.
    other = type(client)()
    other.force_login(world.other[Role.ADMIN])
    assert "tidak dikenali" in callback(other, params)
    assert fake.calls("oauth_token") == [] and snapshot(account) == before
    # The admin's own consent still completes.
    assert "terhubung" in callback(client, params)
    assert snapshot(account)["credentials_encrypted"] != before["credentials_encrypted"]


def test_platform_unreachable_during_exchange(settings):
    fake = FakeThreads()
    settings.PLATFORM_API = {"THREADS": {**THREADS_APP, "base_url": "https://threads.test"}}
    session: dict = {}
    link, state = oauth.authorization_url(
        session, account_id=1, platform="THREADS", redirect_uri="https://app/cb"
    )
    query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
    code = fake.issue_code(query)
    fake.fail_next("not_sent", on="oauth_exchange")
    with pytest.raises(ValidationError, match="tidak dapat dihubungi.*Akun belum diubah"):
        oauth.exchange_code(oauth.take_state(session, state), code, http_client=fake_client(fake))
