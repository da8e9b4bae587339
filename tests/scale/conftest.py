"""Fixtures for the scale-out tests: a real S3-compatible server started by the tests."""

from __future__ import annotations

import itertools

import pytest

from tests.scale.servers import S3Server, start_moto

_buckets = itertools.count(1)


@pytest.fixture(scope="session")
def s3_server():
    process, server = start_moto()
    yield server
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_storage(s3_server: S3Server, settings, monkeypatch):
    """Media on the local S3 server: a fresh bucket, STORAGES as STORAGE_URL would set it."""
    from simedsos.settings import storage_from_url

    bucket = f"simedsos-media-{next(_buckets)}"
    s3_server.client().create_bucket(Bucket=bucket)
    # Credentials come from the environment, as in production (boto3 reads them).
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_key)
    url = s3_server.storage_url(bucket)
    settings.STORAGE_URL = url
    settings.STORAGES = {**settings.STORAGES, "default": storage_from_url(url)}
    return bucket
