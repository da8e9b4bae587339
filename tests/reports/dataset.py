"""A small fixed data set with known durations, for checking report figures by hand.

Semester I 2026 (1 January – 30 June, Asia/Jakarta) of the province "62" built by
`tests.content.builders.make_world` (SOP standards: step 1: 1, 2: 60, 3: 1, 4: 5, 5: 1,
6: 1 minutes). Each run is (step, waiting minutes, working minutes, actor, outcome), chained:
a run arrives when the previous one finished.

Item A (INFOGRAFIS, opened 5 Jan 09:00)  2: wait 0 work 30 · 4: wait 10 work 2 · 6: work 1
Item B (INFOGRAFIS, opened 10 Feb 09:00) 2: wait 10 work 50 · 4: work 4 RETURNED ·
                                         2: wait 20 work 70 · 4: work 6 · 6: work 2
Item C (VIDEO, opened 16 Mar 09:00)      2: wait 30 work 90 · 4: work 8 · 6: work 3
                                         (Facebook not published: partially published)
Item D (VIDEO, opened 20 Apr 09:00)      2: wait 40 work 130 · 4: work 3 · 6: work 5,
                                         staff steps by staf2
Every other run: wait 0, work 1 minute. Item E is opened 1 July 00:00:30 local time (still
30 June in UTC) and must count in no figure of semester I. A regency "6271" below the
province has one item (step 2: work 45). The other province "63" has one item too.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from simedsos.accounts.models import WorkUnit
from simedsos.content.models import ContentItem, StepRun
from simedsos.publishing.models import Publication, SocialAccount
from simedsos.publishing.platforms.limits import Platform
from simedsos.reports.selectors import Period
from simedsos.sop.models import SopVersion
from tests.content.builders import World, make_sop_version, make_world
from tests.factories import Role, make_unit, make_user

WIB = datetime.timezone(datetime.timedelta(hours=7))
SEMESTER = Period.semester(2026, 1)
MIN = 60.0  # seconds


def at(month: int, day: int, hour: int = 9, minute: int = 0, second: int = 0):
    return datetime.datetime(2026, month, day, hour, minute, second, tzinfo=WIB)


@dataclass
class Dataset:
    world: World
    regency: WorkUnit
    items: dict[str, ContentItem]


def make_item(unit, version, *, title, content_type, created, runs, pubs, staff, kabag):
    steps = {s.number: s for s in version.steps.all()}
    item = ContentItem.objects.create(
        work_unit=unit,
        sop_version=version,
        title=title,
        instruction="-",
        content_type=content_type,
        assignee=staff,
        created_by=kabag,
        return_count=sum(1 for r in runs if r[4] == StepRun.Outcome.RETURNED),
    )
    moment = created
    for number, wait, work, actor, outcome in runs:
        arrived = moment
        started = arrived + datetime.timedelta(minutes=wait)
        finished = started + datetime.timedelta(minutes=work)
        StepRun.objects.create(
            item=item,
            step=steps[number],
            assignee=actor,
            actor_role=steps[number].actor_role,
            arrived_at=arrived,
            started_at=started,
            finished_at=finished,
            actor=actor,
            capacity="uji",
            outcome=outcome,
        )
        moment = finished
    status = ContentItem.Status.PUBLISHED
    for account, live in pubs:
        if live is None:
            status = ContentItem.Status.PARTIALLY_PUBLISHED
            Publication.objects.create(
                item=item, account=account, status=Publication.Status.NOT_PUBLISHED, reason="x"
            )
        else:
            Publication.objects.create(
                item=item,
                account=account,
                status=Publication.Status.PUBLISHED,
                url=f"https://example.test/{item.pk}/{account.pk}",
                went_live_at=live,
            )
    ContentItem.objects.filter(pk=item.pk).update(
        created_at=created, finished_at=moment, status=status, current_step=None
    )
    item.refresh_from_db()
    return item, moment


def _cycle(w: World, staff, drafting: list[tuple[int, int, str]], review_waits, reviews, publish):
    """Runs of one item: steps 1..6 with the given step-2/step-4 passes and step-6 time."""
    done, returned, approved = (
        StepRun.Outcome.DONE,
        StepRun.Outcome.RETURNED,
        StepRun.Outcome.APPROVED,
    )
    runs = [(1, 0, 1, w.kabag, done)]
    for index, (wait, work, _label) in enumerate(drafting):
        runs.append((2, wait, work, staff, done))
        runs.append((3, 0, 1, staff, done))
        last = index == len(drafting) - 1
        runs.append(
            (4, review_waits[index], reviews[index], w.kasubbag, approved if last else returned)
        )
    runs += [(5, 0, 1, w.kabag, done), (6, 0, publish, staff, done)]
    return runs


def build() -> Dataset:
    w = make_world()
    ig, fb = w.accounts
    items = {}

    def add(key, **kw):
        item, _end = make_item(w.unit, w.version, staff=w.staf, kabag=w.kabag, **kw)
        items[key] = item
        return item

    add(
        "A",
        title="A",
        content_type="INFOGRAFIS",
        created=at(1, 5),
        runs=_cycle(w, w.staf, [(0, 30, "")], [10], [2], 1),
        pubs=[(ig, at(1, 5, 9, 46)), (fb, at(1, 5, 9, 46))],
    )
    add(
        "B",
        title="B",
        content_type="INFOGRAFIS",
        created=at(2, 10),
        runs=_cycle(w, w.staf, [(10, 50, ""), (20, 70, "")], [0, 0], [4, 6], 2),
        # The last publication counts for the lead time: 11:46, not 11:45.
        pubs=[(ig, at(2, 10, 11, 46)), (fb, at(2, 10, 11, 45))],
    )
    add(
        "C",
        title="C",
        content_type="VIDEO",
        created=at(3, 16),
        runs=_cycle(w, w.staf, [(30, 90, "")], [0], [8], 3),
        pubs=[(ig, at(3, 16, 11, 14)), (fb, None)],
    )
    add(
        "D",
        title="D",
        content_type="VIDEO",
        created=at(4, 20),
        runs=_cycle(w, w.staf2, [(40, 130, "")], [0], [3], 5),
        pubs=[(ig, at(4, 20, 12, 1)), (fb, at(4, 20, 12, 1))],
    )
    add(
        "E",
        title="E",
        content_type="KUIS",
        created=at(7, 1, 0, 0, 30),
        runs=_cycle(w, w.staf, [(0, 1, "")], [0], [1], 1),
        pubs=[(ig, at(7, 1, 0, 6, 30))],
    )

    regency = make_unit("6271", name="KPU Kota Palangka Raya", level="KABKOTA", parent=w.unit)
    r_version = make_sop_version(regency)
    r_kabag = make_user(Role.KABAG, regency)
    r_kasubbag = make_user(Role.KASUBBAG, regency)
    r_staf = make_user(Role.STAF, regency)
    r_ig = SocialAccount.objects.create(
        work_unit=regency, platform=Platform.INSTAGRAM, name="JDIH PKY", handle="pky"
    )
    rw = World(
        unit=regency,
        version=r_version,
        kabag=r_kabag,
        kasubbag=r_kasubbag,
        staf=r_staf,
        staf2=r_staf,
        admin=r_kabag,
        pemantau=r_kabag,
        accounts=[r_ig],
        other_unit=w.other_unit,
    )
    items["K"], _ = make_item(
        regency,
        r_version,
        staff=r_staf,
        kabag=r_kabag,
        title="K",
        content_type="PENGUMUMAN",
        created=at(5, 4),
        runs=_cycle(rw, r_staf, [(0, 45, "")], [0], [1], 1),
        pubs=[(r_ig, at(5, 4, 9, 50))],
    )

    o_version = SopVersion.objects.get(sop__work_unit=w.other_unit, status="PUBLISHED")
    o_ig = SocialAccount.objects.create(
        work_unit=w.other_unit, platform=Platform.INSTAGRAM, name="JDIH Kalsel", handle="ks"
    )
    ow = World(
        unit=w.other_unit,
        version=o_version,
        kabag=w.other[Role.KABAG],
        kasubbag=w.other[Role.KASUBBAG],
        staf=w.other[Role.STAF],
        staf2=w.other[Role.STAF],
        admin=w.other[Role.ADMIN],
        pemantau=w.other[Role.PEMANTAU],
        accounts=[o_ig],
        other_unit=w.unit,
    )
    items["O"], _ = make_item(
        w.other_unit,
        o_version,
        staff=ow.staf,
        kabag=ow.kabag,
        title="O",
        content_type="INFOGRAFIS",
        created=at(3, 3),
        runs=_cycle(ow, ow.staf, [(0, 500, "")], [0], [50], 50),
        pubs=[(o_ig, at(3, 3, 18, 0))],
    )
    return Dataset(world=w, regency=regency, items=items)
