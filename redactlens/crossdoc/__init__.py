"""Cross-document recovery (see docs/crossdoc.md)."""
