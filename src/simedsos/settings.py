"""The one settings module; configured by environment variables only (see README)."""

import json
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parents[1]
VAR_DIR = Path(os.environ.get("SIMEDSOS_VAR_DIR", PROJECT_DIR / "var"))
NODE_MODULES_DIR = Path(os.environ.get("SIMEDSOS_NODE_MODULES", PROJECT_DIR / "node_modules"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in os.environ.get(name, default).split(",") if part.strip()]


DEBUG = env_bool("DEBUG", False)
# The embedded default has a development key; `simedsos check` refuses it in production.
INSECURE_DEFAULT_SECRET_KEY = "simedsos-embedded-default-not-for-production"  # noqa: S105
SECRET_KEY = os.environ.get("SECRET_KEY", INSECURE_DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "simedsos.core.admin_apps.SimedsosAdminConfig",  # django.contrib.admin, ADMIN role only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # SearchVectorField for the archive's full-text search on PostgreSQL (inert on SQLite).
    "django.contrib.postgres",
    "django_htmx",
    "django_tasks_db",
    "simedsos.core",
    "simedsos.accounts",
    "simedsos.sop",
    "simedsos.content",
    "simedsos.memos",
    "simedsos.publishing",
    "simedsos.notifications",
    "simedsos.worktime",
    "simedsos.reports",
    "simedsos.monev",
    "simedsos.archive",
]

MIDDLEWARE = [
    # Bench only (SIMEDSOS_BENCH_QUERY_HEADER=1); otherwise it removes itself at start-up.
    "simedsos.core.middleware.QueryCountHeaderMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "simedsos.core.session_refresh.IdleSessionRefreshMiddleware",
    "simedsos.core.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simedsos.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "simedsos.urls"
WSGI_APPLICATION = "simedsos.wsgi.application"
ASGI_APPLICATION = "simedsos.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "simedsos.core.context_processors.navigation",
                "simedsos.notifications.context_processors.unread",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'simedsos.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers and the one writer work at once; IMMEDIATE makes a write transaction
    # take the write lock at BEGIN, so two writers queue instead of failing mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
    if env_bool("DATABASE_POOL", False):
        DATABASES["default"]["OPTIONS"]["pool"] = True
    else:
        # Opening a PostgreSQL connection (TCP, authentication, backend start) costs about as
        # much as a whole simple page: keep each web thread's connection between requests,
        # checked before reuse. (A pool and persistent connections exclude each other.)
        DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("CONN_MAX_AGE", "60"))
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- background work ------------------------------------------------------------------------
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default"]}}

# --- publishing -----------------------------------------------------------------------------
# Fernet key(s) for social-account credentials; comma-separated, newest first, for rotation.
# No default: without a key, connecting an account is refused and `simedsos check --deploy`
# says so.
FIELD_ENCRYPTION_KEY = os.environ.get("FIELD_ENCRYPTION_KEY", "")
# Platform API overrides (JSON): {"X": {"client_id": ..., "base_url": ...}, "TIMEOUT": {...}}.
PLATFORM_API = json.loads(os.environ.get("PLATFORM_API") or "{}")
if os.environ.get("PUBLIC_BASE_URL"):
    PUBLIC_BASE_URL = os.environ["PUBLIC_BASE_URL"]
PUBLISHING_LEASE_SECONDS = int(os.environ.get("PUBLISHING_LEASE_SECONDS", "300"))

# --- cache and sessions ---------------------------------------------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Built reports stay in the cache until their units change, and at most this long.
REPORT_CACHE_SECONDS = int(os.environ.get("REPORT_CACHE_SECONDS", "300"))
# Idle expiry: core.session_refresh restarts the clock when the last restart is older than
# this (not on every request, which would write the session on every page view).
SESSION_REFRESH_SECONDS = int(os.environ.get("SESSION_REFRESH_SECONDS", "300"))

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["simedsos.accounts.backends.SignedInUserBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = int(timedelta(hours=2).total_seconds())
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- mail -----------------------------------------------------------------------------------
EMAIL_HOST_NAME = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST_NAME:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST_NAME,
                "port": int(os.environ.get("EMAIL_PORT", "587")),
                "username": os.environ.get("EMAIL_HOST_USER", ""),
                "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 20,
            },
        }
    }
else:
    # Embedded mode: mails (password reset) land as files an operator can read.
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(VAR_DIR / "mail")},
        }
    }
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "simedsos@localhost")

# --- language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when empty
STATICFILES_DIRS = [PACKAGE_DIR / "static", ("vendor/htmx", NODE_MODULES_DIR / "htmx.org" / "dist")]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# STORAGE_URL picks where uploaded and generated files live: empty (default) = the local folder
# MEDIA_ROOT; s3://bucket[/prefix]?endpoint_url=...&region=... = S3-compatible object storage
# (credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, as boto3 reads them).
STORAGE_URL = os.environ.get("STORAGE_URL", "").strip()


def storage_from_url(url: str) -> dict:
    """The STORAGES["default"] entry a STORAGE_URL describes."""
    from urllib.parse import parse_qsl, urlsplit

    if not url or url.startswith("file:"):
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(
            f"STORAGE_URL {url!r} tidak dikenali: pakai "
            "s3://nama-bucket?endpoint_url=...&region=... "
            "atau kosongkan untuk folder lokal (MEDIA_ROOT)."
        )
    query = dict(parse_qsl(parts.query))
    options = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        # Files are private: links are signed and expire (never public-read objects).
        "default_acl": None,
        "querystring_auth": True,
        "querystring_expire": int(query.get("expire", "3600")),
        # Django's semantics: a second file with the same name gets a new name, never overwrites.
        "file_overwrite": False,
        # Signature V4: what current S3 services and self-hosted servers accept.
        "signature_version": "s3v4",
    }
    if query.get("endpoint_url"):
        # Self-hosted servers (MinIO, Ceph, Garage) want path-style addressing.
        options["endpoint_url"] = query["endpoint_url"]
        options["addressing_style"] = query.get("addressing_style", "path")
    if query.get("region") or query.get("region_name"):
        options["region_name"] = query.get("region") or query.get("region_name")
    if query.get("custom_domain"):
        options["custom_domain"] = query["custom_domain"]
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": options,
    }


STORAGES = {
    "default": storage_from_url(STORAGE_URL),
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve static files straight from the finders: no collectstatic step for the embedded mode.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# --- security -------------------------------------------------------------------------------
SECURE_HTTPS = env_bool("SECURE_HTTPS", False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS
# Load balancers probe the health check over plain HTTP on the private network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
if SECURE_HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # httpx logs every request URL at INFO; Telegram's carries the bot token in its path.
    "loggers": {"httpx": {"level": "WARNING"}, "httpcore": {"level": "WARNING"}},
}
