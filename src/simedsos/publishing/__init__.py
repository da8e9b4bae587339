"""Social accounts, publications and the platform adapters."""
