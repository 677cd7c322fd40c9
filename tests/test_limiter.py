"""The limiter: a turn whose peaks keep it below the target by a lossless gain is limited and encoded again, once;
the others keep their lossless gain. Episodes are metered by ffmpeg's ebur128 on mpg123's decode."""

from __future__ import annotations

import json
import re
import shutil
from itertools import pairwise

import numpy as np
import pytest
from mutagen.id3 import ID3, TXXX
from scipy.signal import resample_poly

from site_plugins.podcast.audio import limiter
from site_plugins.podcast.audio.clips import Clip
from site_plugins.podcast.audio.gain import apply_gain
from site_plugins.podcast.audio.id3 import TURNS_DESC, read_finished
from site_plugins.podcast.audio.uniform import at_bitrate, bitrates

from .test_loudness import LINES, build, decodes, ebur128, episode_text, turn_loudness, two_engines  # noqa: F401

pytestmark = pytest.mark.unit

RAW = {"卿姐": {"gender": "female"}, "晓旭": {"gender": "male"}}
"""Hosts on the offline engine: raw eSpeak NG speech, whose peaks stand 20 dB above its loudness."""
MIXED = {"卿姐": {"engine": "loud", "gender": "female"}, "晓旭": {"gender": "male"}}
"""One host whose speech reaches -16 LUFS by a lossless gain (see `test_loudness.two_engines`), one raw."""


def limited_files(root) -> list:
    return sorted((root / ".cache/podcast/limited").rglob("*.mp3"))


# --- the limiter on its own ----------------------------------------------------------------------------------
def test_the_gain_falls_before_a_peak_holds_it_under_the_ceiling_and_recovers_at_the_release_rate():
    rate, ceiling = 24000, -2.0
    time = np.arange(rate) / rate
    samples = 0.1 * np.sin(2 * np.pi * 440 * time)
    burst = slice(rate // 2, rate // 2 + rate // 50)  # 20 ms at 0.9, 19 dB above the rest
    samples[burst] *= 9
    gain = limiter.gain_curve(limiter.headroom(samples, rate), rate, gain_db=6.0, ceiling=ceiling)
    out = samples * gain
    peak = 20 * np.log10(np.max(np.abs(resample_poly(out, 8, 1))))  # another oversampling than the limiter's
    assert ceiling - 0.5 < peak <= ceiling + 0.05
    decibels = 20 * np.log10(gain)
    attack = round(limiter.ATTACK_SECONDS * rate)
    assert np.allclose(decibels[:burst.start - attack], 6.0), "nothing changes before the look-ahead"
    assert decibels[burst.start] < decibels[burst.start - attack // 2] < 6.0, "it has fallen when the peak comes"
    cut = decibels[burst.stop]
    after = burst.stop + rate // 20  # 50 ms later: 3 dB back at 60 dB/s, the look-ahead's smoothing aside
    assert abs(decibels[after] - cut - limiter.RELEASE_DB_PER_SECOND / 20) < 0.3
    assert np.allclose(decibels[-1], 6.0), "and it recovers"


# --- episodes on the offline engine ---------------------------------------------------------------------------
def test_raw_espeak_speech_is_limited_to_minus_16_and_an_independent_meter_agrees(tmp_path):
    _, said = build(tmp_path, episode_text(LINES[:6]), RAW)
    path = tmp_path / "audio/a.mp3"
    loudness, peak = ebur128(path)
    assert abs(loudness + 16) <= 0.5 and peak <= -1, (loudness, peak)
    turns = turn_loudness(path)
    assert max(abs(a - b) for a, b in pairwise(turns)) <= 1.5, turns
    spans = read_finished(path).turns
    assert all(span.limited and span.gain == 0 for span in spans), "raw eSpeak NG is too peaky for any turn"
    assert "loudness: 6 turns of a limited and encoded again: their peaks kept them below -16 LUFS by a lossless " \
           "gain" in said
    assert not [line for line in said if re.match(r"loudness: a is at", line)]
    assert len(limited_files(tmp_path)) == 6
    assert len(list((tmp_path / ".cache/podcast/turns").rglob("*.mp3"))) == 6, "and the turns as spoken"
    assert all(span.end - span.start > 0.3 for span in spans)


def test_a_fresh_folder_splices_limited_turns_as_they_are_without_decoding(tmp_path, decodes):  # noqa: F811
    build(tmp_path / "first", episode_text(LINES[:4]), RAW)
    published = tmp_path / "first/audio/a.mp3"
    (tmp_path / "fresh/audio").mkdir(parents=True)
    shutil.copy(published, tmp_path / "fresh/audio/a.mp3")
    before = decodes[0]
    report, said = build(tmp_path / "fresh", episode_text(LINES[:4], title="新标题"), RAW)  # the tag changes
    assert report.synthesized == 0 and report.reused == 0 and decodes[0] == before, "nothing decoded"
    assert not [line for line in said if line.startswith("loudness:")] and limited_files(tmp_path / "fresh") == []
    first, again = read_finished(published), read_finished(tmp_path / "fresh/audio/a.mp3")
    assert again.turns == first.turns and all(span.limited for span in again.turns)
    assert (tmp_path / "fresh/audio/a.mp3").read_bytes()[again.audio_offset:] == \
        published.read_bytes()[first.audio_offset:]
    assert build(tmp_path / "fresh", episode_text(LINES[:4], title="新标题"), RAW)[0].reused == 1, "digests hold"
    build(tmp_path / "fresh", episode_text(LINES[:4], title="新标题"), RAW, loudness=-18)
    quieter = read_finished(tmp_path / "fresh/audio/a.mp3").turns
    assert decodes[0] == before and [(span.gain, span.limited) for span in quieter] == [(-1, False)] * 4, \
        "limited for -16, they come down a step losslessly for -18"


def test_a_one_turn_edit_limits_that_turn_alone(tmp_path):
    build(tmp_path, episode_text(LINES[:4]), RAW)
    before = read_finished(tmp_path / "audio/a.mp3").turns
    report, said = build(tmp_path, episode_text(LINES[:2] + ["这一句改过了，再说一遍。"] + LINES[3:4]), RAW)
    assert report.synthesized == 1 and len(limited_files(tmp_path)) == 5
    assert "loudness: 1 turn of a limited and encoded again: their peaks kept them below -16 LUFS by a lossless " \
           "gain" in said
    after = read_finished(tmp_path / "audio/a.mp3").turns
    assert [span.digest for n, span in enumerate(after) if n != 2] == \
        [span.digest for n, span in enumerate(before) if n != 2]
    report, said = build(tmp_path, episode_text(LINES[:4]), RAW)
    assert report.synthesized == 0 and not [line for line in said if "limited" in line], "made once, then kept"


def test_turns_that_reach_the_target_by_a_lossless_gain_are_not_encoded_again(tmp_path, two_engines):  # noqa: F811
    build(tmp_path, episode_text(LINES[:6]), MIXED)
    path = tmp_path / "audio/a.mp3"
    finished = read_finished(path)
    loudness, peak = ebur128(path)
    assert abs(loudness + 16) <= 0.5 and peak <= -1, (loudness, peak)
    turns = turn_loudness(path)
    assert max(abs(a - b) for a, b in pairwise(turns)) <= 1.5, turns
    raw = spoken(tmp_path)
    lossless, limited = finished.turns[::2], finished.turns[1::2]
    assert all(span.limited for span in limited) and not any(span.limited for span in lossless)
    assert bitrates(finished.turn_bytes(finished.turns[0])) == {limiter.KBPS}, "the episode at the limited turns'"
    for span in lossless:
        assert finished.turn_bytes(span) == at_bitrate(apply_gain(raw[span.key], span.gain), limiter.KBPS), \
            "the engine's frames with another gain, repacked to the episode's bitrate: never decoded"
    build(tmp_path, episode_text(LINES[:6]), {name: {**host, "engine": "loud"} for name, host in MIXED.items()})
    finished, raw = read_finished(path), spoken(tmp_path)
    assert not any(span.limited for span in finished.turns) and any(span.gain for span in finished.turns)
    for span in finished.turns:
        assert finished.turn_bytes(span) == apply_gain(raw[span.key], span.gain)
    assert len(limited_files(tmp_path)) == 3, "only the raw host's turns were ever limited"


def spoken(root) -> dict[str, bytes]:
    """The turns in the cache, by key, as their engines spoke them."""
    return {file.stem: Clip.unpack(file.read_bytes()).data for file in (root / ".cache/podcast/turns").rglob("*.mp3")}


def test_turn_tables_written_before_the_limiter_still_read(tmp_path, two_engines):  # noqa: F811
    build(tmp_path, episode_text(LINES[:3]), {name: {**host, "engine": "loud"} for name, host in MIXED.items()})
    path = tmp_path / "audio/a.mp3"
    written = read_finished(path).turns
    tags = ID3(path)
    rows = json.loads(str(tags.getall(f"TXXX:{TURNS_DESC}")[0].text[0]))
    assert [row[8] for row in rows] == [0, 0, 0]
    tags.delall(f"TXXX:{TURNS_DESC}")
    tags.add(TXXX(encoding=0, desc=TURNS_DESC, text=json.dumps([row[:8] for row in rows])))
    tags.save(path, v2_version=3)
    assert read_finished(path).turns == written
