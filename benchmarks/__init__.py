"""Benchmarks: measured, reported, never asserted in tests (`./tasks bench`)."""
