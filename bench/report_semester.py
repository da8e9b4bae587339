"""Time to compute a semester report over 1,000,000 step runs on PostgreSQL.

Creates a scratch database next to the configured one (dropped afterwards), migrates it,
builds 550 work units (KPU RI, 38 provinces, 511 regencies) with their SOP, people and
accounts through the ORM, then bulk-generates ~166,667 content items with six step runs each
(1,000,002 runs) and two publications each with `INSERT ... SELECT generate_series`, and times
the report selectors (median of 3 after one cold run):

- a province's report (its own figures plus its regencies side by side);
- a regency's report;
- KPU RI's report (its 38 provinces side by side);
- the step figures of all 550 units at once (every one of the 1,000,002 runs aggregated).

When DATABASE_URL is not PostgreSQL, it runs on the bench's PostgreSQL server (BENCH_PG_URL);
skipped, with the reason in the result, when that is not reachable.
"""

from __future__ import annotations

import datetime
import os
import platform
import statistics
import time

UNITS_PROVINCES = 38
UNITS_REGENCIES = 511
ITEMS = 166_667  # x 6 steps = 1,000,002 step runs
REPEATS = 3
UNUSABLE = "!bench"  # noqa: S105 - not a password: Django's unusable-password marker


def _time(fn) -> dict:
    start = time.perf_counter()
    fn()
    cold = time.perf_counter() - start
    timings = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        fn()
        timings.append(time.perf_counter() - start)
    return {
        "cold_seconds": round(cold, 3),
        "median_seconds": round(statistics.median(timings), 3),
        "runs_seconds": [round(t, 3) for t in timings],
    }


def _build_world() -> list[dict]:
    """Units, people, SOPs and accounts through the ORM; returns one dict per unit."""
    from django.utils import timezone

    from simedsos.accounts.models import Membership, User, WorkUnit
    from simedsos.accounts.roles import Role
    from simedsos.publishing.models import SocialAccount
    from simedsos.publishing.platforms.limits import Platform
    from simedsos.sop.models import Sop, SopStep, SopVersion

    pusat = WorkUnit.objects.create(code="00", name="KPU RI", level=WorkUnit.Level.PUSAT)
    provinces = WorkUnit.objects.bulk_create(
        WorkUnit(code=f"P{n:02d}", name=f"KPU Provinsi {n}", level="PROVINSI", parent=pusat)
        for n in range(UNITS_PROVINCES)
    )
    regencies = WorkUnit.objects.bulk_create(
        WorkUnit(
            code=f"K{n:03d}",
            name=f"KPU Kabupaten/Kota {n}",
            level="KABKOTA",
            parent=provinces[n % UNITS_PROVINCES],
        )
        for n in range(UNITS_REGENCIES)
    )
    units = [pusat, *provinces, *regencies]
    roles = (Role.KABAG, Role.KASUBBAG, Role.STAF)
    users = User.objects.bulk_create(
        # "!" + anything is Django's marker of an unusable password: nobody signs in.
        User(username=f"u{unit.code}-{role}", full_name=f"{role} {unit.code}", password=UNUSABLE)
        for unit in units
        for role in roles
    )
    Membership.objects.bulk_create(
        Membership(user=users[i * 3 + r], work_unit=unit, role=role)
        for i, unit in enumerate(units)
        for r, role in enumerate(roles)
    )
    sops = Sop.objects.bulk_create(
        Sop(code="pengelolaan-media-sosial-jdih", work_unit=u, title="SOP") for u in units
    )
    versions = SopVersion.objects.bulk_create(
        SopVersion(sop=s, number="1176", title="Pengelolaan Media Sosial JDIH") for s in sops
    )
    standards = {1: 1, 2: 60, 3: 1, 4: 5, 5: 1, 6: 1}
    step_roles = {1: "KABAG", 2: "STAF", 3: "STAF", 4: "KASUBBAG", 5: "KABAG", 6: "STAF"}
    SopStep.objects.bulk_create(
        SopStep(
            version=v,
            number=n,
            activity=f"Langkah {n}",
            actor_role=step_roles[n],
            kind="DECISION" if n == 4 else "TASK",
            action="DRAFT",
            time_standard_minutes=standards[n],
            return_to_number=2 if n == 4 else None,
        )
        for v in versions
        for n in range(1, 7)
    )
    SopVersion.objects.update(status="PUBLISHED", published_at=timezone.now())
    accounts = SocialAccount.objects.bulk_create(
        SocialAccount(work_unit=u, platform=p, name=u.code, handle=f"{u.code}-{p}")
        for u in units
        for p in (Platform.INSTAGRAM, Platform.FACEBOOK)
    )
    return [
        {
            "idx": i,
            "unit_id": unit.pk,
            "version_id": versions[i].pk,
            "kabag_id": users[i * 3].pk,
            "kasubbag_id": users[i * 3 + 1].pk,
            "staf_id": users[i * 3 + 2].pk,
            "ig_id": accounts[i * 2].pk,
            "fb_id": accounts[i * 2 + 1].pk,
        }
        for i, unit in enumerate(units)
    ]


GENERATE_SQL = [
    """CREATE TEMP TABLE bench_unit (idx int PRIMARY KEY, unit_id bigint, version_id bigint,
        kabag_id bigint, kasubbag_id bigint, staf_id bigint, ig_id bigint, fb_id bigint)""",
    # Items: opened on working mornings spread over semester I 2026 (Jakarta time).
    """INSERT INTO content_contentitem (work_unit_id, sop_version_id, title, instruction,
        content_type, priority, status, assignee_id, created_by_id, created_at, return_count)
    SELECT u.unit_id, u.version_id, 'Konten ' || g, '-',
        (ARRAY['INFOGRAFIS','VIDEO','KUTIPAN','KUIS','PENGUMUMAN'])[1 + mod(g, 5)], 'BIASA',
        'PUBLISHED', u.staf_id, u.kabag_id,
        TIMESTAMPTZ '2026-01-02 08:00+07' + mod(g, 170) * INTERVAL '1 day'
            + mod(g, 5) * INTERVAL '1 hour',
        CASE WHEN mod(g, 5) = 0 THEN 1 ELSE 0 END
    FROM generate_series(0, %(items)s - 1) g JOIN bench_unit u ON u.idx = mod(g, %(units)s)""",
    # Six runs an item, three hours apart; waiting 0-29 min; working 0.5-2x the standard.
    """INSERT INTO content_steprun (item_id, step_id, assignee_id, actor_role, arrived_at,
        started_at, finished_at, actor_id, capacity, acting_kind, outcome, comment)
    SELECT i.id, st.id, x.actor, st.actor_role, x.arr, x.arr + x.wait, x.arr + x.wait + x.work,
        x.actor, '', '', 'DONE', ''
    FROM content_contentitem i
    JOIN bench_unit u ON u.unit_id = i.work_unit_id
    JOIN sop_sopstep st ON st.version_id = i.sop_version_id
    CROSS JOIN LATERAL (SELECT
        i.created_at + (st.number - 1) * INTERVAL '3 hours' AS arr,
        mod(i.id * 7 + st.number * 13, 30) * INTERVAL '1 minute' AS wait,
        st.time_standard_minutes * (0.5 + mod(i.id * 31 + st.number * 17, 150) / 100.0)
            * INTERVAL '1 minute' AS work,
        CASE st.actor_role WHEN 'KABAG' THEN u.kabag_id WHEN 'KASUBBAG' THEN u.kasubbag_id
            ELSE u.staf_id END AS actor) x""",
    """UPDATE content_contentitem i SET finished_at = r.f
    FROM (SELECT item_id, max(finished_at) AS f FROM content_steprun GROUP BY item_id) r
    WHERE r.item_id = i.id""",
    """INSERT INTO publishing_publication (item_id, account_id, status, method, url,
        external_id, went_live_at, evidence, reason, attempts, checkpoint, error_class,
        error_detail, error_message, idempotency_key, leased_by, media_sent, text_sent)
    SELECT i.id, CASE WHEN p = 0 THEN u.ig_id ELSE u.fb_id END, 'PUBLISHED', 'MANUAL',
        'https://example.test/' || i.id || '/' || p, '', i.finished_at + p * INTERVAL '1 minute',
        '', '', 0, '{}', '', '', '', 'bench-' || i.id || '-' || p, '', '[]', ''
    FROM content_contentitem i JOIN bench_unit u ON u.unit_id = i.work_unit_id
    CROSS JOIN generate_series(0, 1) p""",
    "ANALYZE",
]


def _generate(units: list[dict]) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(GENERATE_SQL[0])
        cursor.executemany(
            "INSERT INTO bench_unit VALUES (%(idx)s, %(unit_id)s, %(version_id)s, %(kabag_id)s,"
            " %(kasubbag_id)s, %(staf_id)s, %(ig_id)s, %(fb_id)s)",
            units,
        )
        for sql in GENERATE_SQL[1:]:
            if "%(" in sql:
                cursor.execute(sql, {"items": ITEMS, "units": len(units)})
            else:
                cursor.execute(sql)
        cursor.execute("SELECT count(*) FROM content_steprun")
        runs = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM content_contentitem")
        items = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM publishing_publication")
        publications = cursor.fetchone()[0]
    return {"step_runs": runs, "items": items, "publications": publications, "units": len(units)}


def _measure() -> dict:
    from simedsos.accounts.models import WorkUnit
    from simedsos.reports.selectors import Period, report_build, step_figures

    semester = Period.semester(2026, 1)
    province = WorkUnit.objects.get(code="P00")
    regency = WorkUnit.objects.get(code="K000")
    pusat = WorkUnit.objects.get(code="00")
    all_ids = list(WorkUnit.objects.values_list("pk", flat=True))
    province_report = report_build(unit=province, period=semester)
    return {
        "province_report": _time(lambda: report_build(unit=province, period=semester))
        | {
            "units_side_by_side": len(province_report.compared_units),
            "runs_in_province_scope": sum(
                f.count for per in province_report.compared_steps.values() for f in per.values()
            ),
        },
        "regency_report": _time(lambda: report_build(unit=regency, period=semester)),
        "kpu_ri_report": _time(lambda: report_build(unit=pusat, period=semester)),
        "all_units_step_figures": _time(lambda: step_figures(unit_ids=all_ids, period=semester)),
    }


def _on_bench_postgresql() -> dict:
    """The configured database is not PostgreSQL (`make bench` defaults to SQLite): run in a
    child process against the bench's PostgreSQL server (BENCH_PG_URL, as http_pages uses)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    admin_url = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
    code = (
        "import django, json; django.setup(); import bench.report_semester as r; "
        "print(json.dumps(r.run()))"
    )
    env = {**os.environ, "DATABASE_URL": f"{admin_url}/postgres"}
    env.pop("REDIS_URL", None)
    completed = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=Path(__file__).resolve().parents[1],
        stdout=subprocess.PIPE,
        text=True,
    )
    if completed.returncode != 0:
        return {"skipped": f"PostgreSQL at {admin_url} (BENCH_PG_URL) not usable"}
    return json.loads(completed.stdout.strip().splitlines()[-1])


def run() -> dict:
    import psycopg
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        return _on_bench_postgresql()
    config = settings.DATABASES["default"]
    original = config["NAME"]
    scratch = f"simedsos_bench_report_{os.getpid()}"
    admin_kwargs = {
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "dbname": original,
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in admin_kwargs.items() if v is not None}) as admin:
        admin.execute(f'CREATE DATABASE "{scratch}"')
    started = time.perf_counter()
    try:
        connections.close_all()
        config["NAME"] = scratch
        connection.settings_dict["NAME"] = scratch
        call_command("migrate", verbosity=0, interactive=False)
        units = _build_world()
        data = _generate(units)
        data["generate_seconds"] = round(time.perf_counter() - started, 1)
        timings = _measure()
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = cursor.fetchone()[0]
    finally:
        connections.close_all()
        config["NAME"] = original
        connection.settings_dict["NAME"] = original
        with psycopg.connect(**{k: v for k, v in admin_kwargs.items() if v is not None}) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    return {
        "what": "semester report (reports.selectors.report_build) over the generated data",
        "data": data,
        "timings": timings,
        "postgresql": server,
        "python": platform.python_version(),
        "machine": f"{os.cpu_count()} CPU",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }
