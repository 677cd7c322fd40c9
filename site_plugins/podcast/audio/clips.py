"""Where one turn's audio is kept: the per-turn cache, and finished episode MP3s to splice from."""

from __future__ import annotations

import hashlib
import json
import os
import struct
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import ClassVar, TypeVar

from ..model import TurnLevel, TurnSpan
from ..mp3frames import Mp3Error, audio_bytes, check_format, duration_of, read_frames
from ..speech import FORMAT
from ..writer import write_atomic
from .id3 import FinishedMp3, read_finished
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

    HEADER: ClassVar[struct.Struct] = struct.Struct("<4sd32s")
    MAGIC: ClassVar[bytes] = b"PCT1"

    @classmethod
    def from_speech(cls, mp3: bytes) -> Clip:
        """Check fresh speech frame by frame (once), bring it to `FORMAT` when it is not, and strip its tags."""
        mp3 = in_format(mp3)
        frames = read_frames(mp3)
        if not frames:  # an engine's answer with tags and no audio: never a turn of no seconds
            raise Mp3Error(f"the speech holds no MPEG audio frame ({len(mp3)} bytes)")
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


class ClipStore:
    """Finds a turn's audio by key: the cache first, then any finished MP3 in the audio folder."""

    def __init__(self, cache_dir: Path, audio_dir: Path) -> None:
        self.cache_dir = cache_dir
        self.audio_dir = audio_dir
        self._finished: dict[str, tuple[FinishedMp3, TurnSpan]] | None = None
        self._recordings: dict[str, list] | None = None
        self._recordings_changed = False
        self._levels: dict[str, list] | None = None
        self._levels_changed = False

    # --- recordings: their duration is read once, then kept by content signature ----------------
    @property
    def recordings_path(self) -> Path:
        return self.cache_dir / "recordings.json"

    def recording_duration(self, path: Path, stat: os.stat_result) -> tuple[float, str] | None:
        """A recording's (duration, content digest) as measured before, when its size and modification
        time are unchanged."""
        known = self._known_recordings().get(str(path))
        if isinstance(known, list) and len(known) == 4 and known[:2] == [stat.st_size, stat.st_mtime_ns]:
            return float(known[2]), str(known[3])
        return None

    def remember_recording(self, path: Path, stat: os.stat_result, duration: float, version: str) -> None:
        self._known_recordings()[str(path)] = [stat.st_size, stat.st_mtime_ns, duration, version]
        self._recordings_changed = True

    def _known_recordings(self) -> dict[str, list]:
        if self._recordings is None:
            self._recordings = _read_json(self.recordings_path)
        return self._recordings

    # --- turns' levels, measured once, by the digest of the turn as its engine returned it --------------
    @property
    def levels_path(self) -> Path:
        return self.cache_dir / "levels.json"

    def level(self, digest: str) -> TurnLevel | None:
        return TurnLevel.from_list(self._known_levels().get(digest))

    def remember_level(self, digest: str, level: TurnLevel) -> None:
        self._known_levels()[digest] = level.as_list()
        self._levels_changed = True

    def _known_levels(self) -> dict[str, list]:
        if self._levels is None:
            self._levels = _read_json(self.levels_path)
        return self._levels

    def save(self) -> None:
        """Write what this build learned about recordings and turns' levels (the turn cache is written as it
        goes)."""
        if self._recordings_changed and self._recordings is not None:
            write_atomic(self.recordings_path, json.dumps(self._recordings, sort_keys=True).encode("utf-8"))
            self._recordings_changed = False
        if self._levels_changed and self._levels is not None:
            write_atomic(self.levels_path, json.dumps(self._levels, sort_keys=True).encode("utf-8"))
            self._levels_changed = False

    def cache_path(self, key: str) -> Path:
        return self.cache_dir / "turns" / key[:2] / f"{key}.mp3"

    def has(self, key: str) -> bool:
        """A cheap look, for planning; `get` still checks the bytes."""
        return self.cache_path(key).exists() or key in self._finished_index()

    def get(self, key: str) -> Clip | None:
        return self.cached(key) or self._spliced(key)

    def cached(self, key: str) -> Clip | None:
        path = self.cache_path(key)
        if not path.exists():
            return None
        clip = Clip.unpack(path.read_bytes())
        if clip is None:
            path.unlink(missing_ok=True)  # damaged: it will be made again
        return clip

    def write_episode(self, path: Path, content: bytes) -> None:
        """A finished episode MP3 (in the audio folder, or the preview cache): the store writes all audio."""
        write_atomic(path, content)

    def put(self, key: str, clip: Clip) -> None:
        write_atomic(self.cache_path(key), clip.pack())

    def _finished_index(self) -> dict[str, tuple[FinishedMp3, TurnSpan]]:
        if self._finished is None:
            self._finished = {}
            for path in sorted(self.audio_dir.glob("*.mp3")) if self.audio_dir.is_dir() else []:
                finished = read_finished(path)
                for span in finished.turns if finished else ():
                    self._finished.setdefault(span.key, (finished, span))
        return self._finished

    def _spliced(self, key: str) -> Clip | None:
        found = self._finished_index().get(key)
        if found is None:
            return None
        finished, span = found
        data = finished.turn_bytes(span)
        if digest(data) != span.digest:
            return None
        return Clip(data, span.end - span.start, span.digest, span.gain, span.level)


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


def find_damage(finished: FinishedMp3, pause: bytes) -> str:
    """'' when the file is exactly its tag, then its turns (each matching its digest, all at one bitrate) joined
    by `pause` (at that bitrate); else what is wrong. A file's signature can be computed from the public episode
    file, so only the digests tell a damaged or tampered file from the one a build wrote."""
    try:
        data = memoryview(finished.path.read_bytes())[finished.audio_offset:]
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
