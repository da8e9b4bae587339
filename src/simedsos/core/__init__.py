"""Shared pieces: base templates, the audit log, request context, time and errors."""
