"""Real `simedsos worker` processes against the fakes on localhost ports.

- Killed with SIGKILL while the platforms hold their answers (the posts already exist), then
  a fresh worker and the due sweep: exactly one post per target.
- End to end: upload order → workers → published on four platforms, X failing twice with a
  5xx (reconciled, certainly not posted, retried with backoff) and then refusing for good;
  the item is partially published, X is retried alone, and the item becomes published.

The workers share the test's database: on PostgreSQL the test database itself (committed
data, `transaction=True`); on SQLite, whose test database lives in memory, a temporary file
database migrated for the test (see `worker_database`).
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connections

from simedsos.content.models import ContentItem
from simedsos.publishing.models import Publication
from tests.content.builders import make_world
from tests.fakes import serve_fake

from .conftest import TEST_KEY
from .jobs_helpers import connected_account, new_fakes, ordered_item

pytestmark = pytest.mark.django_db(transaction=True)
S = Publication.Status
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
LEASE_SECONDS = 3


def database_url(settings_dict: dict) -> str:
    if settings_dict["ENGINE"].endswith("postgresql"):
        user = settings_dict.get("USER") or ""
        password = settings_dict.get("PASSWORD") or ""
        auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
        host = settings_dict.get("HOST") or "127.0.0.1"
        port = settings_dict.get("PORT") or "5432"
        return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"
    return f"sqlite:///{settings_dict['NAME']}"


@pytest.fixture
def worker_database(tmp_path, settings):
    """A database the test and the worker processes both reach; yields its DATABASE_URL."""
    settings.TASKS = DB_TASKS
    connection = connections["default"]
    if connection.vendor != "sqlite":
        yield database_url(connection.settings_dict)
        return
    # Swap the in-memory test database for a file for the length of this test.
    memory_connection, original_name = connection.connection, connection.settings_dict["NAME"]
    connection.connection = None
    connection.settings_dict["NAME"] = str(tmp_path / "worker.sqlite3")
    try:
        call_command("migrate", verbosity=0)
        yield database_url(connection.settings_dict)
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original_name
        connection.connection = memory_connection


@contextlib.contextmanager
def served(fakes: dict):
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(serve_fake(fake)) for name, fake in fakes.items()}
        yield urls


def platform_api(urls: dict) -> dict:
    api: dict = {
        name: {"base_url": url, **({"video_base_url": url} if name == "FACEBOOK" else {})}
        for name, url in urls.items()
    }
    api["TIMEOUT"] = {"connect": 2, "read": 40, "write": 5, "pool": 2}
    api["POLL_INTERVAL"] = 0
    return api


class Workers:
    """`simedsos worker` processes with the test's settings in their environment."""

    def __init__(self, database_url: str, urls: dict, log_dir: Path):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            # The draft's media live in this test's media folder; the worker must read them.
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            "FIELD_ENCRYPTION_KEY": TEST_KEY,
            "PLATFORM_API": json.dumps(platform_api(urls)),
            "PUBLISHING_LEASE_SECONDS": str(LEASE_SECONDS),
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "DJANGO_SETTINGS_MODULE": "simedsos.settings",
            "LOG_LEVEL": "INFO",
        }
        self.log_dir = log_dir
        self.processes: list[subprocess.Popen] = []

    def start(self, count: int = 1) -> None:
        for _ in range(count):
            n = len(self.processes)
            log = (self.log_dir / f"worker-{n}.log").open("w")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "simedsos.cli", "worker", "--interval", "0.1"],
                    env=self.env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )

    def kill(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
                process.wait(timeout=10)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()

    def logs(self) -> str:
        return "\n".join(p.read_text() for p in sorted(self.log_dir.glob("worker-*.log")))


def wait_for(condition, *, timeout: float, what: str, workers: Workers | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    logs = workers.logs()[-4000:] if workers else ""
    raise AssertionError(f"timed out waiting for {what}\n{logs}")


def statuses(item) -> dict[str, str]:
    return dict(Publication.objects.filter(item=item).values_list("account__platform", "status"))


def test_worker_killed_mid_publication_posts_once_per_target(worker_database, tmp_path):
    fakes = new_fakes()
    del fakes["TELEGRAM"]  # Telegram cannot tell: covered where a person decides
    for name, route in (
        ("X", "tweets"),
        ("BLUESKY", "createRecord"),
        ("FACEBOOK", "photos"),
    ):  # the draft carries one image
        fakes[name].fail_next("timeout_after_commit", on=route, delay=20)
    world = make_world()
    with served(fakes) as urls:
        workers = Workers(worker_database, urls, tmp_path)
        try:
            accounts = [connected_account(world.unit, name) for name in fakes]
            workers.start(3)
            item = ordered_item(world, accounts)
            # Each post exists on its platform; each answer is being held back.
            wait_for(
                lambda: all(len(f.posts) == 1 for f in fakes.values()),
                timeout=60,
                what="the three posts",
                workers=workers,
            )
            workers.kill()
            assert set(statuses(item).values()) == {S.IN_PROGRESS}
            assert all(Publication.objects.filter(item=item).values_list("checkpoint", flat=True))
            time.sleep(LEASE_SECONDS + 0.5)  # the dead workers' leases run out
            workers.start(1)
            call_command("simedsos_publish_due", grace=0, verbosity=0)
            wait_for(
                lambda: set(statuses(item).values()) == {S.PUBLISHED},
                timeout=60,
                what="every target published",
                workers=workers,
            )
        finally:
            workers.stop()
    assert {name: len(f.posts) for name, f in fakes.items()} == {
        "X": 1,
        "BLUESKY": 1,
        "FACEBOOK": 1,
    }
    for pub in Publication.objects.filter(item=item):
        assert pub.external_id and pub.url
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED


def test_end_to_end_four_platforms_one_failing_then_retried_alone(worker_database, tmp_path):
    from simedsos.publishing.services import publication_retry

    fakes = new_fakes()
    fakes["X"].fail_next("server_error", on="tweets")
    fakes["X"].fail_next("server_error", on="tweets")
    fakes["X"].fail_next("duplicate", on="tweets")
    world = make_world()
    with served(fakes) as urls:
        workers = Workers(worker_database, urls, tmp_path)
        try:
            accounts = [connected_account(world.unit, name) for name in fakes]
            workers.start(2)
            item = ordered_item(world, accounts)
            wait_for(
                lambda: (
                    S.FAILED in statuses(item).values()
                    and all(s in (S.PUBLISHED, S.FAILED) for s in statuses(item).values())
                ),
                timeout=90,
                what="three published and X failed",
                workers=workers,
            )
            assert statuses(item) == {
                "X": S.FAILED,
                "TELEGRAM": S.PUBLISHED,
                "BLUESKY": S.PUBLISHED,
                "FACEBOOK": S.PUBLISHED,
            }
            item.refresh_from_db()
            assert item.status == ContentItem.Status.PARTIALLY_PUBLISHED
            x_pub = Publication.objects.get(item=item, account__platform="X")
            assert x_pub.attempts == 3 and x_pub.error_class == "PERMANENT"
            assert fakes["X"].calls("timeline")  # each 5xx was looked up before a retry
            publication_retry(actor=world.staf, publication=x_pub)
            wait_for(
                lambda: statuses(item)["X"] == S.PUBLISHED,
                timeout=60,
                what="X published after the retry",
                workers=workers,
            )
        finally:
            workers.stop()
    assert {name: len(f.posts) for name, f in fakes.items()} == {
        "X": 1,
        "TELEGRAM": 1,
        "BLUESKY": 1,
        "FACEBOOK": 1,
    }
    item.refresh_from_db()
    assert item.status == ContentItem.Status.PUBLISHED
