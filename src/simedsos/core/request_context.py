"""The address a change came from, carried from the request to the audit log."""

from contextvars import ContextVar

client_address: ContextVar[str | None] = ContextVar("client_address", default=None)

# Reads repeated within one request (who am I, in which roles) are kept here for the length of
# the request only; outside a request (commands, workers, tests calling services) it is None
# and nothing is cached.
request_memo: ContextVar[dict | None] = ContextVar("request_memo", default=None)
