"""OAuth 2.0 authorisation of social accounts: the platform's consent page (with `state`, and
PKCE where the platform uses it) and the exchange of the returned code at the configured token
endpoint (shared/reference/platform-apis.md). Telegram (bot token) and Bluesky (app password)
connect with a form instead.

Client ids and secrets come from PLATFORM_API[<platform>] (`client_id`, `client_secret`;
URLs overridable: `authorize_url`, `token_url`, `base_url`).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
from django.core.exceptions import ValidationError

from .platforms.base import Credentials, platform_config
from .platforms.limits import Platform

STATE_MAX_AGE = 15 * 60  # seconds a consent page may stay open
SESSION_PREFIX = "publishing.oauth."


@dataclass(frozen=True)
class OAuthSpec:
    authorize_url: str
    exchange_url: str  # the token endpoint; may contain {base_url}, {version}, {token_url}
    scopes: tuple[str, ...]
    pkce: bool = False
    scope_separator: str = " "
    client_id_param: str = "client_id"
    exchange_method: str = "POST"
    basic_auth: bool = False  # confidential clients send id:secret as HTTP Basic
    extra_params: dict[str, str] = field(default_factory=dict)
    # Graph platforms: exchange the short-lived token for a long-lived one afterwards.
    long_lived: str = ""  # "facebook" | "threads" | ""


GRAPH_SCOPES = ("pages_show_list", "pages_read_engagement", "pages_manage_posts", "publish_video")
SPECS: dict[Platform, OAuthSpec] = {
    Platform.X: OAuthSpec(
        authorize_url="https://x.com/i/oauth2/authorize",
        exchange_url="{base_url}/2/oauth2/token",
        scopes=("tweet.read", "tweet.write", "users.read", "media.write", "offline.access"),
        pkce=True,
        basic_auth=True,
    ),
    Platform.YOUTUBE: OAuthSpec(
        authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
        exchange_url="{token_url}",
        scopes=(
            "https://www.googleapis.com/auth/youtube.upload",
            "https://www.googleapis.com/auth/youtube.readonly",
        ),
        pkce=True,
        extra_params={"access_type": "offline", "prompt": "consent"},
    ),
    Platform.TIKTOK: OAuthSpec(
        authorize_url="https://www.tiktok.com/v2/auth/authorize/",
        exchange_url="{base_url}/v2/oauth/token/",
        scopes=("user.info.basic", "video.publish", "video.upload"),
        scope_separator=",",
        client_id_param="client_key",
    ),
    Platform.THREADS: OAuthSpec(
        authorize_url="https://threads.net/oauth/authorize",
        exchange_url="{base_url}/oauth/access_token",
        scopes=("threads_basic", "threads_content_publish"),
        scope_separator=",",
        long_lived="threads",
    ),
    Platform.FACEBOOK: OAuthSpec(
        authorize_url="https://www.facebook.com/{version}/dialog/oauth",
        exchange_url="{base_url}/{version}/oauth/access_token",
        scopes=GRAPH_SCOPES,
        scope_separator=",",
        exchange_method="GET",
        long_lived="facebook",
    ),
    Platform.INSTAGRAM: OAuthSpec(
        authorize_url="https://www.facebook.com/{version}/dialog/oauth",
        exchange_url="{base_url}/{version}/oauth/access_token",
        scopes=("instagram_basic", "instagram_content_publish", "pages_show_list"),
        scope_separator=",",
        exchange_method="GET",
        long_lived="facebook",
    ),
}


def uses_oauth(platform: str) -> bool:
    try:
        return Platform(platform) in SPECS
    except ValueError:
        return False


def _config(platform: Platform) -> dict[str, Any]:
    from .platforms.registry import adapter_class

    return platform_config(platform, adapter_class(platform).defaults)


def _fill(template: str, config: dict[str, Any]) -> str:
    return template.format(
        base_url=str(config.get("base_url", "")).rstrip("/"),
        version=config.get("version", ""),
        token_url=config.get("token_url", ""),
    )


def _client(config: dict[str, Any], spec: OAuthSpec) -> tuple[str, str]:
    # TikTok's adapter calls it client_key; the others client_id.
    client_id = config.get(spec.client_id_param) or config.get("client_id") or ""
    if not client_id:
        raise ValidationError(
            "ID aplikasi (client_id) untuk platform ini belum diatur. Minta admin server "
            "mendaftarkan aplikasi di portal pengembang platform dan mengisi PLATFORM_API "
            "(client_id dan client_secret), lalu coba lagi."
        )
    return client_id, config.get("client_secret") or ""


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorization_url(
    session, *, account_id: int, platform: str, redirect_uri: str, page_id: str = ""
) -> tuple[str, str]:
    """The consent page's URL, and the `state` remembered in the session for the callback."""
    spec = SPECS[Platform(platform)]
    config = _config(Platform(platform))
    client_id, _secret = _client(config, spec)
    state = secrets.token_urlsafe(24)
    remembered: dict[str, Any] = {
        "account": account_id,
        "platform": str(platform),
        "redirect_uri": redirect_uri,
        "page_id": page_id,
        "at": time.time(),
    }
    params = {
        spec.client_id_param: client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": spec.scope_separator.join(spec.scopes),
        "state": state,
        **spec.extra_params,
    }
    if spec.pkce:
        verifier, challenge = pkce_pair()
        remembered["verifier"] = verifier
        params.update(code_challenge=challenge, code_challenge_method="S256")
    session[SESSION_PREFIX + state] = remembered
    base = config.get("authorize_url") or _fill(spec.authorize_url, config)
    return f"{base}?{urlencode(params)}", state


def take_state(session, state: str) -> dict[str, Any]:
    """What `authorization_url` remembered for `state` (once); a clear refusal otherwise."""
    remembered = session.pop(SESSION_PREFIX + (state or ""), None)
    if not remembered:
        raise ValidationError(
            "Permintaan penghubungan akun ini tidak dikenali atau sudah dipakai. Mulai lagi dari "
            "halaman Akun Media Sosial."
        )
    if time.time() - float(remembered.get("at", 0)) > STATE_MAX_AGE:
        raise ValidationError(
            "Permintaan penghubungan akun sudah kedaluwarsa (lebih dari 15 menit). Mulai lagi."
        )
    return remembered


def _expiry(now: datetime.datetime, seconds: Any) -> datetime.datetime | None:
    try:
        return now + datetime.timedelta(seconds=int(seconds)) if seconds else None
    except (TypeError, ValueError):
        return None


def _refused(response: httpx.Response) -> ValidationError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = ""
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict):
            detail = str(error.get("message") or "")
        else:
            detail = str(body.get("error_description") or error or "")
    said = f": {detail[:200]}" if detail else ""
    return ValidationError(
        f"Platform menolak kode otorisasi (HTTP {response.status_code}{said}). Ulangi "
        "penghubungan akun; bila tetap gagal, periksa client_id, client_secret dan alamat "
        "kembali (redirect URI) aplikasi."
    )


def exchange_code(
    remembered: dict[str, Any],
    code: str,
    *,
    http_client: httpx.Client | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Credentials, dict[str, str]]:
    """Trade the authorisation code for credentials; also returns account ids the platform
    told us (e.g. TikTok open_id, Threads user id) for the account's reference."""
    platform = Platform(remembered["platform"])
    spec = SPECS[platform]
    config = _config(platform)
    client_id, secret = _client(config, spec)
    client = http_client or httpx.Client(timeout=20)
    now = now or datetime.datetime.now(datetime.UTC)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": remembered["redirect_uri"],
        spec.client_id_param: client_id,
    }
    if remembered.get("verifier"):
        data["code_verifier"] = remembered["verifier"]
    kwargs: dict[str, Any] = {}
    if spec.basic_auth and secret:
        kwargs["auth"] = (client_id, secret)
    elif secret:
        data["client_secret"] = secret
    url = config.get("token_url") if platform != Platform.YOUTUBE else None
    url = url or _fill(spec.exchange_url, config)
    try:
        if spec.exchange_method == "GET":
            response = client.get(url, params=data, **kwargs)
        else:
            response = client.post(url, data=data, **kwargs)
    except httpx.HTTPError as exc:
        raise ValidationError(
            f"Platform tidak dapat dihubungi untuk menukar kode otorisasi ({type(exc).__name__})."
            " Coba lagi beberapa saat lagi."
        ) from exc
    if not response.is_success:
        raise _refused(response)
    body = response.json()
    ref: dict[str, str] = {}
    if body.get("open_id"):
        ref["external_id"] = str(body["open_id"])
    if body.get("user_id"):
        ref["external_id"] = str(body["user_id"])
    access = body.get("access_token") or ""
    expires = _expiry(now, body.get("expires_in"))
    if spec.long_lived and access:
        access, expires = _long_lived(spec, config, client, access, secret, now) or (
            access,
            expires,
        )
    if platform == Platform.FACEBOOK and remembered.get("page_id") and access:
        page_token = facebook_page_token(config, client, access, remembered["page_id"])
        if not page_token:
            raise ValidationError(
                "Pengguna yang memberi izin tidak mengelola Halaman Facebook akun ini (id "
                f"{remembered['page_id']}). Hubungkan dengan pengguna yang menjadi admin Halaman."
            )
        access, expires = page_token, None  # a Page token from a long-lived one lasts
    credentials = Credentials(
        access_token=access,
        refresh_token=body.get("refresh_token") or "",
        expires_at=expires,
        refresh_expires_at=_expiry(now, body.get("refresh_expires_in")),
        issued_at=now,
        extra={"scope": body.get("scope", ""), "connected_via": "oauth"},
    )
    return credentials, ref


def _long_lived(spec, config, client, token, secret, now):
    """Meta's short-lived tokens (hours) are exchanged at once for ~60-day ones."""
    if spec.long_lived == "threads":
        url = f"{str(config.get('base_url', '')).rstrip('/')}/access_token"
        params = {"grant_type": "th_exchange_token", "client_secret": secret, "access_token": token}
    else:
        url = _fill(spec.exchange_url, config)
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": config.get("client_id", ""),
            "client_secret": secret,
            "fb_exchange_token": token,
        }
    try:
        response = client.get(url, params=params)
    except httpx.HTTPError:
        return None
    if not response.is_success:
        return None
    body = response.json()
    return body.get("access_token") or token, _expiry(now, body.get("expires_in"))


def facebook_page_token(
    config: dict[str, Any], client: httpx.Client, user_token: str, page_id: str
) -> str | None:
    """The Page's own token from the user's /me/accounts (it does not expire while the user
    keeps the Page role)."""
    url = f"{str(config.get('base_url', '')).rstrip('/')}/{config.get('version', '')}/me/accounts"
    try:
        response = client.get(url, params={"access_token": user_token, "fields": "id,access_token"})
    except httpx.HTTPError:
        return None
    if not response.is_success:
        return None
    for page in response.json().get("data") or []:
        if str(page.get("id")) == str(page_id):
            return page.get("access_token")
    return None
