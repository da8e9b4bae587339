"""Background tasks of the publishing app: thin wrappers over jobs.py."""

from __future__ import annotations

import datetime
import logging

from django.tasks import task, task_backends
from django.utils import timezone

logger = logging.getLogger(__name__)


@task()
def publish_publication(publication_id: int) -> str:
    """Run one publication job (publishing/jobs.py); returns what became of it."""
    from .jobs import run_publication

    return run_publication(publication_id)


def enqueue_now(publication_id: int, run_after: datetime.datetime | None = None) -> None:
    """Enqueue the job; a backend that cannot defer gets it at once (the job itself waits
    until its `next_attempt_at`, and the due sweep picks it up later)."""
    backend = task_backends[publish_publication.backend]
    if run_after is not None and run_after > timezone.now() and backend.supports_defer:
        publish_publication.using(run_after=run_after).enqueue(publication_id)
    else:
        publish_publication.enqueue(publication_id)
