"""OAuth 2.0 authorisation of social accounts: the platform's consent page (with `state`, and
PKCE where the platform uses it) and the exchange of the returned code at the configured token
endpoint (shared/reference/platform-apis.md). Telegram (bot token) and Bluesky (app password)
connect with a form instead.

Meta's platforms take more steps after the code (reference §1, §2, §6): the short-lived token
is traded at once for a long-lived one (Facebook Login: `fb_exchange_token`; Threads:
`th_exchange_token`); a Facebook Page posts with the Page's own token from the user's
`/me/accounts`; an Instagram account (Facebook Login) is found through its Page's
`instagram_business_account`.

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
from django.utils.translation import gettext as _

from .platforms.base import Credentials, platform_config
from .platforms.limits import Platform

STATE_MAX_AGE = 15 * 60  # seconds a consent page may stay open
SESSION_PREFIX = "publishing.oauth."
EXCHANGE_TIMEOUT = 20.0
MAX_PAGE_LISTS = 20  # pages of /me/accounts followed (100 Pages each)
CREATE_CONTENT = "CREATE_CONTENT"  # the Page task that allows posting (reference §1 "Auth")


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
        # pages_show_list + pages_read_engagement: finding the account through its Page.
        scopes=(
            "instagram_basic",
            "instagram_content_publish",
            "pages_show_list",
            "pages_read_engagement",
        ),
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
            _(
                "ID aplikasi (client_id) untuk platform ini belum diatur. Minta admin server "
                "mendaftarkan aplikasi di portal pengembang platform dan mengisi PLATFORM_API "
                "(client_id dan client_secret), lalu coba lagi."
            )
        )
    return client_id, config.get("client_secret") or ""


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(64)[:96]
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    return verifier, challenge.rstrip(b"=").decode()


def authorization_url(
    session,
    *,
    account_id: int,
    platform: str,
    redirect_uri: str,
    page_id: str = "",
    external_id: str = "",
) -> tuple[str, str]:
    """The consent page's URL, and the `state` remembered in the session for the callback.
    `page_id` / `external_id` are the ids the account already has (the Page to post to, the
    account's id on the platform): the callback checks the consenting user against them."""
    spec = SPECS[Platform(platform)]
    config = _config(Platform(platform))
    client_id, _secret = _client(config, spec)
    state = secrets.token_urlsafe(24)
    remembered: dict[str, Any] = {
        "account": account_id,
        "platform": str(platform),
        "redirect_uri": redirect_uri,
        "page_id": page_id,
        "external_id": external_id,
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
            _(
                "Permintaan penghubungan akun ini tidak dikenali atau sudah dipakai. Mulai lagi "
                "dari halaman Akun Media Sosial."
            )
        )
    if time.time() - float(remembered.get("at", 0)) > STATE_MAX_AGE:
        raise ValidationError(
            _("Permintaan penghubungan akun sudah kedaluwarsa (lebih dari 15 menit). Mulai lagi.")
        )
    return remembered


def _expiry(now: datetime.datetime, seconds: Any) -> datetime.datetime | None:
    try:
        return now + datetime.timedelta(seconds=int(seconds)) if seconds else None
    except (TypeError, ValueError):
        return None


def _detail(response: httpx.Response) -> str:
    """The platform's own words for a refusal (Graph error object or OAuth error fields)."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict):
        return ""
    error = body.get("error")
    if isinstance(error, dict):
        return str(error.get("message") or "")[:200]
    return str(body.get("error_description") or error or "")[:200]


def _refused(response: httpx.Response) -> ValidationError:
    detail = _detail(response)
    said = f": {detail}" if detail else ""
    return ValidationError(
        _(
            "Platform menolak kode otorisasi (HTTP %(status)s%(said)s). Ulangi penghubungan "
            "akun; bila tetap gagal, periksa client_id, client_secret dan alamat kembali "
            "(redirect URI) aplikasi."
        )
        % {"status": response.status_code, "said": said}
    )


def _unreachable(exc: httpx.HTTPError) -> ValidationError:
    return ValidationError(
        _(
            "Platform tidak dapat dihubungi saat menyelesaikan penghubungan akun (%(error)s). "
            "Akun belum diubah; coba lagi beberapa saat lagi."
        )
        % {"error": type(exc).__name__}
    )


def _body(response: httpx.Response) -> dict[str, Any]:
    """A successful answer's JSON object; anything else is the platform misbehaving."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise ValidationError(
            _(
                "Platform mengirim jawaban yang tidak dapat dibaca (HTTP %(status)s). Akun belum "
                "diubah; coba lagi beberapa saat lagi."
            )
            % {"status": response.status_code}
        )
    return body


def _get(client: httpx.Client, url: str, params: dict[str, Any] | None) -> httpx.Response:
    try:
        return client.get(url, params=params)
    except httpx.HTTPError as exc:
        raise _unreachable(exc) from exc


def exchange_code(
    remembered: dict[str, Any],
    code: str,
    *,
    http_client: httpx.Client | None = None,
    now: datetime.datetime | None = None,
) -> tuple[Credentials, dict[str, str]]:
    """Trade the authorisation code for credentials; also returns the account ids the platform
    told us (TikTok open_id, Threads user id, the Facebook Page, the Instagram account) for the
    account's reference. Raises ValidationError (Indonesian) and stores nothing on any
    refusal."""
    if http_client is not None:
        return _exchange(remembered, code, http_client, now)
    with httpx.Client(timeout=EXCHANGE_TIMEOUT) as client:
        return _exchange(remembered, code, client, now)


def _exchange(remembered, code, client: httpx.Client, now) -> tuple[Credentials, dict[str, str]]:
    platform = Platform(remembered["platform"])
    spec = SPECS[platform]
    config = _config(platform)
    client_id, secret = _client(config, spec)
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
        raise _unreachable(exc) from exc
    if not response.is_success:
        raise _refused(response)
    body = _body(response)
    access = str(body.get("access_token") or "")
    if not access:
        raise ValidationError(
            _(
                "Platform menerima kode otorisasi tetapi tidak mengirim token akses. Akun belum "
                "diubah; ulangi penghubungan akun."
            )
        )
    ref: dict[str, str] = {}
    if body.get("open_id"):
        ref["external_id"] = str(body["open_id"])
    if body.get("user_id"):
        ref["external_id"] = str(body["user_id"])
    expires = _expiry(now, body.get("expires_in"))
    extra: dict[str, Any] = {"scope": body.get("scope", ""), "connected_via": "oauth"}
    if spec.long_lived:
        access, expires = _long_lived(spec, config, client, access, client_id, secret, now)
    if platform == Platform.FACEBOOK:
        page = _facebook_page(
            config, client, access, remembered.get("page_id") or remembered.get("external_id")
        )
        ref.update(page_id=str(page["id"]), external_id=str(page["id"]))
        # A Page token taken from a long-lived user token has no expiry (reference §1); it
        # dies with the user's Page role, which the platform reports as code 190.
        access, expires = str(page["access_token"]), None
        extra["page_name"] = str(page.get("name") or "")
    elif platform == Platform.INSTAGRAM:
        ref["external_id"] = _instagram_account(
            config,
            client,
            access,
            page_id=remembered.get("page_id") or "",
            known=remembered.get("external_id") or "",
        )
    credentials = Credentials(
        access_token=access,
        refresh_token=body.get("refresh_token") or "",
        expires_at=expires,
        refresh_expires_at=_expiry(now, body.get("refresh_expires_in")),
        issued_at=now,
        extra=extra,
    )
    return credentials, ref


def _long_lived(spec, config, client, token, client_id, secret, now):
    """Meta's short-lived tokens (one hour to a few hours) are traded at once for ~60-day ones;
    keeping a short-lived one would break the account within hours, so a refusal here is a
    refusal of the whole connection."""
    if spec.long_lived == "threads":
        url = f"{str(config.get('base_url', '')).rstrip('/')}/access_token"
        params = {"grant_type": "th_exchange_token", "client_secret": secret, "access_token": token}
    else:
        url = _fill(spec.exchange_url, config)
        params = {
            "grant_type": "fb_exchange_token",
            "client_id": client_id,
            "client_secret": secret,
            "fb_exchange_token": token,
        }
    response = _get(client, url, params)
    body = _body(response) if response.is_success else {}
    if not body.get("access_token"):
        detail = _detail(response)
        raise ValidationError(
            _(
                "Platform tidak menukar token menjadi token jangka panjang (HTTP "
                "%(status)s%(said)s), sehingga akun akan terputus dalam hitungan jam. Akun belum "
                "diubah; periksa client_secret aplikasi lalu ulangi penghubungan."
            )
            % {"status": response.status_code, "said": f": {detail}" if detail else ""}
        )
    return str(body["access_token"]), _expiry(now, body.get("expires_in"))


def managed_pages(
    config: dict[str, Any], client: httpx.Client, user_token: str, fields: str
) -> list[dict[str, Any]]:
    """Every Page the user manages (`GET /me/accounts`, following `paging.next`)."""
    base = str(config.get("base_url", "")).rstrip("/")
    url: str | None = f"{base}/{config.get('version', '')}/me/accounts"
    params: dict[str, Any] | None = {"access_token": user_token, "fields": fields, "limit": 100}
    pages: list[dict[str, Any]] = []
    for _page in range(MAX_PAGE_LISTS):
        if not url:
            break
        response = _get(client, url, params)
        if not response.is_success:
            detail = _detail(response)
            raise ValidationError(
                _(
                    "Daftar Halaman Facebook pengguna tidak dapat dibaca (HTTP %(status)s%(said)s)."
                    " Ulangi penghubungan dan setujui izin daftar Halaman (pages_show_list)."
                )
                % {"status": response.status_code, "said": f": {detail}" if detail else ""}
            )
        body = _body(response)
        pages.extend(p for p in body.get("data") or [] if isinstance(p, dict))
        url = (body.get("paging") or {}).get("next")
        params = None  # the next link carries every parameter itself
    return pages


def _page_list(pages: list[dict[str, Any]]) -> str:
    return ", ".join(f"{p.get('name') or '?'} ({p.get('id')})" for p in pages[:10])


def _facebook_page(config, client, user_token: str, wanted: str | None) -> dict[str, Any]:
    """The Page to post to, with its own token: the account's Page when it names one, else the
    only Page the user manages."""
    pages = managed_pages(config, client, user_token, "id,name,access_token,tasks")
    if wanted:
        pages = [p for p in pages if str(p.get("id")) == str(wanted)]
        if not pages:
            raise ValidationError(
                _(
                    "Pengguna yang memberi izin tidak mengelola Halaman Facebook akun ini (id "
                    "%(page)s). Akun belum diubah; hubungkan dengan pengguna yang menjadi admin "
                    "Halaman itu."
                )
                % {"page": wanted}
            )
    elif len(pages) != 1:
        if not pages:
            raise ValidationError(
                _(
                    "Pengguna yang memberi izin tidak mengelola Halaman Facebook apa pun (atau "
                    "tidak memilih Halaman saat memberi izin). Hubungkan dengan admin Halaman."
                )
            )
        raise ValidationError(
            _(
                "Pengguna yang memberi izin mengelola beberapa Halaman Facebook: %(pages)s. Isi "
                "id Halaman Facebook akun ini (lewat admin Django) dengan salah satunya, lalu "
                "hubungkan lagi."
            )
            % {"pages": _page_list(pages)}
        )
    page = pages[0]
    tasks = page.get("tasks")
    if isinstance(tasks, list) and CREATE_CONTENT not in tasks:
        raise ValidationError(
            _(
                "Pengguna yang memberi izin tidak boleh membuat konten di Halaman %(page)s (tugas "
                "CREATE_CONTENT). Akun belum diubah; hubungkan dengan pengguna yang berperan "
                "admin atau editor Halaman."
            )
            % {"page": page.get("name") or page.get("id")}
        )
    if not page.get("access_token"):
        raise ValidationError(
            _(
                "Facebook tidak memberikan token Halaman %(page)s. Ulangi penghubungan dan "
                "setujui semua izin Halaman yang diminta."
            )
            % {"page": page.get("name") or page.get("id")}
        )
    return page


def _instagram_account(config, client, user_token: str, *, page_id: str, known: str) -> str:
    """The Instagram professional account's id (Facebook Login): from the account's Page
    (`GET /{page-id}?fields=instagram_business_account`), else among the user's Pages."""
    base = str(config.get("base_url", "")).rstrip("/")
    if page_id:
        response = _get(
            client,
            f"{base}/{config.get('version', '')}/{page_id}",
            {"access_token": user_token, "fields": "instagram_business_account"},
        )
        if not response.is_success:
            detail = _detail(response)
            raise ValidationError(
                _(
                    "Halaman Facebook %(page)s yang terhubung ke akun Instagram ini tidak dapat "
                    "dibaca (HTTP %(status)s%(said)s). Akun belum diubah; hubungkan dengan "
                    "pengguna yang mengelola Halaman itu."
                )
                % {
                    "page": page_id,
                    "status": response.status_code,
                    "said": f": {detail}" if detail else "",
                }
            )
        linked = _body(response).get("instagram_business_account") or {}
        found = [str(linked["id"])] if linked.get("id") else []
    else:
        pages = managed_pages(config, client, user_token, "id,name,instagram_business_account")
        found = [
            str(p["instagram_business_account"]["id"])
            for p in pages
            if (p.get("instagram_business_account") or {}).get("id")
        ]
    if known and known in found:
        return known
    if known or len(found) != 1:
        if known:
            message = _(
                "Pengguna yang memberi izin tidak mengelola akun Instagram ini (id %(known)s). "
                "Akun belum diubah; masuk dengan pengguna yang mengelola akun Instagram ini lalu "
                "hubungkan lagi."
            ) % {"known": known}
        elif found:
            message = _(
                "Pengguna yang memberi izin mengelola beberapa akun Instagram (%(ids)s). Isi id "
                "akun Instagram atau id Halaman Facebook-nya pada akun ini (lewat admin Django), "
                "lalu hubungkan lagi."
            ) % {"ids": ", ".join(found)}
        else:
            message = _(
                "Tidak ada akun Instagram profesional yang terhubung ke Halaman Facebook pengguna"
                " yang memberi izin. Hubungkan akun Instagram ke Halaman Facebook satuan kerja "
                "(pengaturan akun profesional Instagram), lalu hubungkan lagi."
            )
        raise ValidationError(message)
    return found[0]


def check_identity(account, ref: dict[str, str]) -> dict[str, str]:
    """The ids to store on `account` from what the platform told us. An account that already
    has an id and got credentials of a different user is refused: its posts would otherwise go
    to someone else's account."""
    changes = {}
    for field_name, value in ref.items():
        current = getattr(account, field_name) or ""
        if not current:
            changes[field_name] = value
        elif current != value:
            raise ValidationError(
                _(
                    "Pengguna yang memberi izin adalah akun lain di platform (id %(given)s), bukan"
                    " akun ini (id %(current)s). Akun belum diubah; keluar dari platform, masuk "
                    "dengan akun yang benar, lalu hubungkan lagi."
                )
                % {"given": value, "current": current}
            )
    return changes
