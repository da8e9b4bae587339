"""Several `simedsos worker` processes share one queue on PostgreSQL; each task runs once.

Real processes against the test database: the row locks (SELECT ... FOR UPDATE SKIP LOCKED)
that keep two workers off the same task only exist across real connections.
"""

from __future__ import annotations

import datetime
import time

import pytest
from django.db import connection
from django.test import override_settings

from tests.scale.tasks import RUNS_TABLE, record_run
from tests.scale.workers import start_worker, stop

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db(transaction=True)]

TASKS = 200
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.fixture
def runs_table():
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {RUNS_TABLE} (number integer NOT NULL, pid integer NOT NULL)")
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")


def test_two_workers_run_every_task_exactly_once(runs_table):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        for number in range(TASKS):
            record_run.enqueue(number)
    assert DBTaskResult.objects.ready().count() == TASKS

    workers = [start_worker("--batch", "--interval", "0.05") for _ in range(2)]
    outputs = []
    try:
        for process in workers:
            process.wait(timeout=180)
    finally:
        outputs = [stop(process) for process in workers]
    assert all(p.returncode == 0 for p in workers), "\n".join(outputs)

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, pid FROM {RUNS_TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    numbers = sorted(number for number, _pid in rows)
    assert numbers == list(range(TASKS)), "a task ran twice or not at all"
    # Both processes took a share: the queue really was shared.
    by_pid = {pid for _number, pid in rows}
    assert by_pid == {p.pid for p in workers}, f"runs by pid: {by_pid}"
    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == TASKS
    assert DBTaskResult.objects.exclude(status="SUCCESSFUL").count() == 0


def test_worker_runs_the_overdue_sweep_and_tasks():
    from django_tasks_db.models import DBTaskResult

    from simedsos.content.models import StepRun
    from simedsos.notifications.models import Notification
    from tests.content.builders import dispose, make_world

    world = make_world()
    item = dispose(world, attachments=[])
    run = StepRun.objects.get(item=item, finished_at__isnull=True)
    # Waiting for ten days: far beyond any multiple of step 2's 60-minute standard.
    StepRun.objects.filter(pk=run.pk).update(
        arrived_at=run.arrived_at - datetime.timedelta(days=10)
    )
    with override_settings(TASKS=DB_TASKS):
        result = record_run.enqueue(1)

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE {RUNS_TABLE} (number integer NOT NULL, pid integer NOT NULL)")
    worker = start_worker("--interval", "0.2", env={"SWEEP_INTERVAL_SECONDS": "1"})
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            run.refresh_from_db()
            status = DBTaskResult.objects.get(id=result.id).status
            if run.overdue_notified_at is not None and status == "SUCCESSFUL":
                break
            assert worker.poll() is None, stop(worker)
            time.sleep(0.3)
        else:
            pytest.fail(f"the worker did not sweep and run the task in 60 s:\n{stop(worker)}")
        assert Notification.objects.filter(
            recipient=world.staf, kind="step.overdue", dedup_key=f"steprun:{run.pk}:overdue"
        ).exists()
        # The superior (Kasubbag for a Staf step) hears of it too.
        assert Notification.objects.filter(recipient=world.kasubbag, kind="step.overdue").exists()
    finally:
        output = stop(worker)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {RUNS_TABLE}")
    # SIGTERM ends it gracefully.
    assert worker.returncode == 0, output
