"""Benchmarks at programme and national scale: a synthetic programme and the figures."""
