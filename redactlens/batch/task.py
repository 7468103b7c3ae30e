"""The per-document work of a batch: :func:`scan_document`, the default ``task`` of every executor.

A task is called as ``task(path, password, data, settings) -> dict`` (a
:meth:`DocumentReport.to_dict <redactlens.model.DocumentReport.to_dict>`), in the worker process
(see :class:`~redactlens.batch.executors.Executor` for which process that is and what must be
picklable).  Tests pass their own task (``tests/faults.py``) that misbehaves on chosen documents
and otherwise calls this one.
"""
from __future__ import annotations

import hashlib

from ..settings import Settings


def scan_document(path: str, password: str | None, data: bytes | None, settings: Settings) -> dict:
    """Scan one document -- from ``data`` when given (its bytes, shipped to a cluster), else from
    ``path`` -- and return its report as a dict.  Never raises for a bad document (the pipeline's
    contract: the report carries ``error`` and ``error_code``)."""
    from ..pipeline import scan
    if data is not None:
        rep = scan(data, password=password, name=path, settings=settings)
        if rep.sha256 is None:
            rep.sha256 = hashlib.sha256(data).hexdigest()
        return rep.to_dict()
    return scan(path, password=password, settings=settings).to_dict()
