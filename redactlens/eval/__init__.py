"""Scoring detections against labelled truth (used by tests, benchmarks and the real-world report)."""
