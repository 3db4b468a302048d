"""Benchmarks: entra-tui against a bare Textual app and the raw libraries, in the same run.

Ratios, not absolute times, because shared machines are noisy. Never part of the test
suite's pass/fail; `python -m entra_tui.bench [--json] [--quick]` runs them.
"""
