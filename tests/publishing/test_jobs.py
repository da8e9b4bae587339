"""The publication job state machine against the in-process fakes: one outcome per error class,
never a second post, one account failing without failing the others."""

from __future__ import annotations

import datetime
import json

import pytest
from django.test import TestCase
from django.utils import timezone

from simedsos.content.models import ContentItem, StepRun
from simedsos.core.models import AuditEvent
from simedsos.notifications.models import Notification
from simedsos.publishing import jobs
from simedsos.publishing.credentials import decrypt_credentials
from simedsos.publishing.models import Publication, SocialAccount
from simedsos.publishing.platforms.base import Credentials
from simedsos.publishing.services import (
    account_connect,
    publication_decide,
    publication_retry,
)
from tests.content.builders import make_world

from .jobs_helpers import (
    TG_TOKEN,
    connected_account,
    job_env,
    make_due,
    new_fakes,
    ordered_item,
    pub_of,
    run,
)

pytestmark = pytest.mark.django_db
S = Publication.Status


def jobs_enqueued(backend):
    return [r for r in backend.results if r.task.name == "publish_publication"]


@pytest.fixture(autouse=True)
def _tasks_recorded_not_run(settings):
    """Enqueued jobs are recorded, not run: each test runs them itself, against the fakes."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


@pytest.fixture
def world():
    return make_world()


@pytest.fixture
def fakes():
    return new_fakes()


def test_upload_order_makes_api_jobs_for_connected_accounts_only(world):
    from django.tasks import default_task_backend

    default_task_backend.clear()
    x = connected_account(world.unit, "X")
    tg = connected_account(world.unit, "TELEGRAM")
    manual = world.accounts[0]  # Instagram, never connected
    later = timezone.now() + datetime.timedelta(hours=3)
    from django.test.utils import CaptureQueriesContext  # noqa: F401

    from tests.content.builders import to_review

    item = to_review(world, target_accounts=[x, tg, manual])
    from simedsos.content.services import review_approve, upload_order_issue

    review_approve(actor=world.kasubbag, item=item)
    with TestCase.captureOnCommitCallbacks(execute=True):
        upload_order_issue(actor=world.kabag, item=item, publish_at=later)
    pubs = {p.account_id: p for p in Publication.objects.filter(item=item)}
    assert pubs[x.pk].method == "API" and pubs[x.pk].status == S.SCHEDULED
    assert pubs[x.pk].next_attempt_at == later and pubs[x.pk].idempotency_key
    assert pubs[tg.pk].method == "API"
    assert pubs[manual.pk].method == "MANUAL" and pubs[manual.pk].status == S.PENDING
    assert "belum terhubung" in pubs[manual.pk].error_message
    # One task per target (so they run concurrently on the workers), each for its time.
    results = jobs_enqueued(default_task_backend)
    assert sorted(r.args[0] for r in results) == sorted([pubs[x.pk].pk, pubs[tg.pk].pk])
    assert {r.task.run_after for r in results} == {later}
    assert pubs[x.pk].idempotency_key != pubs[tg.pk].idempotency_key


def test_not_due_is_skipped_and_leased_is_left_to_its_worker(world, fakes):
    x = connected_account(world.unit, "X")
    item = ordered_item(world, [x])
    pub = pub_of(item, "X")
    Publication.objects.filter(pk=pub.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    assert jobs.run_publication(pub.pk, env=job_env(fakes)) == "skipped"
    make_due(pub)
    Publication.objects.filter(pk=pub.pk).update(
        leased_by="other-worker", lease_until=timezone.now() + datetime.timedelta(minutes=1)
    )
    assert jobs.run_publication(pub.pk, env=job_env(fakes)) == "skipped"
    assert fakes["X"].posts == []


def test_all_targets_published_with_evidence_and_step_6_finished_by_the_system(world, fakes):
    x = connected_account(world.unit, "X")
    tg = connected_account(world.unit, "TELEGRAM")
    item = ordered_item(world, [x, tg])
    env = job_env(fakes)
    for platform in ("X", "TELEGRAM"):
        pub = run(pub_of(item, platform), env)
        assert pub.status == S.PUBLISHED, pub.error_message
        assert pub.external_id and pub.url.startswith("https://")
        assert pub.went_live_at is not None and pub.recorded_by is None
        assert pub.text_sent.startswith("Kenali UU Pemilu #JDIH")
        assert pub.raw_response and pub.checkpoint["idempotency_key"] == pub.idempotency_key
        assert pub.lease_until is None and pub.leased_by == ""
    assert fakes["X"].posts[0]["text"].split("\n")[0] == "Kenali UU Pemilu #JDIH"
    assert len(fakes["TELEGRAM"].posts) == 1
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED and item.current_step is None
    run6 = StepRun.objects.get(item=item, step__number=6)
    assert run6.actor is None and run6.capacity == "Sistem (otomatis)"
    event = AuditEvent.objects.filter(action="content.publish_complete").get()
    assert event.actor_name == "sistem" and event.capacity == "Sistem (otomatis)"
    assert event.after["responsible"] == world.staf.get_full_name()
    assert event.after["published"] == 2


def test_retryable_backs_off_then_fails_after_five_attempts_alone(world, fakes):
    x = connected_account(world.unit, "X")
    tg = connected_account(world.unit, "TELEGRAM")
    item = ordered_item(world, [x, tg])
    env = job_env(fakes)
    assert run(pub_of(item, "TELEGRAM"), env).status == S.PUBLISHED
    pub = pub_of(item, "X")
    for attempt in range(1, 6):
        fakes["X"].fail_next("not_sent", on="tweets")
        before = timezone.now()
        pub = run(pub, env)
        assert pub.attempts == attempt
        if attempt < 5:
            assert pub.status == S.RETRY_WAIT
            # full jitter with random()=0.5: half of min(300, 2·2^(n-1)) seconds
            expected = min(300, 2 * 2 ** (attempt - 1)) * 0.5
            wait = (pub.next_attempt_at - before).total_seconds()
            assert expected - 1 <= wait <= expected + 1
            assert "mencoba lagi otomatis" in pub.error_message
            make_due(pub)
    assert pub.status == S.FAILED
    assert "gagal 5 kali" in pub.error_message and "Coba lagi" in pub.error_message
    assert fakes["X"].posts == []
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PARTIALLY_PUBLISHED
    assert Notification.objects.filter(recipient=world.staf, kind="publication.failed").exists()

    # Retried alone: only X goes again, and the item becomes fully published.
    publication_retry(actor=world.staf, publication=pub)
    pub = run(pub, env)
    assert pub.status == S.PUBLISHED
    assert len(fakes["TELEGRAM"].posts) == 1 and len(fakes["X"].posts) == 1
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
    assert AuditEvent.objects.filter(action="content.publish_status_update").count() == 1


def test_rate_limit_waits_until_the_platform_reset_without_using_an_attempt(world, fakes):
    x = connected_account(world.unit, "X")
    item = ordered_item(world, [x])
    reset = int(timezone.now().timestamp()) + 900
    fakes["X"].fail_next("rate_limited", on="tweets", reset=reset)
    pub = run(pub_of(item, "X"), job_env(fakes))
    assert pub.status == S.RETRY_WAIT and pub.error_class == "RATE_LIMITED"
    assert int(pub.next_attempt_at.timestamp()) == reset
    assert pub.attempts == 0
    assert "Batas jumlah permintaan" in pub.error_message
    # Not before the reset.
    assert jobs.run_publication(pub.pk, env=job_env(fakes)) == "skipped"
    make_due(pub)
    assert run(pub, job_env(fakes)).status == S.PUBLISHED


def test_permanent_refusal_fails_with_the_platforms_reason(world, fakes):
    x = connected_account(world.unit, "X")
    tg = connected_account(world.unit, "TELEGRAM")
    item = ordered_item(world, [x, tg])
    fakes["X"].fail_next("duplicate", on="tweets")
    env = job_env(fakes)
    pub = run(pub_of(item, "X"), env)
    assert pub.status == S.FAILED and pub.error_class == "PERMANENT"
    assert pub.error_message
    assert AuditEvent.objects.filter(action="publication.failed", object_id=str(pub.pk)).exists()
    # The other account is not affected.
    assert run(pub_of(item, "TELEGRAM"), env).status == S.PUBLISHED
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PARTIALLY_PUBLISHED


def test_timeout_after_commit_is_reconciled_and_posted_once(world, fakes):
    x = connected_account(world.unit, "X")
    item = ordered_item(world, [x])
    fakes["X"].fail_next("timeout_after_commit", on="tweets")
    pub = run(pub_of(item, "X"), job_env(fakes))
    assert pub.status == S.PUBLISHED
    assert len(fakes["X"].posts) == 1
    assert pub.external_id == fakes["X"].posts[0]["id"]
    assert fakes["X"].calls("timeline")  # looked up, not re-sent


def test_platform_that_cannot_tell_waits_for_a_person_who_decides(world, fakes):
    tg = connected_account(world.unit, "TELEGRAM")
    item = ordered_item(world, [tg])
    fakes["TELEGRAM"].fail_next("server_error", on="sendPhoto")  # the draft carries an image
    env = job_env(fakes)
    pub = run(pub_of(item, "TELEGRAM"), env)
    assert pub.status == S.NEEDS_PERSON and pub.error_class == "NEEDS_PERSON"
    assert "Sudah tayang" in pub.error_message
    assert Notification.objects.filter(
        recipient=world.staf, kind="publication.needs_person"
    ).exists()
    item.refresh_from_db()
    assert item.status == ContentItem.Status.UPLOAD_ORDERED  # still open
    # Running again posts nothing: it waits for the person.
    assert jobs.run_publication(pub.pk, env=env) == "skipped"
    publication_decide(
        actor=world.staf, publication=pub, live=True, url="https://t.me/jdihkalteng/17185"
    )
    pub.refresh_from_db()
    assert pub.status == S.PUBLISHED and pub.recorded_by == world.staf
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
    assert fakes["TELEGRAM"].posts == []


def test_person_says_not_live_and_it_is_sent_again(world, fakes):
    tg = connected_account(world.unit, "TELEGRAM")
    item = ordered_item(world, [tg])
    fakes["TELEGRAM"].fail_next("server_error", on="sendPhoto")  # the draft carries an image
    env = job_env(fakes)
    pub = run(pub_of(item, "TELEGRAM"), env)
    with pytest.raises(Exception, match="Isi|tautan|https"):
        publication_decide(actor=world.staf, publication=pub, live=True, url="bukan tautan")
    publication_decide(actor=world.staf, publication=pub, live=False)
    pub = run(pub, env)
    assert pub.status == S.PUBLISHED and len(fakes["TELEGRAM"].posts) == 1


def test_revoked_token_waits_for_reconnect_then_goes(world, fakes):
    tg = connected_account(world.unit, "TELEGRAM")
    item = ordered_item(world, [tg])
    fakes["TELEGRAM"].token = "654321:NEW-token"  # the bot's token was revoked in BotFather
    env = job_env(fakes)
    pub = run(pub_of(item, "TELEGRAM"), env)
    assert pub.status == S.NEEDS_RECONNECT and "BotFather" in pub.error_message
    tg.refresh_from_db()
    assert tg.connection == SocialAccount.Connection.NEEDS_RECONNECT
    assert Notification.objects.filter(
        recipient=world.admin, kind="social_account.needs_reconnect"
    ).exists()
    # The Admin connects the new token; the waiting publication goes again by itself.
    from tests.fakes import fake_client

    account_connect(
        actor=world.admin,
        account=tg,
        credentials=Credentials(access_token="654321:NEW-token"),
        via="bot_token",
        http_client=fake_client(fakes["TELEGRAM"]),
    )
    pub.refresh_from_db()
    assert pub.status == S.SCHEDULED
    assert run(pub, env).status == S.PUBLISHED


def test_expired_token_is_refreshed_and_the_rotated_pair_stored(world, fakes, settings):
    settings.PLATFORM_API = {"X": {"client_id": "client-id"}}
    stale = Credentials(access_token="x-expired", refresh_token="x-refresh")
    x = connected_account(world.unit, "X", credentials=stale)
    item = ordered_item(world, [x])
    pub = run(pub_of(item, "X"), job_env(fakes))
    assert pub.status == S.PUBLISHED
    x.refresh_from_db()
    stored = decrypt_credentials(x.credentials_encrypted)
    assert stored.access_token.startswith("x-token-") and stored.refresh_token != "x-refresh"
    assert stored.refresh_token in fakes["X"].refresh_tokens


def test_expired_refresh_token_needs_reconnect(world, fakes, settings):
    settings.PLATFORM_API = {"X": {"client_id": "client-id"}}
    dead = Credentials(access_token="x-expired", refresh_token="x-refresh-revoked")
    x = connected_account(world.unit, "X", credentials=dead)
    item = ordered_item(world, [x])
    pub = run(pub_of(item, "X"), job_env(fakes))
    assert pub.status == S.NEEDS_RECONNECT
    assert "Hubungkan ulang" in pub.error_message
    assert fakes["X"].posts == []


def test_worker_died_mid_publication_reconciles_from_checkpoint(world, fakes):
    """In-process version of the kill test: the post landed, the worker died before it could
    record anything; the next run finds IN_PROGRESS with an expired lease and looks it up."""
    bsky = connected_account(world.unit, "BLUESKY")
    item = ordered_item(world, [bsky])
    pub = pub_of(item, "BLUESKY")
    env = job_env(fakes, worker_id="dead-worker")
    claim = jobs._claim(pub.pk, env)
    assert claim is not None
    # What the dead worker did: save the checkpoint before the call, then post.
    from simedsos.publishing.outgoing import build_outgoing
    from simedsos.publishing.services import account_credentials, make_adapter
    from tests.fakes import fake_client

    adapter = make_adapter(
        bsky, account_credentials(bsky), http_client=fake_client(fakes["BLUESKY"])
    )
    saved = {}

    def keep(data):
        saved.update(data)
        Publication.objects.filter(pk=pub.pk).update(checkpoint=data)

    adapter.publish(
        build_outgoing(item, "BLUESKY").post,
        idempotency_key=pub.idempotency_key,
        on_checkpoint=keep,
    )
    assert len(fakes["BLUESKY"].posts) == 1 and saved.get("rkey")
    # Lease still running: a second worker keeps off.
    assert jobs.run_publication(pub.pk, env=job_env(fakes, worker_id="second")) == "skipped"
    Publication.objects.filter(pk=pub.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1)
    )
    pub = run(pub, job_env(fakes, worker_id="second"))
    assert pub.status == S.PUBLISHED
    assert len(fakes["BLUESKY"].posts) == 1


def test_due_sweep_finds_due_and_abandoned_jobs(world, fakes):
    from django.tasks import default_task_backend

    default_task_backend.clear()
    x = connected_account(world.unit, "X")
    tg = connected_account(world.unit, "TELEGRAM")
    bsky = connected_account(world.unit, "BLUESKY")
    item = ordered_item(world, [x, tg, bsky])
    now = timezone.now()
    Publication.objects.filter(item=item, account=x).update(
        next_attempt_at=now - datetime.timedelta(minutes=5)
    )
    Publication.objects.filter(item=item, account=tg).update(
        next_attempt_at=now + datetime.timedelta(minutes=5)
    )
    Publication.objects.filter(item=item, account=bsky).update(
        status=S.IN_PROGRESS, leased_by="dead", lease_until=now - datetime.timedelta(seconds=5)
    )
    assert jobs.publications_due_sweep(now) == 2
    assert sorted(r.args[0] for r in jobs_enqueued(default_task_backend)) == sorted(
        [pub_of(item, "X").pk, pub_of(item, "BLUESKY").pk]
    )


def test_credentials_never_reach_the_audit_log_or_the_log(world, fakes, caplog):
    tg = connected_account(world.unit, "TELEGRAM")
    item = ordered_item(world, [tg])
    fakes["TELEGRAM"].fail_next("not_sent", on="sendPhoto")  # the draft carries an image
    env = job_env(fakes)
    caplog.set_level("DEBUG")
    pub = run(pub_of(item, "TELEGRAM"), env)
    make_due(pub)
    pub = run(pub, env)
    assert pub.status == S.PUBLISHED
    dump = json.dumps(list(AuditEvent.objects.values("before", "after", "object_repr")))
    assert TG_TOKEN not in dump
    assert TG_TOKEN not in caplog.text
    stored = json.dumps([pub.checkpoint, pub.raw_response, pub.error_detail])
    assert TG_TOKEN not in stored
