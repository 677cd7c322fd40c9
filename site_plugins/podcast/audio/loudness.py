"""How loud a turn is: its integrated loudness (ITU-R BS.1770-4, as podcast apps measure it) and true peak.

The turn's bare MP3 frames are decoded by miniaudio (dr_mp3), loudness is measured by pyloudnorm, and the
true peak is the largest sample after 4x oversampling (scipy's `resample_poly`). The decoder's output
stops at full scale, so a clip is decoded 12 dB quieter (a lossless gain, `gain.apply_gain`) and the
figures are raised back: a peak above full scale is measured instead of cut off.
"""

from __future__ import annotations

import math
import warnings

from ..model import TurnLevel
from ..mp3frames import read_frames
from .gain import STEP_DB, apply_gain, gain_range

BLOCK_SECONDS = 0.4
"""BS.1770's gating block."""
ABSOLUTE_GATE = -70.0
RELATIVE_GATE = 10.0
"""LU below the loudness of the blocks above the absolute gate."""
HEADROOM_STEPS = 8
"""Gain steps (12 dB) taken off before decoding, so that peaks up to +12 dBTP are measured, not clipped."""
SILENT_PEAK = -120.0
"""The peak recorded for a turn with no signal at all."""
OVERSAMPLING = 4


def measure_clip(data: bytes) -> TurnLevel:
    """The level of one turn's bare MP3 frames, as its engine spoke them (decoded once)."""
    frames = read_frames(data)
    gains = gain_range(data, frames)
    samples, rate = decoded(apply_gain(data, -HEADROOM_STEPS, frames))
    shift = HEADROOM_STEPS * STEP_DB
    loudness, seconds = integrated_loudness(samples, rate)
    peak = true_peak(samples)
    return TurnLevel(None if loudness is None else round(loudness + shift, 2), round(seconds, 1),
                     round(peak + shift, 2) if peak > SILENT_PEAK else SILENT_PEAK, gains.lowest, gains.highest)


def decoded(data: bytes):
    """(samples as float64 in -1..1, one column per channel; the sample rate)."""
    import miniaudio
    import numpy as np

    sound = miniaudio.mp3_read_f32(data)
    samples = np.frombuffer(sound.samples, dtype=np.float32).astype(np.float64)
    return samples.reshape(-1, sound.nchannels), sound.sample_rate


def integrated_loudness(samples, rate: int) -> tuple[float | None, float]:
    """(gated loudness in LUFS or None when nothing passes the gates, seconds of the blocks that pass).

    A clip shorter than one 400 ms block is measured as if it were looped to fill the block: the same
    mean square, where pyloudnorm would refuse it."""
    import numpy as np
    import pyloudnorm

    if not len(samples) or not np.any(samples):
        return None, 0.0
    length = len(samples)
    if length <= BLOCK_SECONDS * rate:
        samples = np.tile(samples, (math.ceil(BLOCK_SECONDS * rate / length) + 1, 1))
    meter = pyloudnorm.Meter(rate)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # log10(0) for silent blocks: they are gated out
        loudness = meter.integrated_loudness(samples)
    if not math.isfinite(loudness) or loudness < ABSOLUTE_GATE:
        return None, 0.0
    blocks = np.asarray(meter.blockwise_loudness, dtype=np.float64)
    loud = blocks[blocks >= ABSOLUTE_GATE]
    gate = 10 * math.log10(float(np.mean(10 ** (loud / 10)))) - RELATIVE_GATE
    passed = int(np.count_nonzero(loud >= gate))
    step = BLOCK_SECONDS * (1 - meter.overlap)
    return float(loudness), min(length / rate, passed * step)


def true_peak(samples) -> float:
    """The largest absolute sample after 4x oversampling, in dBTP; `SILENT_PEAK` for silence."""
    import numpy as np
    from scipy.signal import resample_poly

    if not samples.size or not np.any(samples):
        return SILENT_PEAK
    return 20 * math.log10(float(np.max(np.abs(resample_poly(samples, OVERSAMPLING, 1, axis=0)))))
