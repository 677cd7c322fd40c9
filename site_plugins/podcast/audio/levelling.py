"""One loudness for every episode, whatever engines spoke its turns: a lossless gain per turn, where peaks allow.

Each turn is measured once (`loudness.measure_clip`; the level is kept in the cache by the turn's digest,
and in the episode's tag so that a build that splices the turn need not decode it), then given whole
steps of `global_gain` (1.505 dB each, `gain.apply_gain`) so that:
- its true peak stays at or below -1 dBTP (the ceiling wins over loudness);
- it is no more than 1.5 dB from the turns beside it;
- and, within those two rules, as close as it can be to the site's `loudness:` (-16 LUFS by default).
A turn whose peaks would keep it more than half a step (0.75 dB) below the target is limited instead
(`limiter.limit_turn`: decoded, brought to the target, its peaks limited, encoded again), once: the limited
turn is kept in the cache by the digest of the turn it was made from, the target and `LIMITER_VERSION`, and in
the episode's tag as it is, marked limited, with its own level; it takes no gain. With the limiter off
(`loudness_limiter: false`), or where it fails, a turn whose peaks keep it from reaching the target stays
below it, and the turns around it come down towards it, 1.3 dB per turn at most, so that the ones far from
it can still reach the target: the episode follows only as far as the neighbour rule needs (how fast the
turns can climb back depends on where their levels fall on the 1.505 dB grid; in the worst case the whole
episode follows the quietest turn). The chosen gains are those of least squared distance from the target
(weighted by each turn's gated seconds) among the ones that keep both rules, found turn by turn (dynamic
programming over the few steps each turn may take).

The cache holds each turn as its engine returned it; a turn spliced from a published episode carries the
gain it was given there, and gets the difference. Its bytes are then those the cache would give, except in
granules below `gain.QUIET_GAIN` that an earlier fall clamped at 0, which are inaudible either way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from ..model import TurnLevel
from ..mp3frames import duration_of, read_frames
from .clips import Clip, ClipStore, digest
from .gain import STEP_DB, apply_gain
from .limiter import LIMITER_VERSION, limit_turn
from .loudness import measure_clip

CEILING_DBTP = -1.0
"""True peak that no turn may pass after its gain (Apple's podcast recommendation)."""
PEAK_MARGIN_DB = 0.3
"""Kept below the ceiling: other meters oversample with other filters, and decoders round differently."""
NEIGHBOUR_DB = 1.5
"""Most a turn's loudness may differ from the turn before and after it."""
PLAN_NEIGHBOUR_DB = 1.3
"""What the plan keeps to, so that another meter's reading of the turns (within 0.2 dB of ours) still keeps
`NEIGHBOUR_DB`. Two turns can always be brought this close (the levels a turn may take are 1.505 dB apart,
so some are within 0.75 dB of any other turn's), but a turn can follow its neighbour up or down by a whole
step only when their levels fall apart by less than this on the 1.505 dB grid."""
_FAR = 1e9
_ROUNDING = 1e-9
"""dB a difference may pass a limit by in floating point and still keep it."""


@dataclass(frozen=True, slots=True)
class Plan:
    gains: tuple[int, ...]
    """Steps of gain per turn, from what its engine returned."""
    loudness: float | None
    """The episode's loudness after the gains, estimated from its turns' (None: nothing audible)."""


def plan_gains(levels: Sequence[TurnLevel | None], target: float, *, fixed: Sequence[bool] = ()) -> Plan:
    """The gain of each turn (0 for the silent, the unmeasured and the `fixed`) for an episode at `target` LUFS."""
    audible = [(index, level) for index, level in enumerate(levels) if level is not None and level.loudness is not None]
    gains = [0] * len(levels)
    if not audible:
        return Plan(tuple(gains), None)
    tops = [0 if index < len(fixed) and fixed[index] else _top(level, target) for index, level in audible]
    lowest = min(level.loudness + top * STEP_DB for (_, level), top in zip(audible, tops, strict=True))
    options = [range(1) if index < len(fixed) and fixed[index] else _options(level, target, top, lowest)
               for (index, level), top in zip(audible, tops, strict=True)]
    for (index, _), steps in zip(audible, _best_path(audible, options, target), strict=True):
        gains[index] = steps
    return Plan(tuple(gains), _episode_loudness([level for _, level in audible],
                                                [gains[index] for index, _ in audible]))


def _top(level: TurnLevel, target: float) -> int:
    """The most steps a turn may be raised: one past its target, at most, and never past the ceiling or 255."""
    ideal = round((target - level.loudness) / STEP_DB)  # type: ignore[operator]
    return min(_lossless_top(level), ideal + 1)


def _lossless_top(level: TurnLevel) -> int:
    """The most steps a turn may be raised by before its true peak passes the ceiling or a gain passes 255."""
    return min(math.floor((CEILING_DBTP - PEAK_MARGIN_DB - level.peak) / STEP_DB), 255 - level.highest)


def needs_limiter(level: TurnLevel, target: float) -> bool:
    """Whether a lossless gain leaves the turn more than half a step (0.75 dB) below `target`: the step that
    would bring it within 0.75 dB would take its true peak past the ceiling."""
    if level.loudness is None:
        return False
    return level.loudness + _lossless_top(level) * STEP_DB < target - STEP_DB / 2 - _ROUNDING


def limited_key(clip: Clip, target: float) -> str:
    """The cache key of a turn limited from `clip` for `target` LUFS."""
    return digest(json.dumps([clip.digest, clip.gain, target, LIMITER_VERSION]).encode("ascii"))


def _options(level: TurnLevel, target: float, top: int, lowest: float) -> range:
    """The steps a turn may take: from deep enough to sit beside the quietest turn, up to `top`."""
    ideal = round((target - level.loudness) / STEP_DB)  # type: ignore[operator]
    deepest = math.floor((lowest - PLAN_NEIGHBOUR_DB - level.loudness) / STEP_DB)  # type: ignore[operator]
    bottom = max(-level.lowest, min(ideal - 2, deepest))
    return range(min(bottom, top), top + 1)


def _best_path(audible: list[tuple[int, TurnLevel]], options: list[range], target: float) -> list[int]:
    """The steps of least weighted squared distance from `target` that keep neighbours within
    `PLAN_NEIGHBOUR_DB` (a pair that cannot costs `_FAR` per dB past it, so there is always an answer)."""
    import numpy as np

    def loudness(position: int) -> np.ndarray:
        level = audible[position][1]
        return level.loudness + np.asarray(options[position], dtype=np.float64) * STEP_DB

    def cost(position: int) -> np.ndarray:
        return max(audible[position][1].seconds, 0.1) * (loudness(position) - target) ** 2

    total = cost(0)
    back: list[np.ndarray] = []
    for position in range(1, len(audible)):
        apart = np.abs(loudness(position)[None, :] - loudness(position - 1)[:, None])
        steps = total[:, None] + _FAR * np.maximum(apart - PLAN_NEIGHBOUR_DB - _ROUNDING, 0.0)
        back.append(np.argmin(steps, axis=0))
        total = steps[back[-1], np.arange(len(options[position]))] + cost(position)
    chosen = [int(np.argmin(total))]
    for pointers in reversed(back):
        chosen.append(int(pointers[chosen[-1]]))
    chosen.reverse()
    return [options[position][choice] for position, choice in enumerate(chosen)]


def _episode_loudness(levels: list[TurnLevel], gains: list[int]) -> float:
    """The integrated loudness of turns joined, from each one's loudness and gated seconds."""
    weights = [max(level.seconds, 0.1) for level in levels]
    power = sum(weight * 10 ** ((level.loudness + steps * STEP_DB) / 10)  # type: ignore[operator]
                for weight, level, steps in zip(weights, levels, gains, strict=True))
    return 10 * math.log10(power / sum(weights))


def shifted(level: TurnLevel, steps: int) -> TurnLevel:
    """The level of a turn after `steps` of gain."""
    change = steps * STEP_DB
    return replace(level, loudness=None if level.loudness is None else round(level.loudness + change, 2),
                   peak=round(level.peak + change, 2), lowest=level.lowest + steps, highest=level.highest + steps)


class Leveller:
    """Levels the turns of one episode after another; measures each turn once (the store keeps the levels), and
    limits a turn once (the store keeps it)."""

    def __init__(self, store: ClipStore, *, target: float | None, limit: bool = True,
                 say: Callable[[str], None] = lambda _: None):
        self.store = store
        self.target = target
        """LUFS; None: turns are published as their engines returned them."""
        self.limit = limit
        """Whether turns whose peaks keep them below the target are limited (else they stay below it)."""
        self.say = say
        self.measured = 0
        """Turns decoded and measured by this leveller."""
        self.limited = 0
        """Turns decoded, limited and encoded again by this leveller."""

    def level(self, clips: Sequence[Clip], *, name: str = "") -> list[Clip]:
        """The clips with their gains applied, each knowing its gain and its level as its engine spoke it; a turn
        that needs it limited instead."""
        if self.target is None:
            levels = [clip.level for clip in clips]
            plan = Plan((0,) * len(clips), None)
        else:
            limited_before = self.limited
            prepared = [self._prepared(clip, self.target) for clip in clips]
            clips, levels = [clip for clip, _ in prepared], [level for _, level in prepared]
            plan = plan_gains(levels, self.target, fixed=[clip.limited for clip in clips])
            if self.limited > limited_before:
                count = self.limited - limited_before
                self.say(f"loudness: {count} turn{'s' * (count > 1)} of {name or 'an episode'} limited and encoded "
                         f"again: their peaks kept them below {self.target:g} LUFS by a lossless gain")
        if plan.loudness is not None and self.target is not None and plan.loudness < self.target - 1:
            self.say(f"loudness: {name or 'an episode'} is at {plan.loudness:.1f} LUFS, not {self.target:g}: the "
                     f"peaks of its turns allow it no louder by a lossless gain (true peak at most {CEILING_DBTP:g} "
                     f"dBTP){'' if self.limit else ', and loudness_limiter is false'}")
        return [_with_gain(clip, level, steps) for clip, level, steps in zip(clips, levels, plan.gains, strict=True)]

    def _prepared(self, clip: Clip, target: float) -> tuple[Clip, TurnLevel]:
        """The clip to level and its level: the turn limited for `target` when a lossless gain falls short."""
        level = self.level_of(clip)
        if clip.limited:
            if level.loudness is not None and abs(level.loudness - target) <= STEP_DB / 2:
                return clip, level
            clip = replace(clip, limited=False)  # limited for another loudness: a turn like any other
        if not self.limit or not needs_limiter(level, target):
            return clip, level
        made = self._limited(clip, target)
        return (clip, level) if made is None else (made, made.level)  # type: ignore[return-value]

    def _limited(self, clip: Clip, target: float) -> Clip | None:
        """The turn limited for `target`: from the store, or made (and kept); None when the limiter failed."""
        key = limited_key(clip, target)
        made = self.store.limited(key)
        if made is not None:
            return replace(made, level=self.level_of(made))
        self.limited += 1
        result = limit_turn(clip.data, target, most_peak=CEILING_DBTP - PEAK_MARGIN_DB)
        if result is None:
            return None
        data, level = result
        made = Clip(data, duration_of(read_frames(data)), digest(data), 0, level, limited=True)
        self.store.put_limited(key, made)
        self.store.remember_level(made.digest, level)
        return made

    def level_of(self, clip: Clip) -> TurnLevel:
        """The level of the turn as its engine spoke it: from the clip, the cache, or measured (and kept)."""
        if clip.level is not None:
            return clip.level
        known = self.store.level(clip.digest) if clip.gain == 0 else None
        if known is not None:
            return known
        level = shifted(measure_clip(clip.data), -clip.gain)
        self.measured += 1
        if clip.gain == 0:
            self.store.remember_level(clip.digest, level)
        return level


def _with_gain(clip: Clip, level: TurnLevel | None, steps: int) -> Clip:
    if steps == clip.gain:
        return replace(clip, gain=steps, level=level)
    data = apply_gain(clip.data, steps - clip.gain)
    return replace(clip, data=data, digest=digest(data), gain=steps, level=level)
