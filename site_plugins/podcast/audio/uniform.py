"""One format and one bitrate per episode file, so that its length and seek positions are what players compute.

An MP3 without a VBR header is taken for constant bitrate: chromium (like most players) computes its duration,
and the byte where each second starts, from its size and its first frame's bitrate. Turns joined as their engines
made them break that as soon as two engines differ (gTTS and eSpeak NG make 32 kbit/s, Edge 48): chromium then
shows an episode of 2:13 as 2:44 and lands seconds away from where it was sent. A Xing header (frame count and
a 100-entry table of contents) mends the duration but not the seeks, which land within 1/256 of the file's size
of the target: 0.3 s in a file of two minutes, seconds in a podcast. So every frame of an episode is written at
its highest bitrate, without re-encoding: a frame's coded audio (`part2_3_length` bits of Huffman data) is
copied into the larger frame as it is, and only where it starts in the bit reservoir (`main_data_begin`)
changes, so decoders produce the very same samples. Each turn (and the pause) is repacked on its own, its first
frame borrowing nothing from the frames before it, so a turn can still be cut out of a finished file and used
elsewhere.

Speech in another format (another sample rate, stereo, MPEG-1) cannot be joined at all: it is decoded and
encoded again in `FORMAT`, once, when it arrives.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..mp3frames import Frame, Mp3Error, read_frames
from ..speech.core import FORMAT, encode_mp3

_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
"""MPEG-2 Layer III bitrates by header index."""
_SIDE_INFO = 9
"""Bytes of side information in an MPEG-2 mono frame: main_data_begin (8 bits), private bit, one granule."""
_MOST_BORROWED = 255
"""How far back main_data_begin (8 bits in MPEG-2) may point into the frames before."""
_FRAME_BYTES_PER_KBPS = FORMAT.samples_per_frame // 8 * 1000 // FORMAT.sample_rate
"""A frame of `FORMAT` takes 3 bytes per kbit/s (72 * bitrate / 24000, never padded at 24 kHz)."""


def in_format(mp3: bytes) -> tuple[bytes, list[Frame]]:
    """`mp3` as MP3 in `FORMAT`, with its frames: as it is when every frame is, else decoded (miniaudio) and
    encoded again. Speech with no frame at all is refused: it would be a turn of no seconds."""
    frames = read_frames(mp3)
    if not frames:
        raise Mp3Error("the speech engine's answer holds no audio frames")
    if all(frame.format == FORMAT for frame in frames):
        return mp3, frames
    import miniaudio

    try:
        decoded = miniaudio.decode(mp3, output_format=miniaudio.SampleFormat.SIGNED16, nchannels=1,
                                   sample_rate=frames[0].format.sample_rate)  # LAME resamples: better than linear
    except miniaudio.DecodeError as exc:
        raise Mp3Error(f"speech in {frames[0].format} could not be decoded to make it {FORMAT}: {exc}") from None
    encoded = encode_mp3(decoded.samples.tobytes(), decoded.sample_rate)
    return encoded, read_frames(encoded)


def bitrate(data: bytes | memoryview, frame: Frame) -> int:
    """A frame's bitrate in kbit/s."""
    return _KBPS[data[frame.offset + 2] >> 4]


def first_bitrate(data: bytes | memoryview) -> int:
    """The bitrate (kbit/s) of the frame `data` starts with; 0 when it starts with none of `FORMAT`."""
    if len(data) < 4 or bytes(data[:2]) not in (b"\xff\xf2", b"\xff\xf3") or data[2] & 0x0C != 0x04 \
            or data[3] >> 6 != 3 or data[2] >> 4 in (0, 15):  # MPEG-2 Layer III, 24 kHz, mono
        return 0
    return _KBPS[data[2] >> 4]


def at_bitrate(part: bytes, kbps: int) -> bytes:
    """`part` repacked to `kbps` when some of its frames are at a lower bitrate and none at a higher; else as it
    is."""
    rates = {bitrate(part, frame) for frame in read_frames(part)}
    return part if not rates or rates <= {kbps} or max(rates) > kbps else repack(part, kbps)


def bitrates(part: bytes) -> set[int]:
    """The bitrates (kbit/s) of a turn's bare frames of `FORMAT`. Each such frame is exactly 3 bytes per kbit/s
    long, so the walk reads one byte per frame: an episode's 30,000 frames in milliseconds, where parsing each
    header in full took a tenth of a second (the checked reading is `read_frames`, when the turn arrived)."""
    found, at, end = set(), 0, len(part)
    while at + 4 <= end:
        kbps = _KBPS[part[at + 2] >> 4]
        if not kbps:
            return {bitrate(part, frame) for frame in read_frames(part)}
        found.add(kbps)
        at += _FRAME_BYTES_PER_KBPS * kbps + (part[at + 2] >> 1 & 1)
    return found if at == end else {bitrate(part, frame) for frame in read_frames(part)}


def one_bitrate(parts: Sequence[bytes]) -> list[bytes]:
    """The parts of an episode (turns' bare frames, the pause), each at the highest bitrate among them."""
    rates = [bitrates(part) for part in parts]
    highest = max(set().union(*rates), default=0)
    return [part if found <= {highest} else repack(part, highest) for part, found in zip(parts, rates, strict=True)]


def repack(data: bytes, kbps: int) -> bytes:
    """Bare frames of `FORMAT` rewritten as frames of `kbps` (no lower than any of theirs), same coded audio."""
    frames = read_frames(data)
    size = _FRAME_BYTES_PER_KBPS * kbps
    room = size - 4 - _SIDE_INFO
    payloads = _main_data(data, frames)
    reservoir = bytearray()
    begins = []
    for index, payload in enumerate(payloads):
        area = index * room
        start = max(len(reservoir), area - _MOST_BORROWED)
        if start > area or start + len(payload) > area + room:
            raise Mp3Error(f"frame {index} does not fit a frame of {kbps} kbit/s")
        reservoir += bytes(start - len(reservoir)) + payload
        begins.append(area - start)
    reservoir += bytes(len(frames) * room - len(reservoir))
    out = bytearray()
    for index, (frame, begin) in enumerate(zip(frames, begins, strict=True)):
        head = data[frame.offset:frame.offset + 4]
        side = data[frame.offset + 4 + _crc_bytes(head):][:_SIDE_INFO]
        out += bytes((0xFF, head[1] | 1, _KBPS.index(kbps) << 4 | (head[2] & 0x0D), head[3]))  # no CRC, no padding
        out += bytes((begin,)) + side[1:]
        out += reservoir[index * room:(index + 1) * room]
    return bytes(out)


def _main_data(data: bytes, frames: list[Frame]) -> list[bytes]:
    """Each frame's coded audio, gathered from the bit reservoir: whole bytes, from where its side info says."""
    reservoir = bytearray()
    payloads = []
    for frame in frames:
        if frame.format != FORMAT:
            raise Mp3Error(f"a frame at byte {frame.offset} is {frame.format}, expected {FORMAT}")
        head = data[frame.offset:frame.offset + 4]
        side_at = frame.offset + 4 + _crc_bytes(head)
        side = data[side_at:side_at + _SIDE_INFO]
        begin, bits = side[0], (side[1] & 0x7F) << 5 | side[2] >> 3
        start = len(reservoir) - begin
        reservoir += data[side_at + _SIDE_INFO:frame.offset + frame.length]
        end = start + (bits + 7) // 8
        if start < 0 or end > len(reservoir):
            raise Mp3Error(f"the frame at byte {frame.offset} points outside its stream's bit reservoir")
        payloads.append(bytes(reservoir[start:end]))
    return payloads


def _crc_bytes(head: bytes | memoryview) -> int:
    return 0 if head[1] & 1 else 2
