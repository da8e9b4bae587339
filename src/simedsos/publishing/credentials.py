"""Social-account credentials, encrypted at rest with Fernet keys from FIELD_ENCRYPTION_KEY.

The setting holds one or more keys separated by commas (or, set in Python, a list), the newest
first: new values are encrypted with the first key, and any listed key can still decrypt
(MultiFernet), so an operator rotates by putting a new key in front and running
`simedsos rotate_credentials` (publishing/rotation.py, docs/operations.md). Nothing is derived
from SECRET_KEY: without a key, connecting an account is refused with a clear message.
"""

from __future__ import annotations

import hashlib
import json

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ValidationError

from .platforms.base import Credentials

KEY_MISSING_MESSAGE = (
    "Kunci enkripsi kredensial (FIELD_ENCRYPTION_KEY) belum diatur, sehingga token akun media "
    "sosial tidak dapat disimpan dengan aman. Minta admin server membuat kunci dengan perintah "
    "`python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`"
    ", menyetelnya sebagai variabel lingkungan FIELD_ENCRYPTION_KEY, lalu menjalankan ulang "
    "aplikasi."
)
KEY_INVALID_MESSAGE = (
    "FIELD_ENCRYPTION_KEY tidak sah: setiap kunci harus berupa kunci Fernet (32 bita dalam "
    "base64 URL-safe, 44 karakter), dipisahkan koma bila lebih dari satu."
)
UNREADABLE_MESSAGE = (
    "Kredensial akun ini tidak dapat dibuka dengan kunci FIELD_ENCRYPTION_KEY yang sekarang "
    "(kunci diganti tanpa menyertakan kunci lama). Hubungkan ulang akun ini."
)


class CredentialKeyError(ValidationError):
    """The encryption key is missing or malformed (message in Indonesian)."""


class CredentialsUnreadable(ValidationError):
    """Stored credentials cannot be decrypted with any configured key."""


def _keys() -> list[str]:
    raw = getattr(settings, "FIELD_ENCRYPTION_KEY", "") or ""
    parts = raw if isinstance(raw, list | tuple) else str(raw).split(",")
    return [str(part).strip() for part in parts if str(part).strip()]


def key_count() -> int:
    return len(_keys())


def key_fingerprint() -> str:
    """A short, one-way name of the primary key, so records can say which key was in use
    without holding anything that helps to decrypt."""
    keys = _keys()
    return hashlib.sha256(keys[0].encode()).hexdigest()[:12] if keys else ""


def key_problems() -> list[str]:
    """What is wrong with FIELD_ENCRYPTION_KEY, in Indonesian; empty when it is usable."""
    keys = _keys()
    if not keys:
        return [KEY_MISSING_MESSAGE]
    try:
        for key in keys:
            Fernet(key)
    except (ValueError, TypeError):
        return [KEY_INVALID_MESSAGE]
    return []


def _cipher() -> MultiFernet:
    problems = key_problems()
    if problems:
        raise CredentialKeyError(problems[0])
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt_credentials(credentials: Credentials) -> str:
    payload = json.dumps(credentials.to_dict(), sort_keys=True).encode()
    return _cipher().encrypt(payload).decode()


def decrypt_credentials(token: str) -> Credentials:
    if not token:
        return Credentials()
    try:
        payload = _cipher().decrypt(token.encode())
    except InvalidToken as exc:
        raise CredentialsUnreadable(UNREADABLE_MESSAGE) from exc
    return Credentials.from_dict(json.loads(payload))


def under_primary_key(token: str) -> bool:
    """Whether `token` is already encrypted with the newest (first) key."""
    problems = key_problems()
    if problems:
        raise CredentialKeyError(problems[0])
    try:
        Fernet(_keys()[0]).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def rotate_token(token: str) -> str:
    """The same credentials re-encrypted with the newest key."""
    try:
        return _cipher().rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise CredentialsUnreadable(UNREADABLE_MESSAGE) from exc
