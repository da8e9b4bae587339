"""SQL queries per workflow action (service call), counted as the bench counts them.

Every transition runs in its own real transaction (BEGIN/COMMIT counted), with what runs
after commit (the arrival notice, queued tasks on the database task backend) counted too. The
first cycle warms what a running process keeps (the steps of a published SOP version, the
year's memo register); the next cycles must issue the same number of queries, at most the
ceiling below, however much data has piled up in between.
"""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from simedsos.content import services
from simedsos.content.media_services import media_add, media_update
from tests.content.builders import image_upload, make_world

pytestmark = pytest.mark.django_db(transaction=True)

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# At most this many queries on SQLite. PostgreSQL takes one more wherever an audit event is
# written (every action here): the advisory lock that makes audit writers take turns. What
# they are, for the largest: item_dispose reads the published version, the target accounts
# and two people's capacities (one query each), writes the item, its targets, draft, memo
# (register read and update, number check, insert), disposition, both runs, the item's move
# and two audit events, then queues the memo's PDF and notifies the assignee.
CEILINGS = {
    "item_dispose": 21,
    "draft_save": 10,
    "media_add": 11,
    "media_update": 9,
    "draft_submit": 16,
    "review_approve": 13,
    "upload_order_issue": 20,
    "publication_start": 8,
    "publication_record": 9,
    "publication_record (last)": 14,
}


def _cycle(world, n: int) -> dict[str, int]:
    counts: dict[str, int] = {}

    def step(name, function, **kwargs):
        with CaptureQueriesContext(connection) as captured:
            value = function(**kwargs)
        counts[name] = len(captured.captured_queries)
        return value

    item = step(
        "item_dispose",
        services.item_dispose,
        actor=world.kabag,
        work_unit=world.unit,
        title=f"Infografis {n}",
        instruction="Buat infografis tentang pasal-pasal penting UU Pemilu.",
        content_type="INFOGRAFIS",
        priority="BIASA",
        deadline=timezone.now() + datetime.timedelta(days=2),
        target_accounts=world.accounts,
        assignee=world.staf,
    )
    step(
        "draft_save",
        services.draft_save,
        actor=world.staf,
        item=item,
        caption="Kenali UU Pemilu bersama JDIH KPU #JDIH",
        variants={"INSTAGRAM": "Versi Instagram"},
        hashtags=["#JDIH", "KPU"],
        links=["https://jdih.kpu.go.id/uu-7-2017"],
        base_version=0,
    )
    media = step("media_add", media_add, actor=world.staf, item=item, upload=image_upload())
    step("media_update", media_update, actor=world.staf, media=media, alt_text="Infografis")
    step("draft_submit", services.draft_submit, actor=world.staf, item=item)
    step("review_approve", services.review_approve, actor=world.kasubbag, item=item)
    step("upload_order_issue", services.upload_order_issue, actor=world.kabag, item=item)
    step("publication_start", services.publication_start, actor=world.staf, item=item)
    publications = list(item.publications.select_related("account").order_by("pk"))
    for index, publication in enumerate(publications):
        last = index == len(publications) - 1
        step(
            "publication_record (last)" if last else "publication_record",
            services.publication_record,
            actor=world.staf,
            publication=publication,
            url=f"https://www.{publication.account.platform.lower()}.com/p/uji{item.pk}",
            went_live_at=timezone.now(),
        )
    item.refresh_from_db()
    assert item.status == "PUBLISHED"
    return counts


def test_each_transition_stays_within_its_query_ceiling_at_any_size(settings):
    settings.TASKS = DB_TASKS
    world = make_world()
    assert len(world.accounts) == 2  # one recorded publication, then the last one
    _cycle(world, 0)
    warm = _cycle(world, 1)
    # More data everywhere the actions look: open items, finished ones, memos, audit events.
    for n in range(2, 12):
        _cycle(world, n)
    later = _cycle(world, 12)

    assert later == warm, f"query counts changed with the data: {warm} -> {later}"
    extra = 1 if connection.vendor == "postgresql" else 0
    over = {name: n for name, n in later.items() if n > CEILINGS[name] + extra}
    assert not over, f"over the ceiling (+{extra} on {connection.vendor}): {over}; all: {later}"
