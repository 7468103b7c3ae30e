"""Errors that describe what is wrong with one input document."""


class DocumentError(Exception):
    """An input cannot be scanned; the message is shown to the user as the document's ``error``."""
