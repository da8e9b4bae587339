"""Run benchmarks: `python -m bench [--size N[,N]] [--db sqlite,postgresql] [name ...]`
(default: every bench/*.py module that has a run() and does not set IN_DEFAULT_RUN = False;
--size/--db set BENCH_SIZES/BENCH_DBS).

Each module exposes run() -> dict of results; the runner writes them to
bench/results/<date>-<name>.json and prints them.
"""

from __future__ import annotations

import datetime
import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
RESULTS_DIR = BENCH_DIR / "results"


def main(argv: list[str]) -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--size", help="data set sizes, e.g. 1000,100000")
    parser.add_argument("--db", help="databases, e.g. sqlite,postgresql")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args(argv)
    if args.size:
        os.environ["BENCH_SIZES"] = args.size
    if args.db:
        os.environ["BENCH_DBS"] = args.db
    argv = args.names
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simedsos.settings")
    import django

    django.setup()
    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(BENCH_DIR)]) if not m.name.startswith("_")
    )
    RESULTS_DIR.mkdir(exist_ok=True)
    started = time.perf_counter()
    today = datetime.date.today().isoformat()
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        if not hasattr(module, "run"):  # a helper (e.g. the data set generator)
            continue
        if not argv and not getattr(module, "IN_DEFAULT_RUN", True):
            continue  # run by name only (its figures are covered by another benchmark)
        print(f"== {name}", flush=True)
        result = module.run()
        result = {"benchmark": name, "date": today, **result}
        path = RESULTS_DIR / f"{today}-{name}.json"
        path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
        print(json.dumps(result, indent=2, ensure_ascii=False))
        print(f"-> {path.relative_to(BENCH_DIR.parent)}", flush=True)
    from bench import summary

    # A run of named benchmarks keeps the last whole run's time in the summary.
    total = None if argv else time.perf_counter() - started
    written = summary.write(today, total_seconds=total)
    if written:
        print(f"-> {written.relative_to(BENCH_DIR.parent)}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
