"""Lossless gain for MPEG Layer III: change each granule's `global_gain`, as mp3gain does.

A granule's spectral values are scaled by 2^((global_gain - 210) / 4), so one step of `global_gain` is a
gain of 2^(1/4) in amplitude (+1.505 dB), applied before the decoder's filter bank: the decoded signal is
the same one multiplied exactly, and nothing is re-encoded. `global_gain` is 8 bits in the side info of
every granule and channel (two granules per frame in MPEG-1, one in MPEG-2 and 2.5), mono or stereo.

Granules with no coded bits (`part2_3_length` 0) are silent whatever their `global_gain` and are left as
they are. The others are clamped to 0..255; `gain_range` tells how far a clip may go before an audible one
is. A frame with a CRC gets its CRC computed again (CRC-16, polynomial 0x8005, over the header's last two
bytes and the side info), so decoders that check it still accept the frame.

The fields are read and written for all frames at once (numpy): an episode has tens of thousands of frames.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..mp3frames import Frame, Mp3Error, frame_at

STEP_DB = 1.5051499783199058
"""One step of `global_gain` in decibels: 20 * log10(2 ** (1 / 4))."""
QUIET_GAIN = 64
"""Granules below this `global_gain` are inaudible (speech at 24 kHz has 150 to 210; below 140 a granule adds
less than a tenth of a 16-bit step to the decoded sound, and every 4 less halves that): they may be clamped
at 0, so they do not limit how far a clip may be made quieter. LAME ends a stream with one at 0."""
_GAIN_AT = 21
"""Bits from the start of a granule's fields to its `global_gain` (after part2_3_length and big_values)."""


@dataclass(frozen=True, slots=True)
class _Layout:
    side_info: int
    """Bytes of side info."""
    first: int
    """Bit of the first granule's first field, from the start of the side info."""
    block: int
    """Bits of one granule's fields for one channel."""
    fields: int
    """Granules times channels."""


def _layout(version: str, channels: int) -> _Layout:
    mono = channels == 1
    if version == "1":
        return _Layout(17 if mono else 32, 18 if mono else 20, 59, 2 * channels)
    return _Layout(9 if mono else 17, 9 if mono else 10, 63, channels)


@dataclass(frozen=True, slots=True)
class GainRange:
    """The smallest and largest `global_gain` among a clip's audible granules (coded, and at least
    `QUIET_GAIN`): how far it may be changed."""

    lowest: int
    highest: int


@dataclass(frozen=True, slots=True)
class _Fields:
    """Where the `global_gain` of every coded granule is, in a copy of the frames with room to read past."""

    buffer: object
    """The frames as a numpy uint8 array, two zero bytes longer."""
    positions: object
    """Bit positions of the fields, from the start of the frames."""
    protected: list[tuple[int, int]]
    """(offset, bytes of side info) of each frame with a CRC."""


def _fields(data: bytes, frames: list[Frame] | None) -> _Fields:
    import numpy as np

    groups = _groups(data) if frames is None else _grouped(data, frames)
    buffer = np.frombuffer(data + b"\0\0", dtype=np.uint8).copy()
    positions, protected = [], []
    for (version, channels, crc), offsets in groups.items():
        layout = _layout(version, channels)
        starts = (np.asarray(offsets, dtype=np.int64) + 4 + 2 * crc) * 8
        fields = (starts[:, None] + layout.first + layout.block * np.arange(layout.fields)).ravel()
        positions.append(fields[_bits(buffer, fields, 12) > 0] + _GAIN_AT)  # part2_3_length: 0 when nothing coded
        protected += [(offset, layout.side_info) for offset in offsets] if crc else []
    found = np.concatenate(positions) if positions else np.zeros(0, dtype=np.int64)
    return _Fields(buffer, found, protected)


def _groups(data: bytes) -> dict[tuple[str, int, bool], list[int]]:
    """The offsets of the frames of bare MPEG audio by (version, channels, CRC); each kind of header is read
    once (an episode's turns have a few kinds and tens of thousands of frames)."""
    groups: dict[tuple[str, int, bool], list[int]] = {}
    kinds: dict[bytes, tuple[int, tuple[str, int, bool]]] = {}
    at, end = 0, len(data)
    while at < end:
        header = data[at:at + 4]
        kind = kinds.get(header)
        if kind is None:
            frame = frame_at(data, at)
            if frame is None:
                raise Mp3Error(f"not an MPEG audio frame at byte {at} of {end}")
            kind = kinds[header] = (frame.length, _kind(data, frame))
        if at + kind[0] > end:
            raise Mp3Error(f"the frame at byte {at} runs past the end ({end} bytes)")
        groups.setdefault(kind[1], []).append(at)
        at += kind[0]
    return groups


def _grouped(data: bytes, frames: list[Frame]) -> dict[tuple[str, int, bool], list[int]]:
    groups: dict[tuple[str, int, bool], list[int]] = {}
    for frame in frames:
        groups.setdefault(_kind(data, frame), []).append(frame.offset)
    return groups


def _kind(data: bytes, frame: Frame) -> tuple[str, int, bool]:
    if frame.format.layer != 3:
        raise Mp3Error(f"the frame at byte {frame.offset} is Layer {frame.format.layer}; gain needs Layer III")
    return frame.format.version, frame.format.channels, not data[frame.offset + 1] & 1


def gain_range(data: bytes, frames: list[Frame] | None = None) -> GainRange:
    """The range of `global_gain` over the audible granules of `data` (bare frames); (255, 0) for silence,
    which any gain leaves silent."""
    fields = _fields(data, frames)
    values = _bits(fields.buffer, fields.positions, 8)
    values = values[values >= QUIET_GAIN]
    return GainRange(int(values.min()), int(values.max())) if values.size else GainRange(255, 0)


def apply_gain(data: bytes, steps: int, frames: list[Frame] | None = None) -> bytes:
    """`data` (bare Layer III frames) `steps` * 1.505 dB louder (negative: quieter), each coded granule's
    `global_gain` clamped to 0..255. The same length, and the same bytes for 0 steps."""
    import numpy as np

    if steps == 0:
        return data
    fields = _fields(data, frames)
    values = _bits(fields.buffer, fields.positions, 8).astype(np.int64)
    _set_bits(fields.buffer, fields.positions, 8, np.clip(values + steps, 0, 255))
    out = bytearray(fields.buffer[:-2].tobytes())
    for offset, side_info in fields.protected:
        out[offset + 4:offset + 6] = frame_crc(out, offset, side_info).to_bytes(2, "big")
    return bytes(out)


def frame_crc(data: bytes | bytearray, offset: int, side_info: int) -> int:
    """The CRC-16 an MPEG audio frame at `offset` carries after its header, over the header's last two
    bytes and `side_info` bytes of side info."""
    crc = 0xFFFF
    for byte in (*data[offset + 2:offset + 4], *data[offset + 6:offset + 6 + side_info]):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005 if crc & 0x8000 else crc << 1) & 0xFFFF
    return crc


def _windows(buffer, positions):
    """The three bytes holding each field (of at most 16 bits), as one 24-bit number, and the field's
    shift within it."""
    import numpy as np

    at = positions >> 3
    window = (buffer[at].astype(np.int64) << 16) | (buffer[at + 1].astype(np.int64) << 8) | buffer[at + 2]
    return at, window, 24 - (positions & 7)


def _bits(buffer, positions, width: int):
    _, window, end = _windows(buffer, positions)
    return (window >> (end - width)) & ((1 << width) - 1)


def _set_bits(buffer, positions, width: int, values) -> None:
    """Write the fields; two never share a byte (a granule's fields are 59 or 63 bits apart)."""
    at, window, end = _windows(buffer, positions)
    mask = ((1 << width) - 1) << (end - width)
    window = (window & ~mask) | (values << (end - width))
    buffer[at], buffer[at + 1], buffer[at + 2] = window >> 16, (window >> 8) & 0xFF, window & 0xFF
