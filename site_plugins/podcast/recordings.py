"""Recorded episode audio (`audio:`): where it may live and whether it is an MP3.

`podcast check` (in `load`) and the audio builder (in `audio`) ask the same questions, here below
both, so a clean check means the build accepts the recording too.
"""

from __future__ import annotations

import stat
from pathlib import Path

from .mp3frames import Frame, id3v2_size, read_frames

SNIFF_BYTES = 256 * 1024
"""How much of a recording `check` reads: enough to pass a large ID3 tag (cover art) and find frames."""
SNIFF_FRAMES = 16
"""Frames in a row that make a file an MP3 for `check`; the build reads the whole file once."""


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


def recording_problem(name: str, *, project_dir: Path, audio_dir: str) -> str:
    """What is wrong with a recording, from its place and its first bytes ('' when nothing is)."""
    path, problem = locate_recording(name, project_dir=project_dir, audio_dir=audio_dir)
    if problem:
        return problem
    try:
        with path.open("rb") as file:
            head = file.read(SNIFF_BYTES)
    except OSError as exc:
        return f"audio file '{name}' cannot be read ({exc.strerror}); check its permissions"
    return mp3_problem(name, head, whole=len(head) < SNIFF_BYTES)


def mp3_problem(name: str, data: bytes, *, whole: bool) -> str:
    """'' when `data` (the file, or its first part when not `whole`) holds MPEG audio frames."""
    return mp3_frames(name, data, whole=whole)[0]


def mp3_frames(name: str, data: bytes, *, whole: bool) -> tuple[str, list[Frame]]:
    """(problem or '', the frames read): the frames of the whole file, or of its first part."""
    start = id3v2_size(data)
    if not whole and start >= len(data):
        return "", []  # a tag longer than the part read: the build reads the whole file
    chunk = memoryview(data)[start:]
    frames = read_frames(chunk, strict=False, limit=0 if whole else SNIFF_FRAMES)
    covered = len(chunk) if whole or len(frames) < SNIFF_FRAMES else frames[-1].offset + frames[-1].length
    if not frames or sum(f.length for f in frames) < 0.9 * covered - (0 if whole else 4096):
        return f"audio file '{name}' is not an MP3 file (no MPEG audio frames); export the recording as MP3", []
    return "", frames
