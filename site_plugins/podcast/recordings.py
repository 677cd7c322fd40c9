"""Recorded episode audio (`audio:`): where it may live and whether it is an MP3.

`podcast check` (in `load`) and the audio builder (in `audio`) ask the same questions, here below
both, so a clean check means the build accepts the recording too.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import stat
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from .mp3frames import Frame, id3v2_size, read_frames

SNIFF_FRAMES = 16
"""Frames in a row that make the first part of a file an MP3 (`mp3_problem` with `whole=False`)."""
MAX_RECORDING = 100_000_000
"""Bytes of a recording: GitHub keeps no larger file, and a sparse 2 GB file would cost a build minutes."""


def project_file(name: str, project_dir: Path, what: str) -> tuple[Path, str]:
    """(resolved path, problem or '') of a file an episode names: one line for each way a path can fail (too long,
    a loop of links, not a regular file such as a pipe that would block every read), never an exception."""
    root = project_dir.resolve()
    try:
        path = (root / name).resolve()
        mode = path.stat().st_mode if path.exists() else None
    except (OSError, RuntimeError, ValueError) as exc:  # ENAMETOOLONG, ELOOP, a NUL byte
        reason = getattr(exc, "strerror", None) or "a loop of links, or a name no file can have"
        return root / "?", f"{what} '{name[:80]}' cannot be used ({reason}); check the path"
    if mode is not None and not stat.S_ISREG(mode):
        return path, f"{what} '{name}' is not a regular file (a folder, a pipe or a device); name the file itself"
    return path, ""


def locate_recording(name: str, *, project_dir: Path, audio_dir: str) -> tuple[Path, str]:
    """(resolved path, problem or ''): the file must be a regular file inside the project, outside audio_dir."""
    root = project_dir.resolve()
    path, problem = project_file(name, project_dir, "audio file")
    if problem:
        return path, problem
    if not path.is_relative_to(root):
        return path, f"audio file '{name}' is outside the project; keep recordings in the repository"
    if path.is_relative_to((root / audio_dir).resolve()):
        return path, (f"audio file '{name}' is in {audio_dir}/, where the build writes episode MP3s; "
                      "keep recordings elsewhere, e.g. recordings/")
    if not path.is_file():
        return path, f"audio file '{name}' does not exist; check the path (it is relative to mkdocs.yml)"
    return path, ""


def read_regular(path: Path, *, most: int) -> tuple[bytes, str]:
    """(bytes, '') of a regular file of at most `most` bytes; (b'', why not: a message tail) for a pipe, a device
    or a folder, a larger file, or one that cannot be read."""
    try:
        # O_NONBLOCK: opening a pipe waits for a writer, which never comes; a regular file ignores it.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        return b"", f"cannot be read ({exc.strerror}); check the path (it is relative to mkdocs.yml)"
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            return b"", "is not a regular file (a folder, a pipe or a device); name the file itself"
        if info.st_size > most:
            return b"", f"is {info.st_size / 1e6:.1f} MB; at most {most / 1e6:g} MB are allowed"
        try:
            return file.read(most + 1), ""
        except OSError as exc:
            return b"", f"cannot be read ({exc.strerror})"


def recording_problem(name: str, *, project_dir: Path, audio_dir: str, cache_dir: Path | None = None) -> str:
    """What is wrong with a recording ('' when nothing is): the whole file is read, as the build reads it,
    so that `check` refuses what the build would (trailing junk, a tag claiming more bytes than there are);
    not when a build has read the same file, or the same bytes, whole since and found it an MP3 (`MEASURED`)."""
    path, problem = locate_recording(name, project_dir=project_dir, audio_dir=audio_dir)
    if problem:
        return problem
    record = measured_in(cache_dir) if cache_dir is not None else {}
    try:
        if measured(record, path, path.stat()) is not None:
            return ""
    except OSError:
        pass  # read below, which says why it cannot be
    data, why = read_regular(path, most=MAX_RECORDING)
    if why:
        return f"audio file '{name}' {why}"
    return "" if measured(record, path, data=data) is not None else mp3_problem(name, data, whole=True)


MEASURED = "recordings.json"
"""In the cache folder: each recording the audio builder read whole and found an MP3, by its resolved path, as
[size, modification time in ns, duration in seconds, SHA-256 of its bytes]. 300 recordings of 20 minutes are 1.4 GB:
checked frame by frame again by every build, they took 40 s of a build that takes 3."""


def measured(record: Mapping, path: Path, info: os.stat_result | None = None, data: bytes | None = None
             ) -> tuple[float, str] | None:
    """(duration, digest) of the recording at `path` as `record` has it, when its size and modification time are
    those `info` gives, or its bytes are `data` (a fresh clone gives every file a new modification time: the
    bytes are read and hashed, not checked frame by frame)."""
    known = record.get(str(path))
    if not isinstance(known, list) or len(known) != 4:
        return None
    size, changed, duration, digest = known
    if not ((info is not None and [size, changed] == [info.st_size, info.st_mtime_ns]) or (
            data is not None and len(data) == size and hashlib.sha256(data).hexdigest() == digest)):
        return None
    try:
        return float(duration), str(digest)
    except (TypeError, ValueError):  # a damaged entry: measured again
        return None


def measured_in(cache_dir: Path) -> Mapping:
    """The record of measured recordings in `cache_dir` (empty when there is none, or it is damaged), read once for
    each version of the file: every episode file checked asks for it."""
    path = cache_dir / MEASURED
    try:
        info = path.stat()
    except OSError:
        return {}
    return _read_measured(str(path), info.st_size, info.st_mtime_ns, info.st_ino)


@functools.lru_cache(maxsize=2)
def _read_measured(path: str, *version: int) -> Mapping:
    return MappingProxyType(json_object(Path(path), most=64_000_000))


def json_object(path: Path, *, most: int) -> dict:
    """The JSON object in the regular file at `path` (a record the build keeps); {} for anything else: no file, a
    pipe or a device (never waited on), more than `most` bytes, damaged or nested too deep, another kind of value."""
    data, why = read_regular(path, most=most)
    try:
        loaded = json.loads(data) if not why else None
    except (ValueError, RecursionError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def mp3_problem(name: str, data: bytes, *, whole: bool) -> str:
    """'' when `data` (the file, or its first part when not `whole`) holds MPEG audio frames."""
    return mp3_frames(name, data, whole=whole)[0]


def mp3_frames(name: str, data: bytes, *, whole: bool) -> tuple[str, list[Frame]]:
    """(problem or '', the frames read): the frames of the whole file, or of its first part."""
    start = id3v2_size(data)
    if not whole and start >= len(data):
        return "", []  # a tag longer than the part read: the build reads the whole file
    chunk = data[start:]
    # Past a tenth of junk the file is refused below whatever follows: the scan stops there, so a file
    # of junk costs little.
    frames = read_frames(chunk, strict=False, limit=0 if whole else SNIFF_FRAMES,
                         junk=len(chunk) // 10 + 4096 if whole else 0)
    covered = len(chunk) if whole or len(frames) < SNIFF_FRAMES else frames[-1].offset + frames[-1].length
    if not frames or sum(f.length for f in frames) < 0.9 * covered - (0 if whole else 4096):
        return f"audio file '{name}' is not an MP3 file (no MPEG audio frames); export the recording as MP3", []
    return "", frames
