"""MPEG audio frames: find them, count their samples, strip tags, so that streams join without re-encoding.

Below both `load` (which checks that a recording is an MP3) and `audio` (which measures and joins MP3s).
"""

from __future__ import annotations

from dataclasses import dataclass

from .errors import PodcastError

# Bitrates (kbit/s) by version family and layer; index 0 is "free", 15 is invalid.
_BITRATES = {
    (1, 1): (0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448),
    (1, 2): (0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384),
    (1, 3): (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    (2, 1): (0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256),
    (2, 2): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
    (2, 3): (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_SAMPLE_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}  # by version bits
_VERSION_BITS = {3: "1", 2: "2", 0: "2.5"}


class Mp3Error(PodcastError):
    """Bytes that are not a clean MPEG audio stream."""


@dataclass(frozen=True, slots=True)
class FrameFormat:
    version: str
    """'1', '2' or '2.5'."""
    layer: int
    sample_rate: int
    channels: int

    @property
    def samples_per_frame(self) -> int:
        if self.layer == 1:
            return 384
        if self.layer == 3 and self.version != "1":
            return 576
        return 1152


@dataclass(frozen=True, slots=True)
class Frame:
    offset: int
    length: int
    format: FrameFormat


def _parse_header(data: bytes | memoryview, offset: int) -> Frame | None:
    if offset + 4 > len(data) or data[offset] != 0xFF or (data[offset + 1] & 0xE0) != 0xE0:
        return None
    b1, b2, b3 = data[offset + 1], data[offset + 2], data[offset + 3]
    version_bits, layer_bits = (b1 >> 3) & 3, (b1 >> 1) & 3
    bitrate_index, rate_index, padding = b2 >> 4, (b2 >> 2) & 3, (b2 >> 1) & 1
    if version_bits == 1 or layer_bits == 0 or bitrate_index in (0, 15) or rate_index == 3:
        return None
    layer = 4 - layer_bits
    family = 1 if version_bits == 3 else 2
    bitrate = _BITRATES[(family, layer)][bitrate_index] * 1000
    sample_rate = _SAMPLE_RATES[version_bits][rate_index]
    if layer == 1:
        length = (12 * bitrate // sample_rate + padding) * 4
    elif layer == 3 and family == 2:
        length = 72 * bitrate // sample_rate + padding
    else:
        length = 144 * bitrate // sample_rate + padding
    channels = 1 if (b3 >> 6) == 3 else 2
    return Frame(offset, length, FrameFormat(_VERSION_BITS[version_bits], layer, sample_rate, channels))


def id3v2_size(data: bytes | memoryview) -> int:
    """Bytes taken by an ID3v2 tag at the start of `data` (0 when there is none)."""
    if len(data) < 10 or bytes(data[:3]) != b"ID3":
        return 0
    size = 0
    for byte in data[6:10]:
        size = (size << 7) | (byte & 0x7F)
    footer = 10 if data[5] & 0x10 else 0
    return 10 + size + footer


def _is_info_frame(data: bytes | memoryview, frame: Frame) -> bool:
    """A Xing/Info/VBRI header frame: it carries no audio and states a length that joining breaks."""
    head = bytes(data[frame.offset:frame.offset + min(frame.length, 64)])
    return b"Xing" in head or b"Info" in head or b"VBRI" in head


def read_frames(data: bytes | memoryview, *, strict: bool = True, limit: int = 0, junk: int = 0) -> list[Frame]:
    """The audio frames of an MP3, skipping ID3v2/ID3v1 tags and Xing/Info frames.

    With `strict`, any byte that is not part of a frame or a tag is an error (a damaged
    file); otherwise scanning resynchronises on the next frame header. `limit`: stop after
    that many frames (0: read them all); `junk`: stop after skipping more bytes than that (0: never).
    """
    if not strict and isinstance(data, memoryview):
        data = bytes(data)  # searched for the next frame below
    offset = id3v2_size(data)
    end = len(data)
    if end - offset >= 128 and bytes(data[end - 128:end - 125]) == b"TAG":
        end -= 128
    frames: list[Frame] = []
    skipped = 0
    while offset < end:
        frame = _parse_header(data, offset)
        if frame is None or offset + frame.length > end:
            if strict:
                raise Mp3Error(f"not an MPEG audio frame at byte {offset} of {len(data)}")
            following = _next_sync(data, offset + 1, end)
            skipped += following - offset
            offset = following
            if junk and skipped > junk:
                break
            continue
        if not (not frames and _is_info_frame(data, frame)):
            frames.append(frame)
            if len(frames) == limit:
                break
        offset += frame.length
    return frames


def _next_sync(data: bytes, start: int, end: int) -> int:
    """Where the next frame header may start (a 0xFF byte), or `end`: runs of zeros are passed at C speed."""
    found = data.find(b"\xff", start, end)
    return end if found == -1 else found


def audio_bytes(data: bytes, frames: list[Frame] | None = None) -> bytes:
    """Just the audio frames, tags and info frames stripped."""
    frames = read_frames(data) if frames is None else frames
    view = memoryview(data)
    return b"".join(view[f.offset:f.offset + f.length] for f in frames)


def check_format(frames: list[Frame], expected: FrameFormat) -> None:
    for frame in frames:
        if frame.format != expected:
            raise Mp3Error(f"a frame at byte {frame.offset} is {frame.format}, expected {expected}")


def duration_of(frames: list[Frame]) -> float:
    """Exact seconds: samples counted frame by frame."""
    return sum(f.format.samples_per_frame / f.format.sample_rate for f in frames)



def frame_at(data: bytes | memoryview, offset: int) -> Frame | None:
    """The frame whose header starts at `offset`; None when there is none (it may run past the data)."""
    return _parse_header(data, offset)
