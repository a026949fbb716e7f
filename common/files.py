"""Atomic file writes: a reader (or a resumed run) sees the old file or the new one, never half."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Callable


def _umask() -> int:
    """The process's umask (read by setting it and setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | Path, write: Callable[[str], None]) -> None:
    """Call ``write(temporary_path)``, fsync, then rename over ``path``: readers see the old file
    or the new one, never half of one. The temporary is ``<name>...tmp`` in the same folder (a
    rename is atomic only within one file system) and is removed when ``write`` fails; missing
    folders are made."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    os.close(handle)
    try:
        write(temporary)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        # mkstemp makes the file private (0600); a run's files are read by others too (a Ray
        # cluster's nodes, a GUI user): the permissions a plain open() would give
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


__all__ = ["atomic_write"]
