"""The one place that writes files: atomically, so a crash never leaves half a file behind."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it into place.

    `durable=False` skips waiting for the disk, for build output that the next build makes again.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes files private; these are published
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def remove_stale_parts(folder: Path) -> int:
    """Delete temporary files left by a process that was killed mid-write; returns how many."""
    if not folder.is_dir():
        return 0
    stale = list(folder.rglob(".*.part"))
    for path in stale:
        path.unlink(missing_ok=True)
    return len(stale)
