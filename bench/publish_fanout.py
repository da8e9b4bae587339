"""Publication fan-out: one item to all eight platform fakes, each answering every request after
300 ms, against the slowest platform alone; and publications per second for a batch of 1,000.

Real pieces: the job state machine (publishing/jobs.py), the adapters, the DB task backend
(django-tasks-db) and its Worker loop, here run in threads of this process (several
`simedsos worker` processes behave the same), the fakes served on 127.0.0.1 sockets, a temporary
SQLite file database. One shortcut: no single media set is valid on every platform (YouTube takes
only video, Bluesky no video), so the outgoing post is built per platform here — an image for
seven platforms, a short video for YouTube — instead of from the draft's media.
"""

from __future__ import annotations

import contextlib
import io
import statistics
import tempfile
import threading
import time
from pathlib import Path

WORKERS_FANOUT = 8
WORKERS_BATCH = 16
BATCH = int(__import__("os").environ.get("BENCH_PUBLISH_BATCH", "1000"))
DELAY = 0.3

ACCOUNTS = {
    # platform: (fake factory, account ref fields, credentials)
    "FACEBOOK": (
        "facebook.FakeFacebook",
        {"external_id": "245628824887810", "page_id": "245628824887810"},
        {"access_token": "page-token"},
    ),  # noqa: E501
    "INSTAGRAM": (
        "instagram.FakeInstagram",
        {"external_id": "17841400455970028"},
        {"access_token": "page-token"},
    ),  # noqa: E501
    "X": ("x.FakeX", {"external_id": "1349000000000000001"}, {"access_token": "x-token"}),
    "YOUTUBE": (
        "youtube.FakeYouTube",
        {"external_id": "UC_x5XG1OV2P6uZZ5FSM9Ttw"},
        {"access_token": "yt-token"},
    ),  # noqa: E501
    "TIKTOK": ("tiktok.FakeTikTok", {"external_id": "open-id-1"}, {"access_token": "tt-token"}),
    "THREADS": (
        "threads.FakeThreads",
        {"external_id": "27654321012345678"},
        {"access_token": "threads-token"},
    ),  # noqa: E501
    "TELEGRAM": (
        "telegram.FakeTelegram",
        {"chat_id": "-1001234567890"},
        {"access_token": "123456:ABC-bot-token"},
    ),  # noqa: E501
    "BLUESKY": (
        "bluesky.FakeBluesky",
        {"external_id": "did:plc:kvwvcn5iqfooopmyzvb4qzba"},
        {
            "extra": {
                "identifier": "jdih-kalteng.bsky.social",
                "app_password": "abcd-efgh-ijkl-mnop",
            }
        },
    ),  # noqa: E501
}


class Slow:
    """A fake that answers every request after DELAY seconds."""

    def __init__(self, app, delay: float):
        self.app, self.delay = app, delay

    def __call__(self, environ, start_response):
        time.sleep(self.delay)
        return self.app(environ, start_response)

    def __getattr__(self, name):
        return getattr(self.app, name)

    def __setattr__(self, name, value):
        if name in ("app", "delay"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.app, name, value)


def _fake(path: str):
    from importlib import import_module

    module, cls = path.rsplit(".", 1)
    return getattr(import_module(f"tests.fakes.platforms.{module}"), cls)()


def _outgoing(item, platform):
    """Per-platform media (see the module docstring); the text is the item's own."""
    from PIL import Image

    from simedsos.publishing import outgoing
    from simedsos.publishing.platforms.base import OutgoingMedia, OutgoingPost

    text = outgoing.post_text(
        outgoing.DraftSnapshot(caption=f"Sosialisasi JDIH {item.pk} #JDIH"), platform
    )
    if platform == "YOUTUBE":
        data = b"\0" * 200_000
        media = OutgoingMedia(
            mime="video/mp4",
            size=len(data),
            opener=lambda: io.BytesIO(data),
            width=1080,
            height=1920,
            duration_seconds=20,
            filename="video.mp4",
            alt_text="Video JDIH",
        )
    else:
        buffer = io.BytesIO()
        Image.new("RGB", (800, 800), (200, 30, 30)).save(buffer, "JPEG")
        data = buffer.getvalue()
        media = OutgoingMedia(
            mime="image/jpeg",
            size=len(data),
            opener=lambda: io.BytesIO(data),
            width=800,
            height=800,
            alt_text="Infografis JDIH",
            filename="img.jpg",
            public_url="https://jdih.example.go.id/m/img.jpg",
        )
    post = OutgoingPost(text=text, media=(media,), title=f"Sosialisasi JDIH {item.pk}")
    return outgoing.Outgoing(post=post, media_sent=[])


@contextlib.contextmanager
def _environment(tmp: Path):
    """A temporary file database, the DB task backend, the fakes on sockets."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections
    from django.test.utils import override_settings

    from tests.fakes import serve_fake

    connection = connections["default"]
    connection.close()
    original = dict(connection.settings_dict)
    connection.settings_dict.update(
        ENGINE="django.db.backends.sqlite3",
        NAME=str(tmp / "bench.sqlite3"),
        OPTIONS={
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 60,
        },
    )
    call_command("migrate", verbosity=0)
    fakes = {name: Slow(_fake(spec[0]), DELAY) for name, spec in ACCOUNTS.items()}
    for fake in fakes.values():
        # One account posting 1,000 times a day would hit Instagram's and Threads' daily
        # quotas (and the job would rightly wait for the reset); the batch measures throughput.
        if hasattr(fake.app, "quota_total"):
            fake.quota_total = 10**6
    with contextlib.ExitStack() as stack:
        urls = {name: stack.enter_context(serve_fake(fake)) for name, fake in fakes.items()}
        api = {
            name: {
                "base_url": url,
                "video_base_url": url,
                "upload_url": f"{url}/upload/youtube/v3/videos",  # noqa: E501
                "api_url": f"{url}/youtube/v3",
                "token_url": f"{url}/token",
            }
            for name, url in urls.items()
        }
        api["POLL_INTERVAL"] = 0
        api["TIMEOUT"] = {"connect": 5, "read": 30, "write": 30, "pool": 30}
        stack.enter_context(
            override_settings(
                PLATFORM_API=api,
                PUBLIC_BASE_URL="https://jdih.example.go.id",
                FIELD_ENCRYPTION_KEY=getattr(settings, "FIELD_ENCRYPTION_KEY", "")
                or "Q2hvb3NlIGEgcmFuZG9tIGtleSBmb3IgdGVzdHMhISE=",
                TASKS={
                    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
                },
                PUBLISHING_LEASE_SECONDS=300,
                # A post still processing is asked about again after one fake round trip.
                PUBLISHING_STATUS_POLL_SECONDS=DELAY,
            )
        )
        from simedsos.publishing import jobs

        stack.callback(setattr, jobs, "build_outgoing", jobs.build_outgoing)
        jobs.build_outgoing = _outgoing
        # The posts sent are _outgoing's per-platform media (a video for YouTube), not the
        # draft's one image, which YouTube's preflight would refuse at submission: the
        # submission check is not what this bench measures.
        from simedsos.content import services as content_services

        checked = content_services._blocking_preflight_issues
        stack.callback(setattr, content_services, "_blocking_preflight_issues", checked)
        content_services._blocking_preflight_issues = lambda *args, **kwargs: []
        try:
            yield fakes
        finally:
            connection.close()
            connection.settings_dict.clear()
            connection.settings_dict.update(original)


def _world():
    from simedsos.publishing.credentials import encrypt_credentials
    from simedsos.publishing.models import SocialAccount
    from simedsos.publishing.platforms.base import Credentials
    from tests.content.builders import make_world

    world = make_world()
    accounts = {}
    for name, (_fake_path, ref, creds) in ACCOUNTS.items():
        accounts[name] = SocialAccount.objects.create(
            work_unit=world.unit,
            platform=name,
            name=f"JDIH {name}",
            handle=f"jdih{name.lower()}",
            connection=SocialAccount.Connection.CONNECTED,
            credentials_encrypted=encrypt_credentials(Credentials(**creds)),
            **ref,
        )
    return world, accounts


@contextlib.contextmanager
def _workers(count: int):
    from django.db import close_old_connections, connection
    from django_tasks_db.management.commands.db_worker import Worker

    workers = [
        Worker(
            queue_names=["default"],
            interval=0.02,
            batch=False,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"bench-{n}",
            excluded_queue_names=[],
        )
        for n in range(count)
    ]

    def loop(worker):
        try:
            worker.run()
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in workers]
    for thread in threads:
        thread.start()
    try:
        yield
    finally:
        for worker in workers:
            worker.running = False
        for thread in threads:
            thread.join(timeout=60)


def _order(world, accounts):
    from simedsos.content.services import review_approve, upload_order_issue
    from tests.content.builders import to_review

    item = to_review(world, target_accounts=accounts)
    review_approve(actor=world.kasubbag, item=item)
    return item, lambda: upload_order_issue(actor=world.kabag, item=item)


def _wait(item_ids, expected: int, timeout: float = 600) -> float:
    from simedsos.publishing.models import Publication

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        done = Publication.objects.filter(
            item_id__in=item_ids, status__in=["PUBLISHED", "FAILED", "NEEDS_PERSON"]
        ).count()
        if done >= expected:
            return time.perf_counter()
        time.sleep(0.01)
    raise RuntimeError("publications did not finish in time")


def _failures(item_ids) -> dict:
    from simedsos.publishing.models import Publication

    return {
        f"{p.account.platform}": f"{p.status}: {p.error_message[:120]} {p.error_detail[:200]}"
        for p in Publication.objects.filter(item_id__in=item_ids)
        .exclude(status="PUBLISHED")
        .select_related("account")[:10]
    }


def run() -> dict:
    from simedsos.publishing.models import Publication

    with tempfile.TemporaryDirectory() as tmp, _environment(Path(tmp)) as fakes:
        world, accounts = _world()
        results: dict = {"delay_per_request_ms": DELAY * 1000}
        with _workers(WORKERS_FANOUT):
            # Warm-up and baseline: each platform alone.
            alone = {}
            for name, account in accounts.items():
                item, order = _order(world, [account])
                start = time.perf_counter()
                order()
                end = _wait([item.pk], 1)
                alone[name] = round((end - start) * 1000)
                bad = _failures([item.pk])
                if bad:
                    results.setdefault("failures", {}).update(bad)
            requests_alone = {name: len(f.requests) for name, f in fakes.items()}
            walls = []
            for _round in range(3):
                item, order = _order(world, list(accounts.values()))
                start = time.perf_counter()
                order()
                end = _wait([item.pk], len(accounts))
                walls.append(round((end - start) * 1000))
                bad = _failures([item.pk])
                if bad:
                    results.setdefault("failures", {}).update(bad)
        slowest = max(alone.values())
        results.update(
            {
                "alone_ms": alone,
                "requests_per_platform_post": {
                    name: requests_alone[name] for name in sorted(requests_alone)
                },
                "slowest_single_platform_ms": slowest,
                "fanout_8_platforms_ms_runs": walls,
                "fanout_8_platforms_ms_median": statistics.median(walls),
                "fanout_over_slowest": round(statistics.median(walls) / slowest, 2),
                "target_ratio": 1.5,
                "fanout_workers": WORKERS_FANOUT,
            }
        )
        # Batch: 1,000 publications (125 items × 8 accounts) ordered at once.
        items, orders = [], []
        for _n in range(BATCH // len(accounts)):
            item, order = _order(world, list(accounts.values()))
            items.append(item.pk)
            orders.append(order)
        with _workers(WORKERS_BATCH):
            start = time.perf_counter()
            for order in orders:
                order()
            end = _wait(items, BATCH, timeout=1800)
        published = Publication.objects.filter(item_id__in=items, status="PUBLISHED").count()
        results.update(
            {
                "batch_publications": BATCH,
                "batch_published": published,
                "batch_seconds": round(end - start, 1),
                "batch_publications_per_second": round(BATCH / (end - start), 1),
                "batch_workers": WORKERS_BATCH,
                "posts_on_fakes_total": sum(len(f.posts) for f in fakes.values()),
            }
        )
        return results
