"""Local fakes of the publishing platforms, faithful to shared/reference/platform-apis.md.
Used by the tests and the benchmark; never by production settings."""

from .app import FakePlatform, FakeRequest, Response, fake_client, route
from .server import serve_fake

__all__ = ["FakePlatform", "FakeRequest", "Response", "fake_client", "route", "serve_fake"]
