"""Load benchmarks for the participant server; run them as modules, e.g. ``python -m benchmarks.burst``."""
