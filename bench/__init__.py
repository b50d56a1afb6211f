"""Benchmarks: see README.md, "Benchmarks"."""
