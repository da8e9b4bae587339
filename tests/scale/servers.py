"""Real servers for the scale tests: a local S3-compatible server (moto in server mode).

When a server cannot be had, the test is skipped with the reason, except under
SIMEDSOS_REQUIRE_ALL=1 (CI), where it fails with what is missing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest


def required() -> bool:
    return os.environ.get("SIMEDSOS_REQUIRE_ALL") == "1"


def unavailable(message: str) -> None:
    if required():
        pytest.fail(f"{message} (SIMEDSOS_REQUIRE_ALL=1: nothing optional may be skipped)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class S3Server:
    endpoint: str
    region: str = "us-east-1"
    access_key: str = "simedsos-test"
    secret_key: str = "simedsos-test-secret"  # noqa: S105

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=self.access_key,
            aws_secret_access_key=self.secret_key,
        )

    def storage_url(self, bucket: str) -> str:
        return f"s3://{bucket}?endpoint_url={self.endpoint}&region={self.region}"


def start_moto() -> tuple[subprocess.Popen, S3Server]:
    try:
        import moto.server  # noqa: F401
    except ImportError as exc:
        unavailable(f"moto[server] tidak terpasang ({exc}); jalankan `make install`.")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    server = S3Server(endpoint=f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            unavailable(f"Server S3 lokal (moto) berhenti saat mulai:\n{process.stdout.read()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process, server
        except OSError:
            time.sleep(0.2)
    process.kill()
    unavailable("Server S3 lokal (moto) tidak menjawab dalam 30 detik.")
    raise AssertionError("unreachable")
