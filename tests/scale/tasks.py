"""A test-only background task, importable by real worker processes (PYTHONPATH=project)."""

from __future__ import annotations

import os
import time

from django.db import connection
from django.tasks import task

RUNS_TABLE = "scale_test_task_runs"


@task
def record_run(number: int) -> int:
    """Record that task `number` ran, and in which process; no uniqueness, so a second
    execution of the same task would show up as a second row."""
    time.sleep(0.02)  # long enough that both workers get a share of the queue
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RUNS_TABLE} (number, pid) VALUES (%s, %s)",  # noqa: S608 - constant
            [number, os.getpid()],
        )
    return os.getpid()
