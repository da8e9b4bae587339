"""Archive search latency with N finished items (default 100,000; ARCHIVE_BENCH_SIZE).

Builds a fresh database of the current DATABASE_URL kind (SQLite file or a new PostgreSQL
database next to the configured one), bulk-loads N items with their archive entries, people
and packages straight into the tables, builds the full-text index (FTS5 or tsvector + GIN) and
times 20 representative searches through `archive_search`, each as the archive page runs it:
the count plus the first page of 25 rows. The database is dropped afterwards.

One run measures one database kind; run it once with each DATABASE_URL. The figures of the
other kind measured the same day are kept in the result file, so it reports both.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import random
import statistics
import tempfile
import time
from pathlib import Path

# The archive search page is measured over HTTP at 100,000 items on both databases by
# http_pages; this selector-only run stays available by name: `python -m bench archive_search`.
IN_DEFAULT_RUN = False
REPEATS = 5
PAGE = 25
BATCH = 5000
RESULTS_DIR = Path(__file__).resolve().parent / "results"

TOPICS = [
    "Pemilu",
    "Pilkada",
    "Kampanye",
    "Pemungutan Suara",
    "Daftar Pemilih",
    "Partai Politik",
    "Dana Kampanye",
    "Sengketa Proses",
    "Penghitungan Suara",
    "Rekapitulasi",
    "Pencalonan",
    "Logistik",
    "Badan Adhoc",
    "Pengawasan",
    "Partisipasi Masyarakat",
    "Disabilitas",
]
KINDS = ["Infografis", "Video", "Kutipan", "Kuis", "Ucapan", "Pengumuman"]
WORDS = (
    "kenali aturan tahapan penyelenggaraan jadwal pemilih pemilu serentak tahun hak suara "
    "warga negara wajib terdaftar lokasi tps surat undangan identitas kartu tanda penduduk "
    "elektronik ketentuan larangan sanksi peserta calon anggota dewan perwakilan rakyat daerah "
    "kabupaten kota provinsi komisi pemilihan umum jaringan dokumentasi informasi hukum jdih"
).split()
LEGAL = [
    ("Undang-Undang", "UU"),
    ("Peraturan KPU", "PKPU"),
    ("Keputusan KPU", "Kepkpu"),
    ("Peraturan Pemerintah", "PP"),
]
CONTENT_TYPES = ["INFOGRAFIS", "VIDEO", "KUTIPAN", "KUIS", "UCAPAN", "PENGUMUMAN", "LAINNYA"]
PLATFORMS = ["FACEBOOK", "INSTAGRAM", "X", "YOUTUBE", "TIKTOK", "THREADS", "TELEGRAM", "BLUESKY"]
STATUSES = ["PUBLISHED"] * 8 + ["PARTIALLY_PUBLISHED"] + ["NOT_PUBLISHED"]


def _fresh_database():
    """Point the default connection at a new, migrated database; returns a cleanup function."""
    from django.conf import settings
    from django.db import connection

    vendor = connection.vendor
    name = settings.DATABASES["default"]["NAME"]
    if vendor == "sqlite":
        folder = tempfile.mkdtemp(prefix="simedsos-bench-")
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
            Path(folder) / "archive.sqlite3"
        )
    else:
        settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = f"{name}_bench_archive"
    connection.settings_dict["TEST"] = settings.DATABASES["default"]["TEST"]
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    return lambda: connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)


def _load(n: int, rng: random.Random):
    from django.utils import timezone

    from simedsos.accounts.models import Membership, User, WorkUnit
    from simedsos.archive.models import ArchiveEntry, ArchiveEntryPerson, DocumentationPackage
    from simedsos.archive.search import index_all
    from simedsos.content.models import ContentItem
    from simedsos.sop.models import Sop, SopVersion

    unit = WorkUnit.objects.create(
        code="62", name="KPU Provinsi Kalimantan Tengah", level="PROVINSI"
    )
    admin = User.objects.create_user(username="admin-bench", full_name="Admin Bench")
    Membership.objects.create(user=admin, work_unit=unit, role="ADMIN")
    staff = [
        User.objects.create_user(username=f"staf{i}", full_name=f"Staf {i}") for i in range(20)
    ]
    sop = Sop.objects.create(code="medsos", work_unit=unit, title="Pengelolaan Media Sosial JDIH")
    version = SopVersion.objects.create(sop=sop, number="1176/2022", title="Pengelolaan Medsos")
    now = timezone.now()
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows = []
        for _ in range(size):
            topic = rng.choice(TOPICS)
            legal_kind, legal_short = rng.choice(LEGAL)
            number, year = rng.randint(1, 40), rng.randint(2010, 2026)
            opened = now - datetime.timedelta(days=rng.uniform(0, 5 * 365))
            finished = opened + datetime.timedelta(hours=rng.uniform(1, 72))
            rows.append(
                {
                    "title": f"{rng.choice(KINDS)} {topic} {rng.choice(WORDS).title()}",
                    "body": " ".join(rng.choices(WORDS, k=40))
                    + f" #JDIH #{topic.replace(' ', '')}",
                    "legal": f"{legal_kind} Nomor {number} Tahun {year} {legal_short} "
                    f"{number}/{year}",
                    "type": rng.choice(CONTENT_TYPES),
                    "status": rng.choice(STATUSES),
                    "opened": opened,
                    "finished": finished,
                    "platforms": " "
                    + " ".join(sorted(rng.sample(PLATFORMS, rng.randint(1, 4))))
                    + " ",
                    "staff": rng.choice(staff),
                }
            )
        items = ContentItem.objects.bulk_create(
            [
                ContentItem(
                    work_unit=unit,
                    sop_version=version,
                    title=r["title"],
                    instruction="-",
                    content_type=r["type"],
                    status=r["status"],
                    assignee=r["staff"],
                    created_by=admin,
                    finished_at=r["finished"],
                )
                for r in rows
            ]
        )
        entries = ArchiveEntry.objects.bulk_create(
            [
                ArchiveEntry(
                    item=item,
                    work_unit=unit,
                    title=r["title"],
                    body=r["body"],
                    legal=r["legal"],
                    content_type=r["type"],
                    status=r["status"],
                    opened_at=r["opened"],
                    finished_at=r["finished"],
                    platforms=r["platforms"],
                    return_count=rng.randint(0, 2),
                    lead_time_seconds=int((r["finished"] - r["opened"]).total_seconds()),
                )
                for item, r in zip(items, rows, strict=True)
            ]
        )
        ArchiveEntryPerson.objects.bulk_create(
            [
                ArchiveEntryPerson(entry=e, user=r["staff"])
                for e, r in zip(entries, rows, strict=True)
            ]
            + [ArchiveEntryPerson(entry=e, user=admin) for e in entries]
        )
        DocumentationPackage.objects.bulk_create(
            [DocumentationPackage(item=item, status="DONE") for item in items]
        )
        done += size
    start = time.perf_counter()
    index_all()
    index_seconds = time.perf_counter() - start
    from django.db import connection

    if connection.vendor == "postgresql":
        # What autovacuum does soon after a load: statistics for the planner, visibility map.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return admin, staff, index_seconds


def _queries(staff) -> list[tuple[str, dict]]:
    today = datetime.date.today()
    year_ago = today - datetime.timedelta(days=365)
    return [
        ("first page, no filter", {}),
        ("common word", {"q": "pemilu"}),
        ("rare word", {"q": "disabilitas"}),
        ("two words", {"q": "kampanye dana"}),
        ("prefix", {"q": "rekap"}),
        ("legal product", {"q": "PKPU 7"}),
        ("legal number", {"q": "7/2019"}),
        ("no match", {"q": "tidakadasamasekali"}),
        ("special characters", {"q": '"pemilu* OR (kampanye'}),
        ("three words", {"q": "infografis pemungutan suara"}),
        ("content type", {"content_type": "VIDEO"}),
        ("platform", {"platform": "TIKTOK"}),
        ("status", {"status": "NOT_PUBLISHED"}),
        ("person", {"person_ids": frozenset({staff[3].pk})}),
        ("last year", {"date_from": year_ago, "date_to": today}),
        ("word + type", {"q": "pemilu", "content_type": "INFOGRAFIS"}),
        ("word + platform", {"q": "kampanye", "platform": "INSTAGRAM"}),
        ("word + person", {"q": "logistik", "person_ids": frozenset({staff[5].pk})}),
        ("word + period", {"q": "pilkada", "date_from": year_ago, "date_to": today}),
        (
            "everything",
            {
                "q": "pemilu",
                "content_type": "KUIS",
                "platform": "FACEBOOK",
                "status": "PUBLISHED",
                "date_from": year_ago,
            },
        ),
    ]


def _measure(user, staff) -> tuple[list[float], dict[str, dict]]:
    from simedsos.archive.selectors import ArchiveFilters, archive_search

    samples: list[float] = []
    per_query: dict[str, dict] = {}
    for label, filters in _queries(staff):
        timings, count = [], 0
        for attempt in range(REPEATS + 1):
            start = time.perf_counter()
            qs = archive_search(user, ArchiveFilters(**filters))
            count = qs.count()
            rows = list(qs[:PAGE])
            elapsed = time.perf_counter() - start
            if attempt:  # the first run warms the caches
                timings.append(elapsed)
            assert len(rows) == min(PAGE, count)
        samples += timings
        per_query[label] = {"median_ms": round(statistics.median(timings) * 1000, 2), "hits": count}
    return samples, per_query


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def run() -> dict:
    from django.db import connection

    n = int(os.environ.get("ARCHIVE_BENCH_SIZE", "100000"))
    vendor = connection.vendor
    cleanup = _fresh_database()
    try:
        start = time.perf_counter()
        admin, staff, index_seconds = _load(n, random.Random(62))
        load_seconds = time.perf_counter() - start
        samples, per_query = _measure(admin, staff)
        server = connection.cursor().connection
        version = getattr(server, "info", None)
        engine = (
            f"PostgreSQL {version.server_version // 10000}.{version.server_version % 10000}"
            if vendor == "postgresql" and version
            else f"SQLite {__import__('sqlite3').sqlite_version}"
        )
    finally:
        cleanup()
    measured = {
        "engine": engine,
        "date": datetime.date.today().isoformat(),
        "items": n,
        "queries": len(per_query),
        "repeats": REPEATS,
        "load_s": round(load_seconds, 1),
        "index_build_s": round(index_seconds, 1),
        "median_ms": round(statistics.median(samples) * 1000, 2),
        "p95_ms": round(_p95(samples) * 1000, 2),
        "max_ms": round(max(samples) * 1000, 2),
        "per_query": per_query,
    }
    # Keep the other database kind's figures from an earlier run today.
    earlier = RESULTS_DIR / f"{datetime.date.today().isoformat()}-archive_search.json"
    databases = {}
    if earlier.exists():
        try:
            databases = json.loads(earlier.read_text()).get("databases", {})
        except ValueError:
            databases = {}
    databases[vendor] = measured
    return {
        "machine": f"{platform.machine()} {platform.python_version()}",
        "what": "archive_search(): count + first page of 25, through the selector",
        "databases": dict(sorted(databases.items())),
    }
