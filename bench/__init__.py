"""Benchmarks: `make bench` runs every module's run() here; never collected as tests."""
