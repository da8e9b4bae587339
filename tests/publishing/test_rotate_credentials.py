"""`simedsos rotate_credentials`: every stored credential re-encrypted under the primary
FIELD_ENCRYPTION_KEY in one transaction, counted in Indonesian, with a dry run, and refused with
nothing changed when some credential opens with no configured key."""

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from simedsos import cli
from simedsos.core.models import AuditEvent
from simedsos.publishing import rotation
from simedsos.publishing.credentials import (
    CredentialsUnreadable,
    decrypt_credentials,
    encrypt_credentials,
    under_primary_key,
)
from simedsos.publishing.models import SocialAccount
from simedsos.publishing.platforms.base import Credentials
from tests.content.builders import make_world

pytestmark = pytest.mark.django_db
OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()
LOST = Fernet.generate_key().decode()


def creds(n: int) -> Credentials:
    return Credentials(access_token=f"token-{n}", extra={"app_password": f"sandi-{n}"})


@pytest.fixture
def accounts(settings):
    """Three accounts under the old key, one already under the new one, one never connected."""
    world = make_world()
    settings.FIELD_ENCRYPTION_KEY = OLD
    made = {}
    for n in range(3):
        made[f"old{n}"] = SocialAccount.objects.create(
            work_unit=world.unit,
            platform="TELEGRAM",
            name=f"Kanal {n}",
            handle=f"@kanal{n}",
            credentials_encrypted=encrypt_credentials(creds(n)),
            connection="CONNECTED",
        )
    settings.FIELD_ENCRYPTION_KEY = NEW
    made["new"] = SocialAccount.objects.create(
        work_unit=world.unit,
        platform="TELEGRAM",
        name="Kanal baru",
        handle="@kanalbaru",
        credentials_encrypted=encrypt_credentials(creds(9)),
        connection="CONNECTED",
    )
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    return made


def stored() -> dict[int, str]:
    return dict(SocialAccount.objects.values_list("pk", "credentials_encrypted"))


def run(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("simedsos_rotate_credentials", *args, stdout=out)
    return out.getvalue()


def test_rotation_reencrypts_under_the_new_key_and_audits_each_account(settings, accounts):
    before = stored()
    out = run()
    assert "Dienkripsi ulang dengan kunci utama" in out
    # make_world's two accounts have no credentials.
    assert "3 akun; sudah memakai kunci utama: 1 akun; tanpa kredensial: 2 akun." in out
    assert "Kunci lama boleh dihapus" in out
    after = stored()
    assert after[accounts["new"].pk] == before[accounts["new"].pk]  # left as it was
    settings.FIELD_ENCRYPTION_KEY = NEW  # the old key removed: everything still opens
    for n in range(3):
        token = after[accounts[f"old{n}"].pk]
        assert token != before[accounts[f"old{n}"].pk] and under_primary_key(token)
        assert decrypt_credentials(token) == creds(n)
    events = AuditEvent.objects.filter(action="social_account.credentials_rotate")
    assert sorted(int(e.object_id) for e in events) == sorted(
        accounts[f"old{n}"].pk for n in range(3)
    )
    assert all(e.actor is None and "rotate_credentials" in e.capacity for e in events)
    assert all(NEW not in str(e.after) and OLD not in str(e.after) for e in events)
    # Run again: nothing left to do.
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    again = run()
    assert "kunci utama (sidik " in again and ": 0 akun; sudah memakai kunci utama: 4" in again


def test_dry_run_counts_and_changes_nothing(accounts):
    before = stored()
    out = run("--dry-run")
    assert "Uji coba (--dry-run), tidak ada yang diubah" in out
    assert "Akan dienkripsi ulang dengan kunci utama" in out and ": 3 akun;" in out
    assert stored() == before
    assert not AuditEvent.objects.filter(action="social_account.credentials_rotate").exists()


@pytest.mark.parametrize("args", [(), ("--dry-run",)])
def test_a_credential_no_key_opens_refuses_the_whole_rotation(settings, accounts, args):
    lost = accounts["old1"]
    settings.FIELD_ENCRYPTION_KEY = LOST
    lost.credentials_encrypted = encrypt_credentials(creds(1))
    lost.save()
    settings.FIELD_ENCRYPTION_KEY = f"{NEW},{OLD}"
    before = stored()
    with pytest.raises(CommandError) as caught:
        run(*args)
    message = str(caught.value)
    assert message.startswith("Tidak ada yang diubah: kredensial 1 akun tidak dapat dibuka")
    assert f"Telegram — Kanal 1 (id {lost.pk})" in message
    assert "Tambahkan kunci lama ke FIELD_ENCRYPTION_KEY" in message
    assert stored() == before  # the readable ones were not rotated either
    assert not AuditEvent.objects.filter(action="social_account.credentials_rotate").exists()


def test_a_failure_midway_rolls_every_account_back(monkeypatch, accounts):
    before = stored()
    calls = []

    def failing_audit(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise RuntimeError("disk penuh")

    monkeypatch.setattr(rotation, "audit_record", failing_audit)
    with pytest.raises(RuntimeError):
        rotation.credentials_rotate()
    assert stored() == before


def test_keys_given_as_a_list_work(settings, accounts):
    settings.FIELD_ENCRYPTION_KEY = [NEW, OLD]
    assert rotation.credentials_rotate().rotated == 3
    settings.FIELD_ENCRYPTION_KEY = [NEW]
    assert decrypt_credentials(stored()[accounts["old0"].pk]) == creds(0)


def test_without_a_usable_key_it_says_what_to_set(settings, accounts):
    before = stored()
    for value, expected in [("", "belum diatur"), ("bukan-kunci", "tidak sah")]:
        settings.FIELD_ENCRYPTION_KEY = value
        with pytest.raises(CommandError, match=expected):
            run()
    assert stored() == before


def test_old_key_removed_too_early_shows_up_as_unreadable(settings, accounts):
    settings.FIELD_ENCRYPTION_KEY = NEW
    with pytest.raises(CredentialsUnreadable):
        decrypt_credentials(stored()[accounts["old0"].pk])
    with pytest.raises(CommandError, match="kredensial 3 akun tidak dapat dibuka"):
        run("--dry-run")


def test_the_simedsos_command_runs_it(accounts, capsys):
    assert cli.main(["rotate_credentials", "--dry-run"]) == 0
    assert "Uji coba (--dry-run)" in capsys.readouterr().out
