"""One way to write a file so that a reader never sees half of it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO


@contextlib.contextmanager
def atomic_write(path: str | Path, mode: int = 0o644) -> Iterator[BinaryIO]:
    """Yield a binary file handle whose bytes replace ``path`` only when the block succeeds.

    The bytes go to a temporary file in the same folder, are synced to disk, get
    permission ``mode`` (an existing file keeps its own), and are moved onto ``path`` with
    ``os.replace``. On any error the temporary file is removed and ``path`` is untouched.
    The parent folder is created if needed.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    keep = (target.stat().st_mode & 0o777) if target.exists() else mode
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, keep)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: bytes | str) -> Path:
    """Return ``path`` after writing ``data`` (text is UTF-8) to it atomically."""
    with atomic_write(path) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
