"""A true-peak limiter, for the turns whose peaks keep them below the episode's loudness by a lossless gain.

Raw eSpeak NG speech has peaks about 20 dB above its loudness: at -16 LUFS they would pass 0 dBTP, so a
lossless gain (`gain.apply_gain`) stops it near -21 LUFS. Such a turn is decoded (miniaudio), given the gain
that brings it to the target, limited, and encoded again (LAME, at 48 kbit/s): one more lossy generation,
for that turn alone.

The limiter looks ahead: the gain each sample needs (so that the 4x-oversampled signal around it stays under
`CEILING_DBTP`) is taken as the least over the next `ATTACK_SECONDS`, recovers at `RELEASE_DB_PER_SECOND`,
and is smoothed by a moving average as long as the look-ahead. Each sample's gain is then an average of
values that are all at most what that sample needs, so the gain has already fallen when a peak arrives, and
it never clicks. Cutting peaks lowers the loudness a little, so the gain before the limiter is raised until
the turn measures at the target. The encoder adds some overshoot, and LAME (as lameenc builds it) returns
sound 0.45 dB quieter than it was given: the encoded turn is measured again, and made again with what its
measurement says when it missed.
"""

from __future__ import annotations

import functools
import math

from ..model import TurnLevel
from ..mp3frames import audio_bytes
from ..speech.core import encode_mp3
from .gain import STEP_DB, apply_gain
from .loudness import HEADROOM_STEPS, decoded, integrated_loudness, measure_clip
from .uniform import bitrates

LIMITER_VERSION = 1
"""Part of a limited turn's key in the cache: bump it when the limiter makes other sound."""
CEILING_DBTP = -2.0
"""Where the limiter holds true peaks, below levelling's ceiling: the encode that follows adds 0.1 to 0.7 dB
(LAME at 48 kbit/s, measured on eSpeak NG speech; at 32 kbit/s up to 2 dB)."""
KBPS = 48
"""The bitrate a limited turn is encoded at, or its own when that is higher: a second generation at 32 kbit/s
sounds worse and its peaks stray further (`uniform` brings the other turns of the episode up to it)."""
ATTACK_SECONDS = 0.003
"""How far the limiter looks ahead, and how long its gain takes to fall."""
RELEASE_DB_PER_SECOND = 60.0
"""How fast the gain recovers after a peak: a cut of 6 dB is gone in 100 ms."""
OVERSAMPLING = 4
ENCODER_GAIN_DB = 20 * math.log10(0.95)
"""What LAME, as lameenc builds it, does to the level of what it encodes (measured: -0.45 dB)."""
LOUDNESS_TOLERANCE_DB = 0.15
"""How far from the target an encoded turn may measure and be kept."""
ROUNDS = 3
"""Encodes a turn may take before the limiter gives up on it (it then keeps its lossless gain)."""
ENCODER_DELAY = 576 + 529
"""Samples of silence that LAME's encoder (576) and the decoder's filter bank (529) put before the sound:
taken off again, when they are silent, so that a limited turn's sound starts where its source's did (it ends
a frame, 24 ms, later: LAME pads the last one)."""
_SILENT = 1e-4
"""A decoded sample below this (-80 dBFS) counts as silence when the delay is taken off."""


def limit_turn(data: bytes, target: float, *, most_peak: float) -> tuple[bytes, TurnLevel] | None:
    """`data` (bare frames of `FORMAT`) at `target` LUFS with true peaks at most `most_peak` dBTP: decoded,
    limited and encoded again; (bare frames, their level), or None when no round met both."""
    samples, rate = source_samples(data)
    loudness = integrated_loudness(samples[:, None], rate)[0]
    if loudness is None:
        return None
    room, kbps = headroom(samples, rate), max({KBPS, *bitrates(data)})
    aim, ceiling = target - ENCODER_GAIN_DB, CEILING_DBTP - ENCODER_GAIN_DB  # what the encoder is given
    for _ in range(ROUNDS):
        pcm = limited(samples, room, rate, loudness=loudness, aim=aim, ceiling=ceiling)
        made = audio_bytes(encode_mp3((pcm.clip(-1, 1) * 32767).round().astype("<i2").tobytes(), rate, kbps=kbps))
        level = measure_clip(made)
        if level.loudness is None:
            return None
        if abs(level.loudness - target) <= LOUDNESS_TOLERANCE_DB and level.peak <= most_peak:
            return made, level
        aim += target - level.loudness
        ceiling -= max(0.0, level.peak - most_peak + 0.1)
    return None


def source_samples(data: bytes):
    """The turn decoded to floats (peaks above full scale kept), without the encoder's leading silence."""
    import numpy as np

    samples, rate = decoded(apply_gain(data, -HEADROOM_STEPS))
    samples = samples[:, 0] * 10 ** (HEADROOM_STEPS * STEP_DB / 20)
    sound = np.flatnonzero(np.abs(samples[:ENCODER_DELAY]) > _SILENT)
    return samples[min(ENCODER_DELAY, int(sound[0]) if sound.size else ENCODER_DELAY):], rate


def headroom(samples, rate: int):
    """The most dB each sample may be raised by, so that the oversampled signal around it and around the samples
    up to `ATTACK_SECONDS` after it stays under 0 dBTP, and rising from a cut by `RELEASE_DB_PER_SECOND` at
    most. Raising `samples` by g dB and limiting them to c dBTP is then a gain of min(g, headroom + c) dB:
    computed once, for any gain and ceiling."""
    import numpy as np
    from scipy.ndimage import minimum_filter1d
    from scipy.signal import resample_poly

    above = np.abs(resample_poly(samples, OVERSAMPLING, 1))  # OVERSAMPLING values from each sample to the next
    between = functools.reduce(np.maximum, (above[phase::OVERSAMPLING] for phase in range(OVERSAMPLING)))
    envelope = np.maximum(between, np.concatenate(([0.0], between[:-1])))
    span = _span(rate)
    ahead = minimum_filter1d(-20 * np.log10(np.maximum(envelope, 1e-12)), span, mode="nearest",
                             origin=-(span // 2))  # the least over [n, n + span)
    rises = RELEASE_DB_PER_SECOND / rate * np.arange(len(samples))
    return np.minimum.accumulate(ahead - rises) + rises  # min(ahead[n], headroom[n - 1] + one step)


def limited(samples, room, rate: int, *, loudness: float, aim: float, ceiling: float):
    """`samples` (of `loudness` LUFS; `room` is their `headroom`) raised to `aim` LUFS and limited to `ceiling`
    dBTP: the gain is raised by what limiting took from their loudness until they measure within hundredths of
    a dB of `aim`."""
    gain_db = aim - loudness
    for _ in range(4):
        out = samples * gain_curve(room, rate, gain_db=gain_db, ceiling=ceiling)
        measured = integrated_loudness(out[:, None], rate)[0]
        if measured is None or abs(aim - measured) < 0.02:
            break
        gain_db += aim - measured
    return out


def gain_curve(room, rate: int, *, gain_db: float, ceiling: float):
    """The gain (in amplitude) of each sample that raises it by `gain_db` and limits it to `ceiling` dBTP (`room`
    is the samples' `headroom`): min(gain_db, room + ceiling) dB, averaged over the look-ahead before each
    sample, all of whose values are at most what that sample needs, so that it never clicks."""
    import numpy as np
    from scipy.ndimage import uniform_filter1d

    span = _span(rate)
    return uniform_filter1d(10 ** (np.minimum(gain_db, room + ceiling) / 20), span, mode="nearest",
                            origin=(span - 1) // 2)  # the mean over (n - span, n]


def _span(rate: int) -> int:
    return max(1, round(ATTACK_SECONDS * rate))
