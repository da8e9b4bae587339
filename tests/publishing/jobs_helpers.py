"""Building blocks for the publication job tests: connected accounts on the fakes, an item
ordered for upload, and a job environment whose HTTP goes to the in-process fakes."""

from __future__ import annotations

import datetime
import itertools

from django.utils import timezone

from simedsos.publishing.credentials import encrypt_credentials
from simedsos.publishing.jobs import JobEnv, run_publication
from simedsos.publishing.models import Publication, SocialAccount
from simedsos.publishing.platforms.base import Credentials
from tests.fakes import fake_client
from tests.fakes.platforms.bluesky import FakeBluesky
from tests.fakes.platforms.facebook import FakeFacebook
from tests.fakes.platforms.telegram import FakeTelegram
from tests.fakes.platforms.x import FakeX

TG_TOKEN = "123456:ABC-bot-token"
TG_CHAT = "-1001234567890"
X_USER = "1349000000000000001"
DID = "did:plc:kvwvcn5iqfooopmyzvb4qzba"
BSKY_HANDLE = "jdih-kalteng.bsky.social"
FB_PAGE = "245628824887810"
FAST = {"poll_interval": 0, "poll_attempts": 5}


def new_fakes() -> dict:
    return {
        "X": FakeX(),
        "TELEGRAM": FakeTelegram(token=TG_TOKEN),
        "BLUESKY": FakeBluesky(),
        "FACEBOOK": FakeFacebook(),
    }


def credentials_for(platform: str) -> Credentials:
    now = datetime.datetime.now(datetime.UTC)
    return {
        "X": Credentials(
            access_token="x-token",
            refresh_token="x-refresh",
            expires_at=now + datetime.timedelta(hours=2),
            refresh_expires_at=now + datetime.timedelta(days=180),
        ),
        "TELEGRAM": Credentials(access_token=TG_TOKEN),
        "BLUESKY": Credentials(
            extra={"identifier": BSKY_HANDLE, "app_password": "abcd-efgh-ijkl-mnop"}
        ),
        "FACEBOOK": Credentials(access_token="page-token"),
    }[platform]


REFS = {
    "X": {"external_id": X_USER, "handle": "jdihkpukalteng"},
    "TELEGRAM": {"chat_id": TG_CHAT, "handle": "@jdihkalteng"},
    "BLUESKY": {"external_id": DID, "handle": BSKY_HANDLE},
    "FACEBOOK": {"external_id": FB_PAGE, "page_id": FB_PAGE, "handle": "jdihkpukalteng"},
}
_names = itertools.count(1)


def connected_account(unit, platform: str, *, credentials: Credentials | None = None):
    ref = dict(REFS[platform])
    handle = ref.pop("handle")
    return SocialAccount.objects.create(
        work_unit=unit,
        platform=platform,
        name=f"JDIH {platform.title()} {next(_names)}",
        handle=handle,
        connection=SocialAccount.Connection.CONNECTED,
        credentials_encrypted=encrypt_credentials(credentials or credentials_for(platform)),
        **ref,
    )


def ordered_item(world, accounts, **overrides):
    from tests.content.builders import to_publish

    return to_publish(world, target_accounts=accounts, **overrides)


def job_env(fakes: dict, *, worker_id: str = "test-worker", clock=None) -> JobEnv:
    clients = {name: fake_client(fake) for name, fake in fakes.items()}
    return JobEnv(
        http_client_for=lambda platform: clients.get(platform),
        clock=clock or timezone.now,
        random=lambda: 0.5,
        worker_id=worker_id,
        adapter_kwargs={"config": FAST, "sleep": lambda _s: None},
    )


def run(pub: Publication, env: JobEnv) -> Publication:
    """Run the job once, with its after-commit work (notices, enqueues) carried out."""
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        run_publication(pub.pk, env=env)
    pub.refresh_from_db()
    return pub


def make_due(pub: Publication) -> None:
    Publication.objects.filter(pk=pub.pk).update(
        next_attempt_at=timezone.now() - datetime.timedelta(seconds=1)
    )


def pub_of(item, platform: str) -> Publication:
    return Publication.objects.select_related("account").get(item=item, account__platform=platform)
