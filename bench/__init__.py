"""Benchmarks: each prints its figure beside the raw baseline it is measured against."""
