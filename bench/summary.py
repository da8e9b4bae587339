"""The readable summary of a bench run: every figure against its target (issue 7).

Written by the runner (`python -m bench`) after every benchmark has run, from the result
files of the day in bench/results/; a benchmark not run today is reported from its newest
file, with that file's date.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path

from bench.http_pages import (
    LISTED_PAGES,
    TARGET_FLOOR_RATIO,
    TARGET_MAX_QUERIES,
    TARGET_P95_MS,
    TARGET_RSS_MB,
)

RESULTS_DIR = Path(__file__).resolve().parent / "results"
TARGET_REPORT_SECONDS = 2.0
TARGET_FANOUT_RATIO = 1.5


def _verdict(value: float | None, target: float, *, lower_is_better: bool = True) -> str:
    if value is None:
        return "–"
    if lower_is_better:
        if value <= target:
            return "met"
        return f"missed by {value - target:.1f} ({value / target:.1f}x)"
    if value >= target:
        return "met"
    return f"missed by {target - value:.2f}"


def _pages_section(
    results: dict, machine: dict, sizes: list[int], elapsed: float, skipped
) -> list[str]:
    big, small = str(max(sizes)), str(min(sizes))
    first = next(iter(results.values()))
    server, plan = first["sizes"][big]["server"], first["plan"]
    lines = [
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gb']} GB memory, "
        f"{machine['os']}; load average at start {_load(machine['load_average_at_start'])}, "
        f"at end {_load(machine.get('load_average_at_end'))} (above the core count means "
        "other work shared the machine and the figures are pessimistic).",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in machine["versions"].items()) + ".",
        f"Server: gunicorn gthread, {server['workers']} workers x {server['threads']} threads, "
        "DEBUG off, "
        "sessions in the database; load generator: a second process on 127.0.0.1 "
        f"(latency: 1 client, >= {plan['latency_seconds']} s; throughput: "
        f"{plan['throughput_clients']} clients, {plan['throughput_seconds']} s).",
        f"Page bench: {elapsed / 60:.1f} minutes. Sizes: {', '.join(sizes_str(sizes))} content "
        "items across 550 work units.",
        "",
    ]
    for db, why in skipped.items():
        lines += [f"**{db}: not run** — {why}.", ""]
    for db, result in results.items():
        runs = result["sizes"]
        lines += [f"## {db}", ""]
        for size in (small, big) if small != big else (big,):
            data = runs[size]["dataset"]
            lines.append(
                f"- Data set {int(size):,}: {data['rows_written']:,} rows in "
                f"{data['timings']['total_s']} s ({data['rows_per_second']:,} rows/s)."
            )
        lines += [
            "",
            f"| page | p95 ms @{int(big):,} (target < {TARGET_P95_MS}) | median ms | queries "
            f"@{int(small):,} / @{int(big):,} (target same, <= {TARGET_MAX_QUERIES}) | rps | "
            f"share of floor (target >= {TARGET_FLOOR_RATIO:.0%}) |",
            "|---|---|---|---|---|---|",
        ]
        for name in ["floor", *LISTED_PAGES, "healthz", "memo_list", "audit_log"]:
            page = runs[big]["pages"].get(name, {})
            page_small = runs[small]["pages"].get(name, {})
            label = {"floor": "floor (home page, signed in)", "healthz": "/healthz (extra)"}.get(
                name, name if name in LISTED_PAGES else f"{name} (extra)"
            )
            if not page.get("available"):
                lines.append(f"| {label} | not available ({page.get('note', '')}) | | | | |")
                continue
            q_small, q_big = page_small.get("queries"), page.get("queries")
            same = q_small == q_big and q_big is not None and q_big <= TARGET_MAX_QUERIES
            queries = f"{q_small} / {q_big} — " + (
                "met" if same else ("grows" if q_small != q_big else "over 15")
            )
            ratio = page.get("floor_ratio")
            lines.append(
                f"| {label} | {page['p95_ms']} — {_verdict(page['p95_ms'], TARGET_P95_MS)} | "
                f"{page['median_ms']} | {queries} | {page['rps']} | "
                + (
                    f"{ratio:.0%} — {_verdict(ratio, TARGET_FLOOR_RATIO, lower_is_better=False)}"
                    if ratio is not None
                    else "(floor)"
                )
                + " |"
            )
        memory = runs[big]["memory"]
        transitions = runs[big]["transitions"]
        worker = runs[big]["worker"]
        worst_queries = max(transitions["queries_per_transition"].values())
        lines += [
            "",
            f"- Workflow transitions through the services @{int(big):,}: "
            f"{transitions['transitions_per_second']}/s "
            f"({transitions['transitions']} transitions in {transitions['seconds']} s); "
            f"most queries in one transition: {worst_queries} "
            f"({_verdict(worst_queries, 12)} against the design's <= 12); per service: "
            + ", ".join(f"{k} {v}" for k, v in transitions["queries_per_transition"].items())
            + ".",
            f"- Worker: {worker['noop_tasks_per_second']} no-op tasks/s (queue overhead), "
            f"{worker['memo_renders_per_second']} memo PDF renders/s (publications: see "
            "Other benchmarks).",
            f"- Peak RSS: web worker {memory['web_worker_max_mb']} MB "
            f"({_verdict(memory['web_worker_max_mb'], TARGET_RSS_MB)} < {TARGET_RSS_MB} MB), "
            f"gunicorn master {memory['gunicorn_master_mb']} MB, task worker "
            f"{memory['task_worker_mb']} MB "
            f"({_verdict(memory['task_worker_mb'], TARGET_RSS_MB)} < {TARGET_RSS_MB} MB).",
            "",
        ]
    return lines


def _load(values) -> str:
    return " / ".join(f"{v:.1f}" for v in values) if values else "?"


def sizes_str(sizes: list[int]) -> list[str]:
    return [f"{s:,}" for s in sizes]


def _newest(name: str, today: str) -> dict | None:
    """Today's result of a benchmark, else its newest file (None when it never ran)."""
    exact = RESULTS_DIR / f"{today}-{name}.json"
    if exact.exists():
        return json.loads(exact.read_text())
    found = sorted(RESULTS_DIR.glob(f"*-{name}.json"))
    return json.loads(found[-1].read_text()) if found else None


def _others_section(today: str) -> list[str]:
    lines = ["## Other benchmarks", ""]
    report = _newest("report_semester", today)
    if report and "skipped" in report:
        lines.append(f"- Semester report over 1,000,000 step runs: not run — {report['skipped']}.")
    elif report:
        t = report["timings"]
        worst = max(
            t["regency_report"]["median_seconds"],
            t["province_report"]["median_seconds"],
            t["kpu_ri_report"]["median_seconds"],
        )
        lines.append(
            f"- Semester report over {report['data']['step_runs']:,} step runs on PostgreSQL "
            f"({report['date']}): one regency {t['regency_report']['median_seconds']} s, a "
            f"province with its regencies {t['province_report']['median_seconds']} s, KPU RI "
            f"{t['kpu_ri_report']['median_seconds']} s (median; target < "
            f"{TARGET_REPORT_SECONDS:.0f} s: {_verdict(worst, TARGET_REPORT_SECONDS)}); every "
            f"unit at once {t['all_units_step_figures']['median_seconds']} s. The report page "
            "serves a built report from the cache until an event happens in its units."
        )
    fanout = _newest("publish_fanout", today)
    if fanout:
        lines.append(
            f"- Publishing ({fanout['date']}): one item to all eight fakes, each answering after "
            f"{fanout['delay_per_request_ms']:.0f} ms per request, in "
            f"{fanout['fanout_8_platforms_ms_median']} ms against "
            f"{fanout['slowest_single_platform_ms']} ms for the slowest platform alone: "
            f"{fanout['fanout_over_slowest']}x (target <= {TARGET_FANOUT_RATIO}: "
            f"{_verdict(fanout['fanout_over_slowest'], TARGET_FANOUT_RATIO)}). Worker "
            f"publications: a batch of {fanout['batch_publications']:,} in "
            f"{fanout['batch_seconds']} s, {fanout['batch_publications_per_second']}/s with "
            f"{fanout['batch_workers']} concurrent jobs."
        )
    archive = _newest("archive_search", today)
    if archive:
        parts = [
            f"{db} median {r['median_ms']} ms / p95 {r['p95_ms']} ms"
            for db, r in archive["databases"].items()
        ]
        items = next(iter(archive["databases"].values()))["items"]
        lines.append(
            f"- Archive search through the selector at {items:,} items ({archive['date']}): "
            + "; ".join(parts)
            + "."
        )
    memo = _newest("memo_render", today)
    if memo:
        lines.append(
            f"- Memo PDF render ({memo['date']}): one page {memo['one_page_median_s']} s, three "
            f"pages {memo['three_page_median_s']} s, PDF/A {memo['one_page_pdfa_median_s']} s "
            "(median)."
        )
    return [*lines, ""]


def write(today: str | None = None, *, total_seconds: float | None = None) -> Path | None:
    """Write bench/results/<today>-summary.md; None when the page bench did not run today."""
    today = today or datetime.date.today().isoformat()
    pages = RESULTS_DIR / f"{today}-http_pages.json"
    if not pages.exists():
        return None
    run = json.loads(pages.read_text())
    results = {
        db: json.loads((RESULTS_DIR / f"{today}-{db}.json").read_text()) for db in run["databases"]
    }
    lines = [f"# Bench summary — {today}", ""]
    whole_run = RESULTS_DIR / f"{today}-make_bench.json"
    if total_seconds is not None:
        # Only a default run (every benchmark) times `make bench` as a whole.
        whole_run.write_text(json.dumps({"seconds": round(total_seconds, 1)}) + "\n")
    elif whole_run.exists():
        total_seconds = json.loads(whole_run.read_text())["seconds"]
    if total_seconds is not None:
        lines += [
            f"`make bench` took {total_seconds / 60:.1f} minutes (target < 20: "
            f"{_verdict(total_seconds / 60, 20)}).",
            "",
        ]
    if results:
        lines += _pages_section(
            results, run["machine"], run["sizes"], run["seconds"], run["skipped"]
        )
    lines += _others_section(today)
    lines += [
        "Figures come from one run on one machine: compare sizes and databases within one run "
        "rather than across runs. A load average above the core count means other work "
        "shared the machine.",
        "",
    ]
    path = RESULTS_DIR / f"{today}-summary.md"
    path.write_text("\n".join(lines))
    return path
