"""Query counts of the read paths at two data sizes, on the bench's realistic data set.

The same generator as `make bench` (bench.dataset: 550 units, items with their whole history),
grown tenfold between the two measurements: a page or selector whose query count grows with
the data fails here, long before anyone runs the bench. The pages the bench measures are
requested through the test client, after one unmeasured request as the bench's warm-up does
(it restarts the session's idle clock and fills the holiday and report caches); the semester
report is also measured as computed, right after an event in its unit. The content selectors
the content pages use are called directly.
"""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench import dataset
from simedsos.accounts.models import User, WorkUnit
from simedsos.content.models import ContentItem
from simedsos.content.selectors import inbox_for, item_detail, items_for, timeline_for
from simedsos.core.audit import audit_record

pytestmark = pytest.mark.django_db

SMALL, LARGE = 40, 400
MAX_QUERIES = 15


def _count(call, *, warm: bool = True) -> int:
    if warm:
        call()
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


def _page(client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)


def _measure(client, item_id: int) -> dict[str, int]:
    staf = User.objects.get(username="staf-62")
    kabag = User.objects.get(username="kabag-62")
    pemantau = User.objects.get(username="pemantau-00")
    counts = {
        "inbox_for": _count(lambda: inbox_for(staf)),
        "items_for (page of 25, filtered)": _count(
            lambda: list(items_for(kabag, status="PUBLISHED")[:25])
        ),
        "item_detail + timeline": _count(lambda: timeline_for(item_detail(kabag, item_id))),
    }
    for name, user, path in (
        ("Tugas Saya", staf, "/konten/tugas/"),
        ("content list, filtered", kabag, "/konten/?status=PUBLISHED&content_type=INFOGRAFIS"),
        ("item page", kabag, f"/konten/{item_id}/"),
        ("archive search", kabag, "/arsip/?q=pemilu"),
        ("semester report", kabag, "/laporan/"),
        ("home page", staf, "/"),
        ("memo list page", kabag, "/memos/"),
        ("audit log page", pemantau, "/audit/"),
    ):
        client.force_login(user)
        counts[name] = _count(lambda path=path: _page(client, path))

    client.force_login(kabag)
    _page(client, "/")  # the session's first view, not counted
    unit = WorkUnit.objects.get(code="62")
    audit_record(actor=None, action="unit.update", obj=unit, work_unit=unit)
    counts["semester report, computed"] = _count(lambda: _page(client, "/laporan/"), warm=False)
    return counts


def test_read_paths_issue_the_same_queries_at_two_sizes(client):
    rng = random.Random(7)
    world = dataset.setup(rng)
    kalteng = WorkUnit.objects.get(code="62")
    # The probe unit and its regencies get the items, so every queue has something in it.
    units = [u for u in world.units if u.pk == kalteng.pk or u.parent_id == kalteng.pk]
    dataset.add_items(world, SMALL, rng, units=units)
    item_id = (
        ContentItem.objects.filter(work_unit=kalteng, status="PUBLISHED")
        .values_list("pk", flat=True)
        .first()
    )
    assert item_id is not None
    small = _measure(client, item_id)
    assert small["inbox_for"] > 1, "the probe staff member should have work waiting"

    dataset.add_items(world, LARGE - SMALL, rng, units=units)
    assert ContentItem.objects.count() == LARGE
    large = _measure(client, item_id)

    assert large == small, f"query counts grew with the data: {small} -> {large}"
    over = {name: n for name, n in large.items() if n > MAX_QUERIES}
    assert not over, f"more than {MAX_QUERIES} queries: {over}"
