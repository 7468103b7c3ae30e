"""Text hygiene: the one place that decides what counts as readable text."""
from __future__ import annotations


def has_alnum(text: str) -> bool:
    """True when ``text`` holds at least one letter or digit (what makes recovered text a leak)."""
    return any(ch.isalnum() for ch in text or "")
