"""Benchmarks: a dataset generator that works through the application's services, the measurements
of ``run.py`` (each beside the raw SQL returning the same rows) and the throughput harness.

See bench/RESULTS.md for the latest figures and the commands that reproduce them.
"""
