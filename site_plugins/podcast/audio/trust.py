"""Whether a finished episode MP3 from the audio branch may be reused or spliced from.

The audio branch is untrusted input: anyone who can push to it, or a damaged store, may leave there any bytes
under an episode's name. A file is used only when it is exactly what a build writes: MPEG frames from its tag to
its end, all in `FORMAT`, its turns at frame boundaries and lasting what its turn table says, each turn matching
its digest, the pause between them the build's. That establishes that the file is well formed and says the truth
about itself; it does not establish who made it, since the digests and the signature can be computed by anyone.
With a key (`PODCAST_AUDIO_KEY`, a repository secret in the publishing workflow) each file also carries a seal,
an HMAC of its signature, turn table and audio, which only a holder of the key can make: a file without a valid
seal is then made again.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

from ..model import TurnSpan
from ..mp3frames import Frame, Mp3Error, check_format, read_frames
from ..parallel import Workers
from ..speech import FORMAT
from .clips import ClipStore, find_damage
from .id3 import FinishedMp3, finished_in

KEY_VARIABLE = "PODCAST_AUDIO_KEY"
"""The environment variable that holds the key of the seal; unset, files are checked but not sealed."""
TOLERANCE = 0.0021
"""Seconds a turn's length or start in a turn table may differ from its frames': both ends are rounded to
milliseconds."""


def audio_key(environ) -> bytes | None:
    """The key of the seal from the environment; None when there is none."""
    value = (environ or {}).get(KEY_VARIABLE, "").strip()
    return value.encode("utf-8", "surrogateescape") if value else None


def seal(key: bytes, signature: str, turns: tuple[TurnSpan, ...], audio: bytes | memoryview) -> str:
    """The HMAC that says a build holding `key` wrote this signature, turn table and audio."""
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(signature.encode("ascii", "replace") + b"\0")
    for span in turns:
        mac.update(f"{span.key}:{span.offset}:{span.length}:{span.start:.3f}:{span.end:.3f}:{span.digest}:"
                   f"{span.gain}\0".encode("ascii", "replace"))
    mac.update(hashlib.sha256(audio).digest())
    return mac.hexdigest()


CHECKS_VERSION = 1
"""Raise it when the checks below change: every finished MP3 is then checked again."""


def fingerprint(pause: bytes, raw: bytes) -> str:
    """What a verdict of the checks below is kept under: the whole file (its turn table included), the pause it
    was checked against, and the checks' version."""
    digest = hashlib.sha256(b"%d\0%b\0" % (CHECKS_VERSION, pause))
    digest.update(raw)  # not joined to the rest first: a copy of every MP3 a first build checks
    return digest.hexdigest()


class Fingerprinted(NamedTuple):
    """A file's `fingerprint` as a worker made it, and the file it read (inode, size, modification time): the
    fingerprint is of the file still there only while that is the same; so is `finished`, the turn table the
    worker read in the same bytes (`id3.finished_in`), when it could."""

    fingerprint: str
    identity: tuple[int, int, int]
    finished: FinishedMp3 | None = None

    def finished_of(self, path: Path) -> FinishedMp3 | None:
        """The turn table of the file at `path` as the worker read it, while that is the file it read."""
        return self.finished if self.finished is not None and file_identity(path) == self.identity else None


def file_identity(path: Path | str) -> tuple[int, int, int]:
    try:
        return _identity(os.stat(path))
    except OSError:
        return (0, 0, 0)


def _identity(stat: os.stat_result) -> tuple[int, int, int]:
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def file_fingerprints(paths: list[str], pause: bytes) -> list[Fingerprinted | None]:
    """Each file's `fingerprint` (None for one that cannot be read): a worker's part of `fingerprints_ahead`."""
    found: list[Fingerprinted | None] = []
    for path in paths:
        try:
            with open(path, "rb") as file:
                stat = os.fstat(file.fileno())  # before the read: a write during it moves the time after
                raw = file.read()
            found.append(Fingerprinted(fingerprint(pause, raw), _identity(stat), finished_in(Path(path), raw)))
        except OSError:
            found.append(None)
    return found


def fingerprints_ahead(paths: Sequence[Path], pause: bytes, workers: Workers | None, *, chunk: int = 32
                       ) -> Iterator[Fingerprinted | None]:
    """Each file's `fingerprint` (None where none was made), made ahead of the build's need in chunks that the
    workers and this process share (`Workers.map`): reading and hashing every MP3 a first build reuses (380 MB
    for 1000 episodes), with their turn tables, is work for both (the build waited 0.6 s for a worker that did it
    alone). Without workers, or for a few files, nothing is made ahead."""
    if workers is None or len(paths) < 2 * chunk:
        yield from (None for _ in paths)
        return
    parts = [([str(path) for path in paths[start:start + chunk]], pause) for start in range(0, len(paths), chunk)]
    for found in workers.map(file_fingerprints, parts, chunk=1):
        yield from found


def find_distrust(finished: FinishedMp3, pause: bytes, *, key: bytes | None, store: ClipStore | None = None,
                  known: Fingerprinted | None = None) -> str:
    """'' when `finished` may be used; else what is wrong with it, for the build log. With `store`, a file whose
    bytes were found well formed before is not walked frame by frame again (every build reuses every unchanged
    episode: checking each in full made a rebuild of nothing 17 times slower); the seal is checked each time.
    `known` is the file's fingerprint when a worker made it (`fingerprints_ahead`): without a seal to check, a
    file found well formed before is then not read here at all, if it is still the file the worker read (its
    turn table, just read, is then of those bytes)."""
    if not finished.turns:
        return "its turn table is empty"
    if known is not None and key is None and store is not None and store.checked(known.fingerprint) and \
            file_identity(finished.path) == known.identity:
        return ""
    try:
        raw = finished.path.read_bytes()
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    data = memoryview(raw)[finished.audio_offset:]
    known = fingerprint(pause, raw)
    if store is None or not store.checked(known):
        problem = find_damage(finished, pause, data) or _frames_problem(finished, data)
        if problem:
            return problem
        if store is not None:
            store.remember_checked(known)
    if key is not None and not hmac.compare_digest(finished.seal, seal(key, finished.signature, finished.turns, data)):
        return f"its seal is {'missing' if not finished.seal else 'not one made with this site key'}"
    return ""


def _frames_problem(finished: FinishedMp3, data: memoryview) -> str:
    """What `find_damage` leaves: MPEG frames all the way in the site's format, each turn lasting what its turn
    table says (the feed's duration is the last turn's end)."""
    try:
        frames = read_frames(data)
        check_format(frames, FORMAT)
    except Mp3Error as exc:
        return f"it is not one MP3 stream in the site's format ({exc})"
    starts = {frame.offset: index for index, frame in enumerate(frames)}
    at, end = 0, 0.0
    for number, span in enumerate(finished.turns, start=1):
        gap = _seconds(frames, starts, at, span.offset)
        seconds = _seconds(frames, starts, span.offset, span.offset + span.length)
        if gap is None or not seconds:
            return f"turn {number} does not start and end on frames"
        # Each turn on its own: tables rounded turn by turn may drift by a millisecond a turn.
        if abs(span.start - end - gap) > TOLERANCE or abs(span.end - span.start - seconds) > TOLERANCE:
            return f"turn {number} lasts {seconds:.3f} s from {end + gap:.3f} s, not what its turn table says"
        at, end = span.offset + span.length, span.end
    return ""


def _seconds(frames: list[Frame], starts: dict[int, int], begin: int, end: int) -> float | None:
    """Seconds of the frames from byte `begin` to byte `end`; None when those are not frame boundaries."""
    if begin == end:
        return 0.0
    first, last = starts.get(begin), starts.get(end, len(frames) if end == frames[-1].offset + frames[-1].length
                                                  else None)
    if first is None or last is None or last <= first:
        return None
    seconds = sum(f.format.samples_per_frame / f.format.sample_rate for f in frames[first:last])
    return seconds if math.isfinite(seconds) else None
