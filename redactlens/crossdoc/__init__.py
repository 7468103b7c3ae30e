"""Cross-document recovery (see docs/crossdoc.md)."""
from .recover import ITEM_TYPE, copy_items, recover

__all__ = ["recover", "copy_items", "ITEM_TYPE"]
