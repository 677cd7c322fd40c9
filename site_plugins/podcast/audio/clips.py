"""Where one turn's audio is kept: the per-turn cache, and finished episode MP3s to splice from."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar, TypeVar

from ..model import TurnLevel, TurnSpan
from ..mp3frames import Mp3Error, audio_bytes, check_format, duration_of, read_frames
from ..recordings import MEASURED, measured
from ..speech import FORMAT
from ..writer import write_atomic
from .id3 import FinishedMp3
from .uniform import at_bitrate, first_bitrate, in_format, one_bitrate

_Marked = TypeVar("_Marked")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


@dataclass(frozen=True, slots=True)
class Clip:
    """One turn's bare MP3 frames (no tags), their length, and a digest that exposes damage."""

    data: bytes
    seconds: float
    digest: str
    gain: int = 0
    """Steps of `global_gain` the bytes carry over what the engine returned (a turn spliced from a levelled
    episode); the cache holds turns as the engine returned them."""
    level: TurnLevel | None = None
    """The turn's level as the engine returned it, when known without decoding."""
    limited: bool = False
    """The bytes are the turn limited and encoded again (`audio.limiter`) for the episode's loudness; `level` is
    theirs, and `gain` 0."""

    HEADER: ClassVar[struct.Struct] = struct.Struct("<4sd32s")
    MAGIC: ClassVar[bytes] = b"PCT1"

    @classmethod
    def from_speech(cls, mp3: bytes) -> Clip:
        """Check fresh speech frame by frame (once), bring it to `FORMAT` when it is not, and strip its tags."""
        mp3, frames = in_format(mp3)
        check_format(frames, FORMAT)
        data = audio_bytes(mp3, frames)
        return cls(data, duration_of(frames), digest(data))

    def pack(self) -> bytes:
        return self.HEADER.pack(self.MAGIC, self.seconds, self.digest.encode()) + self.data

    @classmethod
    def unpack(cls, blob: bytes) -> Clip | None:
        """The clip, or None when the bytes are damaged in any way."""
        if len(blob) <= cls.HEADER.size:
            return None
        magic, seconds, stored = cls.HEADER.unpack_from(blob)
        data = blob[cls.HEADER.size:]
        actual = digest(data)
        if magic != cls.MAGIC or stored.decode("ascii", "replace") != actual:
            return None
        return cls(data, seconds, actual)


Spliceable = Mapping[str, tuple[FinishedMp3, TurnSpan]]
"""A finished episode MP3's turns by key: what a build may splice out of it."""


def spliceable(finished: FinishedMp3 | None) -> Spliceable:
    """The turns of `finished` by key; call it only for the episode's own file, checked (see `audio.trust`)."""
    return {span.key: (finished, span) for span in reversed(finished.turns)} if finished else {}


class ClipStore:
    """Finds a turn's audio by key: the cache first, then the episode's own finished MP3 (when it was found
    trustworthy: a file that belongs to no episode, or another episode's, is never a source)."""

    def __init__(self, cache_dir: Path, audio_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.audio_dir = audio_dir
        self._recordings = _Kept(cache_dir / MEASURED)
        """Recordings' durations by path: measured once, then kept by size and modification time (`measured`)."""
        self._levels = _Kept(cache_dir / "levels.json")
        """Turns' levels, measured once, by the digest of the turn as its engine returned it."""
        self._checked = _Kept(cache_dir / "checked.json")
        """Finished MP3s found well formed (`audio.trust`), by a digest of their bytes: checked once."""

    def recording_duration(self, path: Path, stat: os.stat_result | None, data: bytes | None = None
                           ) -> tuple[float, str] | None:
        """A recording's (duration, content digest) as measured before, when its size and modification
        time are unchanged, or its bytes are `data` (`measured`)."""
        return measured(self._recordings.data, path, stat, data)

    def remember_recording(self, path: Path, stat: os.stat_result, duration: float, version: str) -> None:
        self._recordings.put(str(path), [stat.st_size, stat.st_mtime_ns, duration, version])

    def level(self, digest: str) -> TurnLevel | None:
        return TurnLevel.from_list(self._levels.data.get(digest))

    def remember_level(self, digest: str, level: TurnLevel) -> None:
        self._levels.put(digest, level.as_list())

    def checked(self, fingerprint: str) -> bool:
        """Whether the finished MP3 of these bytes was found well formed before."""
        return self._checked.data.get(fingerprint) is True

    def remember_checked(self, fingerprint: str) -> None:
        self._checked.put(fingerprint, True)

    def save(self) -> None:
        """Write what this build learned about recordings, turns' levels and finished MP3s (the turn cache is
        written as it goes)."""
        for kept in (self._recordings, self._levels, self._checked):
            kept.save()

    def cache_path(self, key: str) -> Path:
        return self.cache_dir / "turns" / key[:2] / f"{key}.mp3"

    def has(self, key: str, source: Spliceable | None = None) -> bool:
        """A cheap look, for planning; `get` still checks the bytes."""
        return self.cache_path(key).exists() or key in (source or {})

    def get(self, key: str, source: Spliceable | None = None) -> Clip | None:
        return self.cached(key) or self._spliced(key, source or {})

    def cached(self, key: str) -> Clip | None:
        return _read_clip(self.cache_path(key))

    def limited_path(self, key: str) -> Path:
        return self.cache_dir / "limited" / key[:2] / f"{key}.mp3"

    def limited(self, key: str) -> Clip | None:
        """A turn limited before (see `levelling.limited_key`), or None."""
        clip = _read_clip(self.limited_path(key))
        return None if clip is None else replace(clip, limited=True)

    def put_limited(self, key: str, clip: Clip) -> None:
        write_atomic(self.limited_path(key), clip.pack())

    def write_episode(self, path: Path, content: bytes) -> None:
        """A finished episode MP3 (in the audio folder, or the preview cache): the store writes all audio."""
        write_atomic(path, content)

    def put(self, key: str, clip: Clip) -> None:
        write_atomic(self.cache_path(key), clip.pack())

    def _spliced(self, key: str, source: Spliceable) -> Clip | None:
        found = source.get(key)
        if found is None:
            return None
        finished, span = found
        data = finished.turn_bytes(span)
        if digest(data) != span.digest:
            return None
        try:  # the frames' own length: a turn table's is rounded, and would drift turn by turn
            seconds = duration_of(read_frames(data))
        except Mp3Error:
            return None
        return Clip(data, seconds, span.digest, span.gain, span.level, span.limited)


def _read_clip(path: Path) -> Clip | None:
    if not path.exists():
        return None
    clip = Clip.unpack(path.read_bytes())
    if clip is None:
        path.unlink(missing_ok=True)  # damaged: it will be made again
    return clip


class _Kept:
    """A JSON object kept in the cache: read when first asked for, written by `save` when it changed."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._data: dict | None = None
        self._changed = False

    @property
    def data(self) -> dict:
        if self._data is None:
            self._data = _read_json(self.path)
        return self._data

    def put(self, key: str, value: object) -> None:
        self.data[key] = value
        self._changed = True

    def save(self) -> None:
        if self._changed and self._data is not None:
            write_atomic(self.path, json.dumps(self._data, sort_keys=True).encode("utf-8"))
            self._changed = False


def _read_json(path: Path) -> dict:
    """A JSON object kept in the cache; empty when it is missing or damaged (it is made again)."""
    try:
        loaded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        loaded = {}
    return loaded if isinstance(loaded, dict) else {}


def at_one_bitrate(clips: Sequence[tuple[Clip, _Marked]], pause: bytes) -> tuple[list[tuple[Clip, _Marked]], bytes]:
    """An episode's clips (each with what the builder marks it with) and its pause, all at one bitrate (see
    `audio.uniform`); a clip that changes gets the digest of the bytes the episode file will hold."""
    *parts, pause = one_bitrate([clip.data for clip, _ in clips] + [pause])
    return [(clip if data is clip.data else replace(clip, data=data, digest=digest(data)), mark)
            for (clip, mark), data in zip(clips, parts, strict=True)], pause


def find_damage(finished: FinishedMp3, pause: bytes, audio: bytes | memoryview | None = None) -> str:
    """'' when the file is exactly its tag, then its turns (each matching its digest, all at one bitrate) joined
    by `pause` (at that bitrate); else what is wrong. A file's signature can be computed from the public episode
    file, so only the digests tell a damaged or tampered file from the one a build wrote. `audio`: the file's
    bytes after its tag, when the caller has read them already."""
    try:
        data = memoryview(finished.path.read_bytes())[finished.audio_offset:] if audio is None else audio
    except OSError as exc:
        return f"it cannot be read ({exc.strerror})"
    pause, kbps = at_bitrate(pause, first_bitrate(data)), first_bitrate(data)
    at = 0
    for number, span in enumerate(finished.turns, start=1):
        if number > 1 and data[at:span.offset] != pause:
            return f"the pause before turn {number} is not the one the build writes"
        if digest(data[span.offset:span.offset + span.length]) != span.digest:
            return f"turn {number} does not match its digest"
        if first_bitrate(data[span.offset:span.offset + 4]) != kbps:  # joined before episodes had one bitrate
            return f"turn {number} is at another bitrate than turn 1"
        at = span.offset + span.length
    if len(data) != at:
        return f"it has {len(data) - at:+d} bytes more than its turns"
    return ""
