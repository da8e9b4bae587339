"""Workflow transitions per second through the services, and the worker's throughput.

Run as its own process against a bench database: `python -m bench._services CYCLES TASKS`.
Prints JSON.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[1]


def transitions(cycles: int) -> dict:
    """Full SOP cycles (dispose, draft, submit, approve, order, start, record x2) by the
    services, as the pages call them; each service call is one transition."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from simedsos.accounts.models import User, WorkUnit
    from simedsos.content import services
    from simedsos.content.media_services import media_add, media_update
    from simedsos.publishing.models import SocialAccount

    unit = WorkUnit.objects.get(code="62")
    kabag = User.objects.get(username="kabag-62")
    kasubbag = User.objects.get(username="kasubbag-62")
    staf = User.objects.get(username="staf-62")
    accounts = list(SocialAccount.objects.filter(work_unit=unit))
    per_action: dict[str, list[int]] = {}
    calls = 0

    def step(name, function, **kwargs):
        nonlocal calls
        with CaptureQueriesContext(connection) as captured:
            value = function(**kwargs)
        per_action.setdefault(name, []).append(len(captured.captured_queries))
        calls += 1
        return value

    start = time.perf_counter()
    for n in range(cycles):
        item = step(
            "item_dispose",
            services.item_dispose,
            actor=kabag,
            work_unit=unit,
            title=f"Infografis bench {n}",
            instruction="Buat infografis tentang pasal-pasal penting UU Pemilu.",
            content_type="INFOGRAFIS",
            priority="BIASA",
            deadline=timezone.now() + timezone.timedelta(days=2),
            target_accounts=accounts,
            assignee=staf,
        )
        draft = item.draft
        step(
            "draft_save",
            services.draft_save,
            actor=staf,
            item=item,
            caption="Kenali UU Pemilu bersama JDIH KPU #JDIH",
            variants={"INSTAGRAM": "Versi Instagram"},
            hashtags=["#JDIH", "KPU"],
            links=["https://jdih.kpu.go.id/uu-7-2017"],
            base_version=draft.version,
        )
        # Instagram and TikTok refuse a post without media: staff add an image with alt text.
        media = step("media_add", media_add, actor=staf, item=item, upload=_jpeg())
        step(
            "media_update",
            media_update,
            actor=staf,
            media=media,
            alt_text="Infografis pasal-pasal penting UU Pemilu",
        )
        step("draft_submit", services.draft_submit, actor=staf, item=item)
        step("review_approve", services.review_approve, actor=kasubbag, item=item)
        step("upload_order_issue", services.upload_order_issue, actor=kabag, item=item)
        step("publication_start", services.publication_start, actor=staf, item=item)
        for publication in item.publications.select_related("account"):
            platform = publication.account.platform.lower()
            step(
                "publication_record",
                services.publication_record,
                actor=staf,
                publication=publication,
                url=f"https://www.{platform}.com/p/bench{item.pk}",
                went_live_at=timezone.now(),
            )
    elapsed = time.perf_counter() - start
    return {
        "cycles": cycles,
        "transitions": calls,
        "seconds": round(elapsed, 2),
        "transitions_per_second": round(calls / elapsed, 1),
        "queries_per_transition": {k: max(v) for k, v in per_action.items()},
    }


def _jpeg():
    """A square JPEG (fits every platform's ratio), as an upload from the draft editor."""
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1080, 1080), (122, 14, 14)).save(buffer, "JPEG")
    return SimpleUploadedFile("infografis.jpg", buffer.getvalue(), content_type="image/jpeg")


def worker(tasks: int) -> dict:
    """Queue `tasks` no-op tasks (plus the memo PDFs the cycles enqueued), then one
    `simedsos worker --batch` drains the queue; its peak RSS comes from wait4."""
    from django_tasks_db.models import DBTaskResult

    from bench._tasks import noop

    memo_renders = DBTaskResult.objects.ready().filter(task_path__endswith="render_memo").count()
    for number in range(tasks):
        noop.enqueue(number)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_DIR), "SWEEP_INTERVAL_SECONDS": "0"}
    start = time.perf_counter()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "simedsos.cli",
            "worker",
            "--batch",
            "--no-startup-delay",
            "--interval",
            "0",
            "--verbosity",
            "0",
            "--queue-name",
            "*",
        ],
        env=env,
        cwd=PROJECT_DIR,
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    succeeded = DBTaskResult.objects.filter(status="SUCCESSFUL")
    noop_seconds = _span(succeeded.filter(task_path__endswith="noop"))
    render_seconds = _span(succeeded.filter(task_path__endswith="render_memo"))
    renders_done = succeeded.filter(task_path__endswith="render_memo").count()
    return {
        "exit_code": process.returncode,
        "seconds": round(elapsed, 2),
        "noop_tasks": tasks,
        "noop_tasks_per_second": round(tasks / noop_seconds, 1) if noop_seconds else None,
        "memo_renders": renders_done,
        "memo_renders_queued": memo_renders,
        "memo_renders_per_second": round(renders_done / render_seconds, 2)
        if render_seconds
        else None,
        # ru_maxrss is in kilobytes on Linux.
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def _span(queryset) -> float:
    from django.db.models import Max, Min

    bounds = queryset.aggregate(first=Min("started_at"), last=Max("finished_at"))
    if not bounds["first"]:
        return 0.0
    return (bounds["last"] - bounds["first"]).total_seconds()


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simedsos.settings")
    import django

    django.setup()
    cycles, tasks = int(argv[0]), int(argv[1])
    result = {"transitions": transitions(cycles), "worker": worker(tasks)}
    result["bench_process_peak_rss_mb"] = round(
        resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1
    )
    print(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
