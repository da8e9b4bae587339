"""`simedsos serve` starts the real stack (gunicorn + background worker) and serves pages."""

import os
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    port = _free_port()
    env = {**os.environ, "SIMEDSOS_VAR_DIR": str(tmp_path / "var")}
    if "DATABASE_URL" not in os.environ:
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'serve.sqlite3'}"
    process = subprocess.Popen(
        [sys.executable, "-m", "simedsos.cli", "serve", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            httpx.get(f"{base}/akun/masuk/", timeout=2)
            break
        except httpx.TransportError:
            if process.poll() is not None:
                pytest.fail(f"serve stopped early:\n{process.stdout.read()}")
            time.sleep(0.5)
    else:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("serve did not answer within 90 s")
    yield base, process
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def test_serve_runs_web_and_worker(served):
    base, process = served
    response = httpx.get(f"{base}/akun/masuk/", timeout=5)
    assert response.status_code == 200
    assert "Masuk ke SIMEDSOS JDIH" in response.text
    # Static files come from installed packages through the app itself (no CDN).
    assert httpx.get(f"{base}/static/vendor/htmx/htmx.min.js", timeout=5).status_code == 200
    assert httpx.get(f"{base}/static/css/app.css", timeout=5).status_code == 200
    # The worker is a child of serve and still alive.
    assert _processes_in_session(os.getsid(process.pid), "simedsos.cli worker"), (
        "the background worker is not running"
    )


def _processes_in_session(session_id: int, needle: str) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read().replace(b"\0", b" ").decode()
            if os.getsid(int(entry)) == session_id and needle in cmdline:
                found.append(int(entry))
        except (OSError, ProcessLookupError):
            continue
    return found
