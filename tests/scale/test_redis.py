"""Sessions and cache in Redis (REDIS_URL), checked in Redis itself with redis-py.

With REDIS_URL set (CI's PostgreSQL pass) the settings as configured are tested; without it,
the same is tested against a local Redis (127.0.0.1:6379, db 15) by overriding CACHES and
SESSION_ENGINE the way settings.py sets them for REDIS_URL.
"""

from __future__ import annotations

import os
import uuid
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

from tests.factories import make_unit, make_user
from tests.scale.servers import free_port, unavailable

pytestmark = pytest.mark.django_db

LOCAL_REDIS = "redis://127.0.0.1:6379/15"


def _redis_settings(url: str) -> dict:
    return {
        "REDIS_URL": url,
        "CACHES": {
            "default": {
                "BACKEND": "django_redis.cache.RedisCache",
                "LOCATION": url,
                "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
            }
        },
        "SESSION_ENGINE": "django.contrib.sessions.backends.cache",
    }


@pytest.fixture
def redis_client():
    import redis

    url = os.environ.get("REDIS_URL") or LOCAL_REDIS
    client = redis.Redis.from_url(url, socket_connect_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable(f"Redis di {url} tidak dapat dihubungi ({exc}); jalankan redis-server.")
    if os.environ.get("REDIS_URL"):
        yield client  # settings.py already points cache and sessions at it
    else:
        with override_settings(**_redis_settings(LOCAL_REDIS)):
            yield client
    client.close()


def test_session_of_a_logged_in_user_lives_in_redis(client, redis_client, settings):
    from django.contrib.sessions.models import Session

    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.cache"
    unit = make_unit()
    make_user("STAF", unit, username="staf-redis", password="kata-sandi-uji-123")
    response = client.post(
        "/akun/masuk/", {"username": "staf-redis", "password": "kata-sandi-uji-123"}
    )
    assert response.status_code == 302, response.content[:500]
    session_key = client.cookies[settings.SESSION_COOKIE_NAME].value
    keys = redis_client.keys(f"*{session_key}")
    assert len(keys) == 1, f"session {session_key} not found in Redis"
    assert redis_client.ttl(keys[0]) > 0  # expires by itself (SESSION_COOKIE_AGE)
    # Nothing went to the database table.
    assert not Session.objects.filter(session_key=session_key).exists()
    # The session really authenticates the next request.
    assert client.get("/").status_code == 200
    # Logging out removes it from Redis.
    client.post("/akun/keluar/")
    assert redis_client.keys(f"*{session_key}") == []


def test_cache_lives_in_redis(redis_client):
    key = f"simedsos-test-{uuid.uuid4().hex}"
    cache.set(key, {"nilai": 42}, timeout=60)
    stored = redis_client.keys(f"*{key}")
    assert len(stored) == 1
    assert cache.get(key) == {"nilai": 42}
    cache.delete(key)
    assert redis_client.keys(f"*{key}") == []


def _check(*args) -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("simedsos_check", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, err.getvalue()


def test_check_deploy_reports_unreachable_redis(redis_client, settings):
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    code, err = _check("--deploy")
    assert code == 1
    assert f"Redis ({settings.REDIS_URL}) tidak dapat dihubungi" in err


def test_check_deploy_accepts_reachable_redis(redis_client, settings):
    settings.SECRET_KEY = "k8#Zr2v!Qm7@Lp4^Wx9&Tn6*Hs3(Jd5)Fb1-Gc0+Yu" + "a1B2c3D4e5"
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["simedsos.kpu-kalteng.go.id"]
    settings.SECURE_HTTPS = True
    # A valid Fernet key.
    settings.FIELD_ENCRYPTION_KEY = "Y8bJ1wD3l0kQ4mZ9pV6nR2tX5sA7cE1gH3jK5mN7pQ0="
    settings.MEDIA_ROOT.mkdir(parents=True, exist_ok=True)
    code, err = _check("--deploy")
    assert code == 0, err
