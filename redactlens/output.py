"""Writing outputs safely: atomically, and never over an existing file unless asked to."""
from __future__ import annotations

import json
import os
import sys
import tempfile
from typing import Union

from .model import BatchReport
from .text import valid_tree


class OutputExists(Exception):
    """The output path exists and ``force`` was not given."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write(path: str, data: Union[str, bytes], force: bool = False) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.
    Refuses to replace an existing file unless ``force``."""
    if os.path.exists(path) and not force:
        raise OutputExists(f"{path} exists; pass --force to overwrite it")
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".redactlens-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data.encode("utf-8") if isinstance(data, str) else data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())   # mkstemp makes 0600; outputs get the usual mode
        if force:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if path appeared meanwhile: never clobber
            os.unlink(tmp)
    except FileExistsError:
        os.unlink(tmp)
        raise OutputExists(f"{path} exists; pass --force to overwrite it") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def to_json(batch: BatchReport) -> str:
    """The contract JSON.  Every string is made valid Unicode first (:func:`redactlens.text.valid_tree`:
    a no-op for reports from the scan, which are made valid where they are assembled; a batch
    built by other code cannot make the writer fail), then the text is encoded strictly."""
    return json.dumps(valid_tree(batch.to_dict()), ensure_ascii=False, indent=2)


def write_json(batch: BatchReport, dest: str, force: bool = False) -> None:
    """Write the contract JSON to ``dest`` (``-`` for stdout)."""
    text = to_json(batch) + "\n"
    if dest == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        atomic_write(dest, text, force=force)
