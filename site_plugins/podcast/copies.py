"""The project's own files in the site (an episode's recording or image, the site's scripts) are copies, never hard
links (`writer.LinkRule`: a tool that rewrites the built site in place must not reach the repository). A copy an
earlier build made stays while neither it nor its source has changed since: a site of 300 twenty-minute
recordings copied 1.4 GB on every build.

Each copy is recorded with its source as they were when it was made: device, inode, size, modification and change
times of both. Writing into either file, replacing it, linking it elsewhere or changing its mode moves its change
time, which no tool sets back, so a recorded copy that still matches holds its source's bytes. A source changed
during its copy, or in the two seconds before it (a filesystem with coarse times could show a later change with
the same times), is not recorded, nor any on Windows (whose change time is the time a file was made): such
files are copied again next time. A record that cannot be read is empty: the files are copied again.
"""

from __future__ import annotations

import contextlib
import json
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING

from .recordings import json_object
from .writer import OutputError, link_or_copy, write_atomic

if TYPE_CHECKING:
    from .build import BuildRequest

COPIES = "copies.json"
"""The record, in the cache folder."""
_MOST = 16 << 20
_RACY = 2_000_000_000
"""Nanoseconds between a source's last change and its copy for the copy to be recorded."""


class SiteCopies:
    """Copies put into a site (`put`) and the record of them (`save`)."""

    def __init__(self, record: Path) -> None:
        self.record = record
        self._was: dict[str, list] = json_object(record, most=_MOST)
        self._now: dict[str, list] = {}
        self._put: set[str] = set()

    @classmethod
    def of(cls, request: BuildRequest) -> SiteCopies:
        """The record of a build's project (in its cache folder)."""
        return cls(request.project_dir / request.settings.cache_dir / COPIES)

    def put(self, source: str, target: str) -> None:
        """A copy of `source` at `target` (replaced, never written into: `link_or_copy`), unless the copy there is
        one an earlier build made of the same file, both unchanged since."""
        self._put.add(target)
        before = _source(source)
        if before and self._was.get(target) == [*before, *_there(target)]:
            self._now[target] = self._was[target]
            return
        link_or_copy(source, target, link=False)
        made = _there(target)
        # Recorded only when the source was not changed meanwhile, nor in the last seconds before the copy (a
        # filesystem whose times are coarse could show a change then with the same times: git's "racy" files).
        if before and made and _source(source) == before and made[3] - before[3] > _RACY:
            self._now[target] = [*before, *made]

    def save(self) -> None:
        """Record this build's copies, and those of other builds still there (a build after a preview, which
        builds into a folder of its own, copies nothing again); a record that cannot be written makes the next
        build copy again."""
        now = {target: found for target, found in self._was.items()
               if target not in self._put and os.path.lexists(target)}
        now.update(self._now)
        if now != self._was:
            with contextlib.suppress(OutputError):
                write_atomic(self.record, json.dumps(now, sort_keys=True).encode(), durable=False)
        self._was, self._now, self._put = now, {}, set()


def _there(path: str) -> list[int]:
    """The identity of the regular file at `path`, not followed if a link; [] when there is none."""
    try:
        found = os.lstat(path)
    except OSError:
        return []
    return _identity(found) if stat.S_ISREG(found.st_mode) and found.st_nlink == 1 else []


def _source(path: str) -> list[int]:
    """The identity of the file at `path`; [] when there is none, or where the change time is the time the file
    was made (Windows), which a tool that keeps a file's modification time would leave as it was."""
    try:
        return _identity(os.stat(path)) if os.name != "nt" else []
    except OSError:
        return []  # the copy says what fails


def _identity(found: os.stat_result) -> list[int]:
    return [found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns, found.st_ctime_ns]
