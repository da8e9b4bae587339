"""The `simedsos` command: serve | worker | demo | check | backup | restore | rotate_credentials,
and any manage.py command (migrate, createsuperuser, ...)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable

SUBCOMMAND_ALIASES = {"worker": "db_worker"}  # `worker` itself goes through worker()
# `simedsos <name>` runs the project's management command `simedsos_<name>`.
OWN_COMMANDS = {"demo", "check", "backup", "restore", "rotate_credentials"}


def _django_setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simedsos.settings")
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    """Migrate, load the seed SOP if missing, then run the web server and one worker."""
    import argparse

    parser = argparse.ArgumentParser(prog="simedsos serve")
    parser.add_argument("--bind", default=os.environ.get("BIND", "127.0.0.1:8000"))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_WORKERS", "1")))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("WEB_THREADS", "8")))
    parser.add_argument("--no-worker", action="store_true", help="jangan jalankan pekerja latar")
    args = parser.parse_args(argv)

    _django_setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    call_command("simedsos_seed", verbosity=0)

    children: list[subprocess.Popen] = []
    if not args.no_worker:
        children.append(subprocess.Popen([sys.executable, "-m", "simedsos.cli", "worker"]))
    web = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "simedsos.wsgi:application",
            "--bind",
            args.bind,
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--worker-class",
            "gthread",
            "--access-logfile",
            "-",
        ]
    )
    children.append(web)
    print(f"SIMEDSOS JDIH berjalan di http://{args.bind}/  (Ctrl+C untuk berhenti)", flush=True)

    def stop(*_: object) -> None:
        for child in children:
            if child.poll() is None:
                child.terminate()

    signal.signal(signal.SIGTERM, stop)
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        stop()
        for child in children:
            child.wait(timeout=30)


def periodic_jobs() -> list[tuple[str, Callable[[], int]]]:
    """The checks the worker runs on a timer: (what it is, in Indonesian; the function).

    Each is idempotent (notifications are de-duplicated), so several workers may run them.
    """
    from simedsos.content.overdue import overdue_sweep
    from simedsos.monev.services import monev_reminders_due
    from simedsos.publishing.jobs import publications_due_sweep

    return [
        ("langkah terlambat", overdue_sweep),
        ("pengingat monev SOP", monev_reminders_due),
        # Re-enqueues publications whose retry time came or whose worker died (lease expired).
        ("unggahan jatuh tempo", publications_due_sweep),
    ]


def sweep_loop(*, interval: float, stop: threading.Event, runs: int | None = None) -> None:
    """Run the periodic checks every `interval` seconds until `stop` is set.

    A failing check is logged and retried at the next tick: one bad row or a database hiccup
    must not stop the reminders for good, nor the other checks. Several workers may sweep at
    once; each check claims its rows in its own transactions, so nobody is notified twice.
    """
    from django.db import close_old_connections, connection

    log = logging.getLogger("simedsos.sweep")
    jobs = periodic_jobs()
    done = 0
    while not stop.is_set():
        for label, job in jobs:
            try:
                close_old_connections()
                count = job()
                if count:
                    log.info("Sapuan %s: %d ditangani.", label, count)
            except Exception:
                log.exception("Sapuan %s gagal; dicoba lagi pada putaran berikutnya.", label)
        connection.close()
        done += 1
        if runs is not None and done >= runs:
            return
        stop.wait(interval)


def worker(argv: list[str]) -> int:
    """`simedsos worker`: the task queue worker (db_worker), plus the periodic sweep in a thread.

    SWEEP_INTERVAL_SECONDS (default 60; 0 turns the sweep off, e.g. when cron runs
    `simedsos simedsos_sweep` instead) sets how often the overdue check runs.
    """
    _django_setup()
    from django.core.management import execute_from_command_line

    interval = float(os.environ.get("SWEEP_INTERVAL_SECONDS", "60"))
    if interval > 0:
        # Daemon: db_worker owns the process's signals and its exit; the sweep just stops.
        threading.Thread(
            target=sweep_loop,
            kwargs={"interval": interval, "stop": threading.Event()},
            name="simedsos-sweep",
            daemon=True,
        ).start()
    execute_from_command_line(["simedsos", "db_worker", *argv])
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        print(
            "Perintah: serve, worker, demo, check, backup, restore, rotate_credentials, atau "
            "perintah manage.py."
        )
        return 0
    command, rest = argv[0], argv[1:]
    if command == "serve":
        return serve(rest)
    if command == "worker":
        return worker(rest)
    _django_setup()
    from django.core.management import execute_from_command_line

    name = SUBCOMMAND_ALIASES.get(command, command)
    if command in OWN_COMMANDS:
        name = f"simedsos_{command}"
    execute_from_command_line(["simedsos", name, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
