"""Synthetic trade data for tests and benchmarks (seeded, streamed to disk)."""
