"""Benchmarks for Session Tutor: run with ``python -m bench`` (``--quick`` for a smoke run).

Every figure is a ratio against a baseline measured in the same run; see ``bench/RESULTS.md``.
"""
