"""Benchmarks (`make bench`): each scenario measures the pipeline beside its reference in one run.

Every figure is a ratio of two numbers measured side by side on the same machine at the same
time, because the 2-core machine is shared and absolute timings are noisy. See
docs/performance.md.
"""
