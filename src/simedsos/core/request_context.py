"""The address a change came from, carried from the request to the audit log."""

from contextvars import ContextVar

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)
