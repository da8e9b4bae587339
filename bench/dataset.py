"""A realistic data set at a chosen size, generated fast with bulk inserts.

    DATABASE_URL=... python -m bench.dataset --size 100000

550 work units (KPU RI, 38 provinces, 511 regencies/cities), four people per unit (Kepala
Bagian, Kasubbag, two Staf) plus an Admin and a Pemantau at KPU RI, two social-media accounts
per unit, a published SOP per unit built the way the tests build it (steps inserted while the
version is a draft, then published: database triggers refuse steps on published versions), and
N content items spread over the units with their step runs, drafts, revisions, reviews,
dispositions, upload orders, memos (both kinds, numbered per unit and year) and publications,
in a mix of statuses: most items finished, the open ones recent.

Not generated: audit events (a hash chain written one by one by the services), files on disk
(rows only), notifications. The migrated, empty database is the caller's business: this module
migrates it if needed and refuses to fill a database that already has content items.

Prints (and returns from `generate`) JSON: row counts, the seconds taken, and the probe rows
the HTTP bench uses (who logs in, which item, which filter).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time

PASSWORD = "bench-kata-sandi-2026"  # noqa: S105 - a throwaway bench database's users
CHUNK = 5_000

# BPS province codes and names (38 provinces since 2022).
PROVINCES = [
    ("11", "Aceh"),
    ("12", "Sumatera Utara"),
    ("13", "Sumatera Barat"),
    ("14", "Riau"),
    ("15", "Jambi"),
    ("16", "Sumatera Selatan"),
    ("17", "Bengkulu"),
    ("18", "Lampung"),
    ("19", "Kepulauan Bangka Belitung"),
    ("21", "Kepulauan Riau"),
    ("31", "DKI Jakarta"),
    ("32", "Jawa Barat"),
    ("33", "Jawa Tengah"),
    ("34", "DI Yogyakarta"),
    ("35", "Jawa Timur"),
    ("36", "Banten"),
    ("51", "Bali"),
    ("52", "Nusa Tenggara Barat"),
    ("53", "Nusa Tenggara Timur"),
    ("61", "Kalimantan Barat"),
    ("62", "Kalimantan Tengah"),
    ("63", "Kalimantan Selatan"),
    ("64", "Kalimantan Timur"),
    ("65", "Kalimantan Utara"),
    ("71", "Sulawesi Utara"),
    ("72", "Sulawesi Tengah"),
    ("73", "Sulawesi Selatan"),
    ("74", "Sulawesi Tenggara"),
    ("75", "Gorontalo"),
    ("76", "Sulawesi Barat"),
    ("81", "Maluku"),
    ("82", "Maluku Utara"),
    ("91", "Papua Barat"),
    ("92", "Papua Barat Daya"),
    ("94", "Papua"),
    ("95", "Papua Selatan"),
    ("96", "Papua Tengah"),
    ("97", "Papua Pegunungan"),
]
REGENCIES = 511

# (number, activity, role, kind, action, minutes, return_to) as in the seed SOP 1176/2022.
STEPS = [
    (1, "Disposisi/petunjuk membuat konten", "KABAG", "TASK", "DISPOSE", 1, None),
    (2, "Menghimpun bahan dan membuat konsep konten", "STAF", "TASK", "DRAFT", 60, None),
    (3, "Menyerahkan konsep konten", "STAF", "TASK", "SUBMIT", 1, None),
    (4, "Perbaikan/koreksi/persetujuan konsep", "KASUBBAG", "DECISION", "REVIEW", 5, 2),
    (5, "Perintah Pengunggahan", "KABAG", "TASK", "ORDER_UPLOAD", 1, None),
    (6, "Pengunggahan konten media sosial", "STAF", "TASK", "PUBLISH", 1, None),
]
ACTOR_COLUMNS = [
    {"role": "KABAG", "title": "Kepala Bagian TPHPHSDM"},
    {"role": "KASUBBAG", "title": "Kepala Subbagian Hukum dan SDM"},
    {"role": "STAF", "title": "Staf"},
]

# Share of items by status: finished work dominates a live system's history.
STATUS_MIX = [
    ("PUBLISHED", 0.70),
    ("PARTIALLY_PUBLISHED", 0.03),
    ("NOT_PUBLISHED", 0.02),
    ("UPLOAD_ORDERED", 0.05),
    ("APPROVED", 0.04),
    ("IN_REVIEW", 0.06),
    ("DRAFTING", 0.10),
]
TOPICS = [
    "Infografis UU Nomor 7 Tahun 2017 tentang Pemilihan Umum",
    "Kutipan PKPU Nomor 2 Tahun 2024",
    "Kuis istilah hukum kepemiluan",
    "Ucapan Hari Konstitusi",
    "Pengumuman jadwal konsultasi publik JDIH",
    "Video penjelasan Keputusan KPU tentang pedoman teknis",
    "Infografis putusan Mahkamah Konstitusi",
    "Istilah hukum: daftar pemilih tetap",
]
TYPES = ["INFOGRAFIS", "VIDEO", "KUTIPAN", "KUIS", "UCAPAN", "PENGUMUMAN", "LAINNYA"]


def _units():
    from simedsos.accounts.models import WorkUnit

    center = WorkUnit.objects.create(
        code="00",
        name="Komisi Pemilihan Umum Republik Indonesia",
        level=WorkUnit.Level.PUSAT,
        secretariat_name="Sekretariat Jenderal KPU RI",
        city="Jakarta",
    )
    provinces = WorkUnit.objects.bulk_create(
        [
            WorkUnit(
                code=code,
                name=f"KPU Provinsi {name}",
                level=WorkUnit.Level.PROVINSI,
                parent=center,
                secretariat_name=f"Sekretariat KPU Provinsi {name}",
                city=name,
            )
            for code, name in PROVINCES
        ]
    )
    regencies = []
    for n in range(REGENCIES):
        province = provinces[n % len(provinces)]
        number = n // len(provinces) + 1
        regencies.append(
            WorkUnit(
                code=f"{province.code}{number:02d}",
                name=f"KPU Kabupaten/Kota {province.code}.{number:02d}",
                level=WorkUnit.Level.KABKOTA,
                parent=province,
                secretariat_name=f"Sekretariat KPU Kabupaten/Kota {province.code}.{number:02d}",
                city=province.city,
            )
        )
    regencies = WorkUnit.objects.bulk_create(regencies)
    return [center, *provinces, *regencies]


def _people(units):
    """Four people per unit; admin and pemantau at the centre: {unit_id: {role: [users]}}."""
    from django.contrib.auth.hashers import make_password

    from simedsos.accounts.models import Membership, User

    password = make_password(PASSWORD)  # one hash for all: hashing 2,200 times takes minutes
    users, roles = [], []
    for unit in units:
        for role, suffix in (("KABAG", ""), ("KASUBBAG", ""), ("STAF", ""), ("STAF", "2")):
            username = f"{role.lower()}{suffix}-{unit.code}"
            users.append(
                User(
                    username=username,
                    password=password,
                    full_name=f"{role.title()} {suffix} {unit.name}".replace("  ", " "),
                    email=f"{username}@bench.test",
                )
            )
            roles.append((unit, role))
    center = units[0]
    for role in ("ADMIN", "PEMANTAU"):
        username = f"{role.lower()}-{center.code}"
        users.append(
            User(username=username, password=password, full_name=username, email=f"{username}@x")
        )
        roles.append((center, role))
    users = User.objects.bulk_create(users)
    Membership.objects.bulk_create(
        [
            Membership(user=u, work_unit=unit, role=role)
            for u, (unit, role) in zip(users, roles, strict=True)
        ]
    )
    people: dict[int, dict[str, list]] = {}
    for user, (unit, role) in zip(users, roles, strict=True):
        people.setdefault(unit.pk, {}).setdefault(role, []).append(user)
    return people


def _accounts(units):
    from simedsos.publishing.models import SocialAccount

    rows = []
    for unit in units:
        rows.append(
            SocialAccount(
                work_unit=unit,
                platform="INSTAGRAM",
                name=f"JDIH {unit.code}",
                handle=f"ig{unit.code}",
            )
        )
        rows.append(
            SocialAccount(
                work_unit=unit,
                platform="FACEBOOK",
                name=f"JDIH {unit.code}",
                handle=f"fb{unit.code}",
            )
        )
    accounts = SocialAccount.objects.bulk_create(rows)
    by_unit: dict[int, list] = {}
    for account in accounts:
        by_unit.setdefault(account.work_unit_id, []).append(account)
    return by_unit


def _sops(units):
    """A published SOP version per unit: draft first, steps, then publish (as the triggers want)."""
    from django.utils import timezone

    from simedsos.sop.models import Sop, SopStep, SopVersion

    sops = Sop.objects.bulk_create(
        [
            Sop(
                code="pengelolaan-media-sosial-jdih",
                work_unit=u,
                title="Pengelolaan Media Sosial JDIH",
            )
            for u in units
        ]
    )
    versions = SopVersion.objects.bulk_create(
        [
            SopVersion(
                sop=sop,
                revision=0,
                status=SopVersion.Status.DRAFT,
                number=f"1176/HK.04-SOP/{unit.code}/2022",
                title="Pengelolaan Media Sosial JDIH",
                actor_columns=ACTOR_COLUMNS,
            )
            for sop, unit in zip(sops, units, strict=True)
        ]
    )
    SopStep.objects.bulk_create(
        [
            SopStep(
                version=version,
                number=number,
                activity=activity,
                actor_role=role,
                kind=kind,
                action=action,
                time_standard_minutes=minutes,
                return_to_number=back,
            )
            for version in versions
            for number, activity, role, kind, action, minutes, back in STEPS
        ]
    )
    SopVersion.objects.filter(pk__in=[v.pk for v in versions]).update(
        status=SopVersion.Status.PUBLISHED, published_at=timezone.now()
    )
    steps: dict[int, dict[int, SopStep]] = {}
    for step in SopStep.objects.filter(version__in=versions):
        steps.setdefault(step.version_id, {})[step.number] = step
    return {
        unit.pk: (version, steps[version.pk]) for unit, version in zip(units, versions, strict=True)
    }


def _legal_products(units):
    from simedsos.content.models import LegalProduct

    rows = [
        LegalProduct(
            work_unit=unit,
            title=title,
            number=number,
            url="https://jdih.kpu.go.id/",
        )
        for unit in units
        for title, number in (
            ("Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum", "7/2017"),
            ("Peraturan KPU Nomor 2 Tahun 2024", "2/2024"),
        )
    ]
    products = LegalProduct.objects.bulk_create(rows)
    by_unit: dict[int, list] = {}
    for product in products:
        by_unit.setdefault(product.work_unit_id, []).append(product)
    return by_unit


class _Numbers:
    """Running memo numbers per unit and year, as memo_issue hands them out."""

    def __init__(self):
        self.last: dict[tuple[int, int], int] = {}

    def next(self, unit, year: int) -> tuple[int, str]:
        key = (unit.pk, year)
        self.last[key] = self.last.get(key, 0) + 1
        seq = self.last[key]
        return seq, f"{seq}/HK.04-ND/{unit.code}/{year}"


class _Writer:
    """Rows straight into tables: COPY on PostgreSQL, executemany on SQLite.

    The ORM's bulk_create spends ~10 microseconds per value preparing it; at 100,000 items
    (about two million rows) that alone would take many minutes on this machine. Rows here are
    dicts of column values with explicit ids; fields not given take the model's default.
    """

    def __init__(self, connection, model):
        self.connection = connection
        self.model = model
        self.fields = [f for f in model._meta.concrete_fields]
        self.columns = [f.column for f in self.fields]
        # Django's own defaults ("" for text fields without one); the id is always given.
        self.defaults = {f.attname: f.get_default() for f in self.fields}
        self.kinds = [
            "json"
            if f.get_internal_type() == "JSONField"
            else "datetime"
            if f.get_internal_type() == "DateTimeField"
            else ""
            for f in self.fields
        ]
        self.attnames = [f.attname for f in self.fields]
        self.rows: list[tuple] = []
        start = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        self.next_id = start + 1

    def new_id(self) -> int:
        value = self.next_id
        self.next_id += 1
        return value

    def add(self, **values) -> int:
        if values.get("id") is None:
            values["id"] = self.new_id()
        sqlite = self.connection.vendor == "sqlite"
        row = []
        for attname, kind in zip(self.attnames, self.kinds, strict=True):
            value = values.get(attname, self.defaults[attname])
            if value is not None:
                if kind == "json":
                    value = json.dumps(value)
                elif kind == "datetime" and sqlite:
                    value = str(value.astimezone(datetime.UTC).replace(tzinfo=None))
            row.append(value)
        self.rows.append(tuple(row))
        return values["id"]

    def flush(self) -> int:
        if not self.rows:
            return 0
        table = self.connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(self.connection.ops.quote_name(c) for c in self.columns)
        with self.connection.cursor() as cursor:
            if self.connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in self.rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({columns}) VALUES ({marks})",  # noqa: S608
                    self.rows,
                )
        written = len(self.rows)
        self.rows = []
        return written


class World:
    """The fixed part of the data set (units, people, accounts, SOPs) and memo counters."""

    def __init__(self, units, people, accounts, sops, products):
        self.units, self.people, self.accounts = units, people, accounts
        self.sops, self.products = sops, products
        self.numbers = _Numbers()


def setup(rng: random.Random) -> World:
    units = _units()
    return World(units, _people(units), _accounts(units), _sops(units), _legal_products(units))


def add_items(world: World, size: int, rng: random.Random, *, units: list | None = None) -> int:
    """Add `size` content items with their history (spread over `units`, default all);
    returns the rows written. Can be called again to grow the same data set (the query-count
    tests do)."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.utils import timezone

    from simedsos.content.models import (
        ContentItem,
        Disposition,
        Draft,
        DraftRevision,
        Review,
        StepRun,
        UploadOrder,
    )
    from simedsos.memos.models import Memo, MemoSequence
    from simedsos.publishing.models import Publication

    now = timezone.now()
    statuses = [s for s, _ in STATUS_MIX]
    weights = [w for _, w in STATUS_MIX]
    models = [
        ContentItem,
        ContentItem.target_accounts.through,
        ContentItem.legal_products.through,
        Memo,
        Disposition,
        UploadOrder,
        Draft,
        DraftRevision,
        Review,
        StepRun,
        Publication,
    ]
    writers = {model: _Writer(connection, model) for model in models}
    # Finished items end before now: their steps take up to a few days after opening.
    span = datetime.timedelta(days=727)
    recent = now - datetime.timedelta(days=3)
    # Oldest first so that ids grow with time, as they do in a live system.
    moments = sorted(recent - span * rng.random() ** 1.3 for _ in range(size))
    written = 0
    w = world
    for chunk_start in range(0, size, CHUNK * 2):
        chunk = moments[chunk_start : chunk_start + CHUNK * 2]
        for opened in chunk:
            _item(
                rng,
                opened,
                now,
                units or w.units,
                w.people,
                w.accounts,
                w.sops,
                w.products,
                w.numbers,
                writers,
                statuses,
                weights,
            )
        with transaction.atomic():
            # Parents before children: the foreign keys are checked row by row on SQLite
            # and at the end of each statement on PostgreSQL.
            for model in models:
                written += writers[model].flush()
        if size >= CHUNK:
            print(f"  {chunk_start + len(chunk):>7} konten", file=sys.stderr, flush=True)
    with transaction.atomic():
        MemoSequence.objects.all().delete()
        MemoSequence.objects.bulk_create(
            [
                MemoSequence(work_unit_id=unit_id, kind="ND", year=year, last_number=last)
                for (unit_id, year), last in w.numbers.last.items()
            ]
        )
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
    return written


def generate(size: int, *, seed: int = 1176) -> dict:
    from django.db import connection, transaction
    from django.db.models import Q

    from simedsos.content.models import (
        ContentItem,
        DraftRevision,
        Review,
        StepRun,
    )
    from simedsos.memos.models import Memo
    from simedsos.publishing.models import Publication

    if ContentItem.objects.exists():
        raise SystemExit("Basis data ini sudah berisi konten: pakai basis data kosong.")
    rng = random.Random(seed)
    started = time.perf_counter()
    timings: dict[str, float] = {}

    with transaction.atomic():
        world = setup(rng)
    timings["setup_s"] = round(time.perf_counter() - started, 2)
    written = add_items(world, size, rng)
    units, people = world.units, world.people
    timings["items_s"] = round(time.perf_counter() - started - timings["setup_s"], 2)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["total_s"] = round(time.perf_counter() - started, 2)

    kalteng = next(u for u in units if u.code == "62")
    staf = people[kalteng.pk]["STAF"][0]
    # The item page's probe: a finished item with a return (the longest history), else any,
    # in the province or its regencies, which the probe Kabag may read (at 1,000 items the
    # province itself may have none).
    mine = ContentItem.objects.filter(work_unit=kalteng).order_by("-id")
    in_scope = ContentItem.objects.filter(
        Q(work_unit=kalteng) | Q(work_unit__parent=kalteng)
    ).order_by("-id")
    sample = (
        mine.filter(status="PUBLISHED", return_count__gt=0).values_list("pk", flat=True).first()
        or mine.filter(status="PUBLISHED").values_list("pk", flat=True).first()
        or in_scope.filter(status="PUBLISHED").values_list("pk", flat=True).first()
        or in_scope.values_list("pk", flat=True).first()
    )
    totals = {
        "units": len(units),
        "users": sum(len(v) for roles in people.values() for v in roles.values()),
        "items": ContentItem.objects.count(),
        "step_runs": StepRun.objects.count(),
        "revisions": DraftRevision.objects.count(),
        "reviews": Review.objects.count(),
        "memos": Memo.objects.count(),
        "publications": Publication.objects.count(),
    }
    return {
        "size": size,
        "database": connection.vendor,
        "rows": totals,
        "rows_written": written,
        "timings": timings,
        "rows_per_second": round(written / max(timings["items_s"], 0.001)),
        "password": PASSWORD,
        "probe": {
            "staf": staf.username,
            "kabag": people[kalteng.pk]["KABAG"][0].username,
            "kasubbag": people[kalteng.pk]["KASUBBAG"][0].username,
            "pemantau": people[units[0].pk]["PEMANTAU"][0].username,
            "unit_id": kalteng.pk,
            "item_id": sample,
        },
    }


def _item(rng, opened, now, units, people, accounts, sops, products, numbers, w, statuses, weights):
    """One content item and everything its history left behind, as rows."""
    from simedsos.content.models import (
        ContentItem,
        Disposition,
        Draft,
        DraftRevision,
        Review,
        StepRun,
        UploadOrder,
    )
    from simedsos.memos.models import Memo, new_verification_code
    from simedsos.publishing.models import Publication

    minute = datetime.timedelta(minutes=1)
    unit = units[rng.randrange(len(units))]
    status = rng.choices(statuses, weights)[0]
    if status not in {"PUBLISHED", "PARTIALLY_PUBLISHED", "NOT_PUBLISHED"}:
        # Work still open is recent: nothing waits in a live queue for a year.
        opened = now - datetime.timedelta(hours=rng.uniform(24 * 3, 24 * 14))
    roles = people[unit.pk]
    staf = rng.choice(roles["STAF"])
    kabag, kasubbag = roles["KABAG"][0], roles["KASUBBAG"][0]
    version, steps = sops[unit.pk]
    returns = 0 if rng.random() < 0.75 else rng.choice([1, 1, 2, 3])
    topic = rng.choice(TOPICS)
    item_id = w[ContentItem].new_id()
    title = f"{topic} #{rng.randrange(1, 10_000)}"
    instruction = f"Buat konten: {topic}. Sertakan tautan ke produk hukum di JDIH."
    unit_accounts = accounts[unit.pk]
    through = w[ContentItem.target_accounts.through]
    for account in unit_accounts:
        through.add(contentitem_id=item_id, socialaccount_id=account.pk)
    if rng.random() < 0.3:
        w[ContentItem.legal_products.through].add(
            contentitem_id=item_id, legalproduct_id=rng.choice(products[unit.pk]).pk
        )

    def memo(kind, at, subject, body):
        seq, number = numbers.next(unit, at.year)
        return w[Memo].add(
            work_unit_id=unit.pk,
            kind=kind,
            number=number,
            sequence_number=seq,
            year=at.year,
            issued_on=at.date(),
            recipient="Staf Subbagian Hukum dan SDM",
            sender="Kepala Bagian TPHPHSDM",
            subject=subject[:300],
            body=body,
            signer_name=kabag.full_name,
            signer_position="Kepala Bagian TPHPHSDM",
            place=unit.city,
            content_item_id=item_id,
            issued_by_id=kabag.pk,
            created_at=at,
            verification_code=new_verification_code(),
            render_status="DONE",
            rendered_at=at,
            carbon_copies=[],
        )

    def run(step, assignee, arrived, finished, actor, outcome, started=None):
        w[StepRun].add(
            item_id=item_id,
            step_id=step.pk,
            assignee_id=assignee.pk if assignee else None,
            actor_role=step.actor_role,
            arrived_at=arrived,
            started_at=started if started is not None else (arrived if finished else None),
            finished_at=finished,
            actor_id=actor.pk if actor else None,
            capacity="" if actor is None else step.actor_role,
            acting_kind="",
            outcome=outcome,
            comment="",
        )

    memo_id = memo("DISPOSITION", opened, f"Pembuatan konten: {title}", instruction)
    w[Disposition].add(
        item_id=item_id,
        memo_id=memo_id,
        given_by_id=kabag.pk,
        capacity="Kepala Bagian TPHPHSDM",
        given_at=opened,
    )
    w[Draft].add(
        item_id=item_id,
        caption=f"{title} — simak selengkapnya di JDIH KPU. #JDIH #KPU",
        variants={"INSTAGRAM": "Versi Instagram: geser untuk membaca."},
        hashtags=["#JDIH", "#KPU"],
        links=["https://jdih.kpu.go.id/"],
        updated_by_id=staf.pk,
        updated_at=opened,
        version=returns + 1,
    )

    # The timeline: step 1, then (draft, submit, review) x (returns + 1), then steps 5 and 6.
    t = opened
    run(steps[1], None, t - minute, t, kabag, "DONE")
    target = {"DRAFTING": 2, "IN_REVIEW": 4, "APPROVED": 5, "UPLOAD_ORDERED": 6}.get(status)
    current, finished_at = None, None
    passes = returns + 1
    for n in range(1, passes + 1):
        last_pass = n == passes
        if target == 2 and last_pass:
            started = t + minute * rng.randint(1, 120) if rng.random() < 0.6 else None
            run(steps[2], staf, t, None, None, "", started=started)
            current = steps[2]
            break
        drafted = t + minute * rng.randint(30, 240)
        run(steps[2], staf, t, drafted, staf, "DONE", started=t + minute)
        submitted = drafted + minute
        run(steps[3], staf, drafted, submitted, staf, "DONE")
        revision_id = w[DraftRevision].add(
            item_id=item_id,
            number=n,
            caption=f"{title} (revisi {n})",
            variants={"INSTAGRAM": "Versi Instagram"},
            hashtags=["#JDIH"],
            links=["https://jdih.kpu.go.id/"],
            media=[],
            submitted_by_id=staf.pk,
            submitted_at=submitted,
        )
        t = submitted
        if target == 4 and last_pass:
            run(steps[4], None, t, None, None, "")
            current = steps[4]
            break
        decided = t + minute * rng.randint(3, 300)
        approved = last_pass
        run(steps[4], None, t, decided, kasubbag, "APPROVED" if approved else "RETURNED", t)
        w[Review].add(
            revision_id=revision_id,
            reviewer_id=kasubbag.pk,
            capacity="Kepala Subbagian Hukum dan SDM",
            decision="APPROVE" if approved else "RETURN",
            comment="" if approved else "Perbaiki keterangan dan tagar.",
            decided_at=decided,
        )
        t = decided
    else:
        if target == 5:
            run(steps[5], None, t, None, None, "")
            current = steps[5]
        else:
            ordered = t + minute * rng.randint(1, 600)
            run(steps[5], None, t, ordered, kabag, "DONE", started=t)
            order_memo = memo(
                "UPLOAD_ORDER",
                ordered,
                f"Perintah pengunggahan: {title}",
                "Unggah konten yang telah disetujui ke akun media sosial JDIH.",
            )
            w[UploadOrder].add(
                item_id=item_id,
                memo_id=order_memo,
                ordered_by_id=kabag.pk,
                capacity="Kepala Bagian TPHPHSDM",
                ordered_at=ordered,
            )
            t = ordered
            if target == 6:
                run(steps[6], staf, t, None, None, "")
                current = steps[6]
                for account in unit_accounts:
                    w[Publication].add(
                        item_id=item_id,
                        account_id=account.pk,
                        idempotency_key=f"bench-{item_id}-{account.pk}",
                    )
            else:
                finished_at = t + minute * rng.randint(1, 120)
                outcome = "NOT_PUBLISHED" if status == "NOT_PUBLISHED" else "DONE"
                run(steps[6], staf, t, finished_at, staf, outcome, started=t)
                for k, account in enumerate(unit_accounts):
                    ok = status == "PUBLISHED" or (status == "PARTIALLY_PUBLISHED" and k == 0)
                    w[Publication].add(
                        item_id=item_id,
                        account_id=account.pk,
                        idempotency_key=f"bench-{item_id}-{account.pk}",
                        status="PUBLISHED" if ok else "NOT_PUBLISHED",
                        url=f"https://www.{account.platform.lower()}.com/p/{item_id}" if ok else "",
                        went_live_at=finished_at if ok else None,
                        reason="" if ok else "Akun sedang dalam pemulihan.",
                        recorded_by_id=staf.pk,
                        recorded_at=finished_at,
                    )
    w[ContentItem].add(
        id=item_id,
        work_unit_id=unit.pk,
        sop_version_id=version.pk,
        title=title,
        instruction=instruction,
        content_type=rng.choice(TYPES),
        priority=rng.choice(["BIASA", "BIASA", "SEGERA", "SANGAT_SEGERA"]),
        deadline=opened + datetime.timedelta(days=rng.randint(1, 7)),
        status=status,
        current_step_id=current.pk if current else None,
        assignee_id=staf.pk,
        created_by_id=kabag.pk,
        created_at=opened,
        finished_at=finished_at,
        return_count=returns,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.dataset")
    parser.add_argument("--size", type=int, default=1000, help="jumlah konten")
    parser.add_argument("--seed", type=int, default=1176)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simedsos.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    result = generate(args.size, seed=args.seed)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
