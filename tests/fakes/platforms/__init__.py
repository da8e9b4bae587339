"""One fake server per platform."""
