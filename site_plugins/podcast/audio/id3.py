"""ID3v2.3 tags for episode MP3s (mutagen), including what lets a later build reuse the audio."""

from __future__ import annotations

import io
import json
import math
from dataclasses import dataclass
from pathlib import Path

from mutagen import MutagenError
from mutagen.id3 import APIC, CHAP, COMM, CTOC, ID3, TALB, TCON, TDRC, TIT2, TLAN, TPE1, TXXX, CTOCFlags

from ..model import TurnLevel, TurnSpan
from ..mp3frames import id3v2_size

TURNS_DESC = "podcast:turns"
SIGNATURE_DESC = "podcast:signature"
SEAL_DESC = "podcast:seal"
MAX_TABLE = 8 << 20
"""Characters of a turn table at most (some 80 000 turns): a longer one is not read."""
MAX_TURNS = 50_000


@dataclass(frozen=True, slots=True)
class TagInfo:
    title: str
    artist: str
    album: str
    date: str
    language: str
    comment: str
    chapters: tuple[tuple[str, float, float], ...]
    """(title, start seconds, end seconds) per section."""
    cover: tuple[bytes, str] | None = None
    """(image bytes, MIME type)."""


def tagged_mp3(audio: bytes, info: TagInfo, turns: tuple[TurnSpan, ...], signature: str, seal: str = "") -> bytes:
    """`audio` (bare frames) with an ID3v2.3 tag in front; `seal`: see `audio.trust`."""
    tags = ID3()
    tags.add(TIT2(encoding=1, text=info.title))
    tags.add(TPE1(encoding=1, text=info.artist))
    tags.add(TALB(encoding=1, text=info.album))
    tags.add(TDRC(encoding=1, text=info.date))
    tags.add(TCON(encoding=1, text="Podcast"))
    tags.add(TLAN(encoding=1, text=info.language))
    if info.comment:
        tags.add(COMM(encoding=1, lang="und", desc="", text=info.comment))
    if info.cover:
        tags.add(APIC(encoding=0, mime=info.cover[1], type=3, desc="cover", data=info.cover[0]))
    ids = [f"ch{n}" for n in range(len(info.chapters))]
    tags.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=ids,
                  sub_frames=[TIT2(encoding=1, text="Chapters")]))
    for element_id, (title, start, end) in zip(ids, info.chapters, strict=True):
        tags.add(CHAP(element_id=element_id, start_time=round(start * 1000), end_time=round(end * 1000),
                      start_offset=0xFFFFFFFF, end_offset=0xFFFFFFFF, sub_frames=[TIT2(encoding=1, text=title)]))
    table = [[t.key, t.offset, t.length, round(t.start, 3), round(t.end, 3), t.digest, t.gain,
              t.level.as_list() if t.level else None, int(t.limited)] for t in turns]
    # ASCII in Latin-1: ID3v2.3 has no UTF-8, and mutagen reads UTF-16 text one character at a time.
    tags.add(TXXX(encoding=0, desc=TURNS_DESC, text=json.dumps(table, separators=(",", ":"))))
    tags.add(TXXX(encoding=0, desc=SIGNATURE_DESC, text=signature))
    if seal:
        tags.add(TXXX(encoding=0, desc=SEAL_DESC, text=seal))
    buffer = io.BytesIO()  # the tag alone: prepending it beats inserting it before megabytes of audio
    tags.save(buffer, v2_version=3, padding=lambda _info: 0)
    return buffer.getvalue() + audio


@dataclass(frozen=True, slots=True)
class FinishedMp3:
    """What an episode MP3 written by an earlier build says about itself."""

    path: Path
    audio_offset: int
    signature: str
    turns: tuple[TurnSpan, ...]
    seal: str = ""

    def turn_bytes(self, span: TurnSpan) -> bytes:
        with self.path.open("rb") as file:
            file.seek(self.audio_offset + span.offset)
            return file.read(span.length)


def read_finished(path: Path) -> FinishedMp3 | None:
    """The turn table of an MP3 this project wrote; None for any other file, or a damaged one."""
    try:
        with path.open("rb") as file:
            head = file.read(10)
            size = id3v2_size(head)
            if size > _MAX_TAG:
                return None
            body = file.read(max(size - 10, 0))
    except OSError:
        return None
    return _finished(path, head, body, size, quick=False)


def finished_in(path: Path, raw: bytes) -> FinishedMp3 | None:
    """`read_finished` of `raw`, the file's bytes as read at once, when its tag is as this project writes it (read
    without mutagen); None otherwise, and for any other file: read it with `read_finished` then."""
    size = id3v2_size(raw)
    return _finished(path, raw[:10], raw[10:size], size, quick=True) if size <= _MAX_TAG else None


_MAX_TAG = MAX_TABLE * 2 + (4 << 20)
"""The table, its signature and a cover."""


def _finished(path: Path, head: bytes, body: bytes, size: int, *, quick: bool) -> FinishedMp3 | None:
    try:
        frames = _latin1_txxx(head, body)
        if frames is None and quick:
            return None
        if frames is None:  # not a tag as this project writes them: let mutagen read it
            tags = ID3(path)
            frames = {desc: str(found[0].text[0]) for desc in (TURNS_DESC, SIGNATURE_DESC, SEAL_DESC)
                      if (found := tags.getall(f"TXXX:{desc}"))}
        turns = _turn_table(frames[TURNS_DESC])
        signature, seal = frames[SIGNATURE_DESC], frames.get(SEAL_DESC, "")
    except (OSError, MutagenError, IndexError, KeyError, ValueError, TypeError, RecursionError):
        return None
    return FinishedMp3(path, size, signature, turns, seal) if turns is not None else None


def _turn_table(text: str) -> tuple[TurnSpan, ...] | None:
    """The rows of a turn table; None when it is too long, or any row is not one the build writes."""
    if len(text) > MAX_TABLE:
        return None
    table = json.loads(text, parse_constant=_refuse, parse_float=_finite)
    if not isinstance(table, list) or len(table) > MAX_TURNS or not all(isinstance(row, list) for row in table):
        return None
    turns = tuple(_span(*row) for row in table)
    return None if None in turns else turns


def _refuse(name: str) -> None:
    raise ValueError(f"{name} is not a number a turn table holds")


def _finite(text: str) -> float:
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"{text} is not a number a turn table holds")
    return number


def _span(key: object, offset: object, length: object, start: object, end: object, digest: object,
          gain: object = 0, level: object = None, limited: object = 0) -> TurnSpan | None:
    """A row of the turn table (rows written before turns were levelled have no gain and no level, rows written
    before turns were limited no mark); None unless each field has its type and a sane value."""
    ints, floats = (offset, length, gain), (start, end)
    if not (_hex(key) and _hex(digest) and all(type(n) is int for n in ints)
            and all(type(n) in (int, float) for n in floats)):
        return None
    if offset < 0 or length <= 0 or not -255 <= gain <= 255 or not 0 <= start <= end <= 1e7 \
            or type(limited) not in (int, bool):
        return None
    return TurnSpan(key, offset, length, float(start), float(end), digest, gain, TurnLevel.from_list(level),
                    bool(limited))


def _hex(value: object) -> bool:
    """A key or digest as the build writes them (hexadecimal); letters and digits of ASCII at least."""
    return isinstance(value, str) and 0 < len(value) <= 128 and value.isascii() and value.isalnum()


def _latin1_txxx(head: bytes, body: bytes) -> dict[str, str] | None:
    """Latin-1 TXXX frames of an ID3v2.3 tag with no unsynchronisation, extended header or frame
    flags (as `tag_mp3` writes it), read without parsing the other frames (mutagen parses them all,
    cover and chapters included: most of the time of checking 1000 episodes); None for other tags."""
    if head[:4] != b"ID3\x03" or head[5] & 0xC0:
        return None
    found: dict[str, str] = {}
    at = 0
    while at + 10 <= len(body) and body[at] != 0:
        frame, size, flags = body[at:at + 4], int.from_bytes(body[at + 4:at + 8], "big"), body[at + 8:at + 10]
        if flags != b"\0\0" or at + 10 + size > len(body):
            return None
        if frame == b"TXXX" and size and body[at + 10] == 0:  # encoding 0: Latin-1
            desc, _, value = body[at + 11:at + 10 + size].partition(b"\0")
            found[desc.decode("latin-1")] = value.rstrip(b"\0").decode("latin-1")
        at += 10 + size
    return found if TURNS_DESC in found and SIGNATURE_DESC in found else None
