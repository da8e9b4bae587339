"""Credentials encrypted at rest with FIELD_ENCRYPTION_KEY (Fernet, rotation) and refused
without a key."""

import io
import json

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from django.core.management import call_command

from simedsos.core.management.commands.simedsos_check import deploy_problems
from simedsos.publishing.credentials import (
    CredentialsUnreadable,
    decrypt_credentials,
    encrypt_credentials,
    rotate_token,
)
from simedsos.publishing.models import SocialAccount
from simedsos.publishing.platforms.base import Credentials
from simedsos.publishing.services import account_connect
from tests.content.builders import make_world
from tests.fakes import fake_client
from tests.fakes.platforms.telegram import FakeTelegram

from .jobs_helpers import TG_CHAT, TG_TOKEN

SECRET = Credentials(access_token="secret-token-123", extra={"app_password": "abcd-efgh"})


def test_round_trip_and_ciphertext_hides_the_secret():
    token = encrypt_credentials(SECRET)
    assert "secret-token-123" not in token and "abcd-efgh" not in token
    assert decrypt_credentials(token) == SECRET


def test_rotation_old_key_still_reads_new_key_writes(settings):
    old = Fernet.generate_key().decode()
    new = Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEY = old
    stored = encrypt_credentials(SECRET)
    settings.FIELD_ENCRYPTION_KEY = f"{new},{old}"
    assert decrypt_credentials(stored) == SECRET
    rotated = rotate_token(stored)
    settings.FIELD_ENCRYPTION_KEY = new
    assert decrypt_credentials(rotated) == SECRET
    with pytest.raises(CredentialsUnreadable, match="Hubungkan ulang"):
        decrypt_credentials(stored)  # the old key is gone: clear message, not a crash


@pytest.mark.django_db
def test_without_a_key_connecting_is_refused_and_nothing_stored(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    world = make_world()
    account = SocialAccount.objects.create(
        work_unit=world.unit, platform="TELEGRAM", name="Kanal", handle="@jdihkalteng"
    )
    fake = FakeTelegram(token=TG_TOKEN)
    with pytest.raises(ValidationError, match="FIELD_ENCRYPTION_KEY"):
        account_connect(
            actor=world.admin,
            account=account,
            credentials=Credentials(access_token=TG_TOKEN),
            via="bot_token",
            ref_changes={"chat_id": TG_CHAT},
            http_client=fake_client(fake),
        )
    account.refresh_from_db()
    assert account.credentials_encrypted == "" and account.connection == "NONE"
    assert fake.requests == []


@pytest.mark.django_db
def test_connected_account_stores_only_ciphertext_and_audit_has_no_token():
    from simedsos.core.models import AuditEvent

    world = make_world()
    account = SocialAccount.objects.create(
        work_unit=world.unit, platform="TELEGRAM", name="Kanal", handle="@jdihkalteng"
    )
    report = account_connect(
        actor=world.admin,
        account=account,
        credentials=Credentials(access_token=TG_TOKEN),
        via="bot_token",
        ref_changes={"chat_id": TG_CHAT},
        http_client=fake_client(FakeTelegram(token=TG_TOKEN)),
    )
    assert report.ok
    account.refresh_from_db()
    assert account.connection == "CONNECTED" and account.chat_id == TG_CHAT
    assert TG_TOKEN not in account.credentials_encrypted
    assert decrypt_credentials(account.credentials_encrypted).access_token == TG_TOKEN
    events = json.dumps(list(AuditEvent.objects.values("before", "after")))
    assert "social_account.connect" in json.dumps(
        list(AuditEvent.objects.values_list("action", flat=True))
    )
    assert TG_TOKEN not in events


@pytest.mark.django_db
def test_rejected_token_is_not_stored():
    world = make_world()
    account = SocialAccount.objects.create(
        work_unit=world.unit, platform="TELEGRAM", name="Kanal", handle="@jdihkalteng"
    )
    with pytest.raises(ValidationError, match="menolak"):
        account_connect(
            actor=world.admin,
            account=account,
            credentials=Credentials(access_token="999:wrong"),
            via="bot_token",
            ref_changes={"chat_id": TG_CHAT},
            http_client=fake_client(FakeTelegram(token=TG_TOKEN)),
        )
    account.refresh_from_db()
    assert account.credentials_encrypted == ""


@pytest.mark.django_db
def test_only_an_admin_connects():
    from simedsos.accounts.authz import AuthorizationError

    world = make_world()
    account = SocialAccount.objects.create(
        work_unit=world.unit, platform="TELEGRAM", name="Kanal", handle="@jdihkalteng"
    )
    with pytest.raises(AuthorizationError):
        account_connect(
            actor=world.staf,
            account=account,
            credentials=Credentials(access_token=TG_TOKEN),
            via="bot_token",
        )


@pytest.mark.django_db
def test_check_deploy_reports_a_missing_or_bad_key(settings):
    settings.FIELD_ENCRYPTION_KEY = ""
    assert any(p.item == "field_encryption_key" for p in deploy_problems())
    settings.FIELD_ENCRYPTION_KEY = "not-a-key"
    messages = [p.message for p in deploy_problems() if p.item == "field_encryption_key"]
    assert messages and "tidak sah" in messages[0]
    settings.FIELD_ENCRYPTION_KEY = Fernet.generate_key().decode()
    assert not any(p.item == "field_encryption_key" for p in deploy_problems())
    settings.FIELD_ENCRYPTION_KEY = ""
    err = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("simedsos_check", "--deploy", stdout=io.StringIO(), stderr=err)
    assert "FIELD_ENCRYPTION_KEY" in err.getvalue()
