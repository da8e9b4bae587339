"""Pages over HTTP as production serves them, on SQLite and on PostgreSQL, at two data sizes.

For each database and size: a scratch database filled by bench.dataset; gunicorn with several
workers (as `simedsos serve` starts it) with the bench query header on; a load generator in a
second process (bench._loadgen) on 127.0.0.1 that logs real users in and measures each page:
median and p95 latency with one client, requests per second with a few, SQL queries per
request, and the same for the signed-in home page as the floor (/healthz beside it); then
workflow transitions per second through the services and the worker's throughput
(bench._services); peak RSS of a web worker and of a task worker.

Writes bench/results/<date>-<db>.json for each database and bench/results/<date>-summary.md,
and returns the figures for the runner. Sizes and databases: BENCH_SIZES (default
"1000,100000"), BENCH_DBS (default "sqlite,postgresql"), set by `python -m bench --size/--db`.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS_DIR = BENCH_DIR / "results"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")

WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))
WEB_THREADS = int(os.environ.get("BENCH_WEB_THREADS", "2"))
PLAN = {
    "warmup": 5,
    "latency_seconds": 2.0,
    "min_requests": 30,
    "max_requests": 400,
    "throughput_seconds": 3.0,
    "throughput_clients": 4,
}
SERVICE_CYCLES = 15
WORKER_TASKS = 300

# Targets of issue 7 (at 100,000 items, one client, this 2-core machine).
TARGET_P95_MS = 50
TARGET_MAX_QUERIES = 15
TARGET_FLOOR_RATIO = 0.40
TARGET_RSS_MB = 200

# The pages the issue names, then pages of this build that already exist (figures now).
LISTED_PAGES = ["tugas_saya", "content_list", "item_page", "archive_search", "semester_report"]


def _pages(probe: dict) -> list[dict]:
    item = probe["item_id"]
    return [
        # The floor is the trivial page of the same stack: signed in (session, user, header),
        # the base layout, nothing else. /healthz (no session, no template) is shown beside it.
        {"name": "floor", "path": "/", "user": probe["staf"]},
        {"name": "tugas_saya", "path": "/konten/tugas/", "user": probe["staf"]},
        {
            "name": "content_list",
            "path": "/konten/?status=PUBLISHED&content_type=INFOGRAFIS",
            "user": probe["kabag"],
        },
        {"name": "item_page", "path": f"/konten/{item}/", "user": probe["kabag"]},
        {"name": "archive_search", "path": "/arsip/?q=pemilu", "user": probe["kabag"]},
        {"name": "semester_report", "path": "/laporan/", "user": probe["kabag"]},
        {"name": "healthz", "path": "/healthz", "user": probe["staf"]},
        {"name": "memo_list", "path": "/memos/", "user": probe["kabag"]},
        {"name": "audit_log", "path": "/audit/", "user": probe["pemantau"]},
    ]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _pg(sql: str):
    """One statement on the PostgreSQL server's maintenance database (autocommit)."""
    import psycopg

    with psycopg.connect(f"{PG_ADMIN_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
        cursor = conn.execute(sql)
        return cursor.fetchone() if cursor.description else None


def _machine() -> dict:
    memory_kb = 0
    with open("/proc/meminfo") as handle:
        for line in handle:
            if line.startswith("MemTotal:"):
                memory_kb = int(line.split()[1])
    cpu = ""
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {"python": platform.python_version()}
    for package in ("django", "gunicorn", "psycopg", "httpx", "django-tasks-db"):
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    versions["sqlite"] = __import__("sqlite3").sqlite_version
    try:
        versions["postgresql"] = _pg("SHOW server_version")[0]
    except Exception:  # not reachable: the PostgreSQL runs are skipped and say why
        versions["postgresql"] = None
    return {
        "cores": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": round(memory_kb / 1024 / 1024, 1),
        "os": platform.platform(),
        "load_average_at_start": os.getloadavg(),
        "versions": versions,
    }


def _scratch_database(db: str, size: int, workdir: Path) -> str:
    if db == "sqlite":
        return f"sqlite:///{workdir / f'bench-{size}.sqlite3'}"
    name = f"simedsos_bench_{size}"
    _pg(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    _pg(f'CREATE DATABASE "{name}"')
    return f"{PG_ADMIN_URL}/{name}"


def _drop_database(db: str, size: int) -> None:
    if db == "postgresql":
        _pg(f'DROP DATABASE IF EXISTS "simedsos_bench_{size}" WITH (FORCE)')


def _env(database_url: str, workdir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "STORAGE_URL", "DEBUG"}
    }
    env.update(
        {
            "DATABASE_URL": database_url,
            "SIMEDSOS_VAR_DIR": str(workdir / "var"),
            "SIMEDSOS_BENCH_QUERY_HEADER": "1",
            "TASKS_BACKEND": "django_tasks_db.DatabaseBackend",
            "PYTHONPATH": str(PROJECT_DIR),
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def _json_from(command: list[str], env: dict[str, str], stdin: str | None = None) -> dict:
    completed = subprocess.run(
        command,
        env=env,
        cwd=PROJECT_DIR,
        input=stdin,
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _peak_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as handle:
            for line in handle:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def _serve(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    port = _free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "simedsos.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(WEB_WORKERS),
            "--threads",
            str(WEB_THREADS),
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=PROJECT_DIR,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                return process, base
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        time.sleep(0.3)
    os.killpg(process.pid, signal.SIGKILL)
    raise RuntimeError("gunicorn did not answer within 60 s")


def _one(db: str, size: int, workdir: Path) -> dict:
    url = _scratch_database(db, size, workdir)
    env = _env(url, workdir)
    try:
        print(f"  {db} {size}: data set", flush=True)
        dataset = _json_from([sys.executable, "-m", "bench.dataset", "--size", str(size)], env)
        print(f"  {db} {size}: pages over HTTP", flush=True)
        process, base = _serve(env)
        try:
            plan = {
                **PLAN,
                "base": base,
                "password": dataset["password"],
                "pages": _pages(dataset["probe"]),
            }
            pages = _json_from([sys.executable, "-m", "bench._loadgen"], env, json.dumps(plan))
            workers = _children(process.pid)
            web_rss = {
                "gunicorn_master_mb": _peak_rss_mb(process.pid),
                "web_worker_max_mb": max(
                    (r for r in map(_peak_rss_mb, workers) if r is not None), default=None
                ),
                "web_workers": len(workers),
            }
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        print(f"  {db} {size}: services and worker", flush=True)
        services = _json_from(
            [sys.executable, "-m", "bench._services", str(SERVICE_CYCLES), str(WORKER_TASKS)], env
        )
    finally:
        _drop_database(db, size)
    floor_rps = pages["floor"].get("rps") or 0
    for name, page in pages.items():
        if page.get("available") and name != "floor" and floor_rps:
            page["floor_ratio"] = round(page["rps"] / floor_rps, 3)
    return {
        "size": size,
        "dataset": {k: dataset[k] for k in ("rows", "rows_written", "timings", "rows_per_second")},
        "server": {"workers": WEB_WORKERS, "threads": WEB_THREADS, "worker_class": "gthread"},
        "pages": pages,
        "memory": {**web_rss, "task_worker_mb": services["worker"]["peak_rss_mb"]},
        "transitions": services["transitions"],
        "worker": services["worker"],
    }


def _available_dbs(requested: list[str]) -> tuple[list[str], dict[str, str]]:
    skipped = {}
    dbs = []
    for db in requested:
        if db == "postgresql":
            try:
                _pg("SELECT 1")
            except Exception as exc:  # any failure to connect means: not run, and why
                skipped[db] = f"PostgreSQL not reachable at {PG_ADMIN_URL} (BENCH_PG_URL): {exc}"
                continue
        dbs.append(db)
    return dbs, skipped


def run() -> dict:
    sizes = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,100000").split(",") if s]
    requested = [d for d in os.environ.get("BENCH_DBS", "sqlite,postgresql").split(",") if d]
    dbs, skipped = _available_dbs(requested)
    machine = _machine()
    today = datetime.date.today().isoformat()
    started = time.perf_counter()
    results: dict[str, dict] = {}
    files = []
    with tempfile.TemporaryDirectory(prefix="simedsos-bench-") as tmp:
        for db in dbs:
            runs = {}
            for size in sizes:
                workdir = Path(tmp) / f"{db}-{size}"
                workdir.mkdir()
                runs[str(size)] = _one(db, size, workdir)
            results[db] = {
                "benchmark": "http_pages",
                "date": today,
                "database": db,
                "machine": machine,
                "plan": PLAN,
                "sizes": runs,
            }
            path = RESULTS_DIR / f"{today}-{db}.json"
            path.write_text(json.dumps(results[db], indent=2, ensure_ascii=False) + "\n")
            files.append(str(path.relative_to(PROJECT_DIR)))
    elapsed = round(time.perf_counter() - started, 1)
    machine["load_average_at_end"] = os.getloadavg()
    # The runner writes the readable summary (bench.summary) once every benchmark has run.
    return {
        "files": files,
        "seconds": elapsed,
        "skipped": skipped,
        "sizes": sizes,
        "databases": list(results),
        "machine": machine,
    }
