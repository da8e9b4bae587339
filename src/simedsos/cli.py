"""The `simedsos` command: serve | worker | demo | check | backup | restore, and any manage.py
command (migrate, createsuperuser, ...)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

SUBCOMMAND_ALIASES = {"worker": "db_worker"}


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


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        print("Perintah: serve, worker, demo, check, backup, restore, atau perintah manage.py.")
        return 0
    command, rest = argv[0], argv[1:]
    if command == "serve":
        return serve(rest)
    _django_setup()
    from django.core.management import execute_from_command_line

    name = SUBCOMMAND_ALIASES.get(command, command)
    if command in {"demo", "check", "backup", "restore"}:
        name = f"simedsos_{command}"
    execute_from_command_line(["simedsos", name, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
