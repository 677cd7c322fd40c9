"""One loudness for every episode: a lossless gain per turn, each turn measured once, levels kept in the tags.

The independent meter is ffmpeg's `ebur128` filter, on what mpg123 decodes (`tests/meters.py` says why).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from itertools import pairwise
from pathlib import Path

import miniaudio
import numpy as np
import pytest
from mutagen.id3 import ID3, TXXX

from site_plugins.podcast import load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.audio.clips import Clip
from site_plugins.podcast.audio.gain import QUIET_GAIN, STEP_DB, apply_gain, frame_crc, gain_range
from site_plugins.podcast.audio.id3 import TURNS_DESC, read_finished
from site_plugins.podcast.audio.levelling import PLAN_NEIGHBOUR_DB, plan_gains
from site_plugins.podcast.audio.loudness import measure_clip
from site_plugins.podcast.errors import SettingsError
from site_plugins.podcast.load.settings import parse_settings
from site_plugins.podcast.model import TurnLevel
from site_plugins.podcast.mp3frames import audio_bytes, read_frames
from site_plugins.podcast.speech import ENGINES, EngineSpec, EspeakEngine, Voice
from site_plugins.podcast.speech.core import encode_mp3
from site_plugins.podcast.speech.espeak import espeak_identity, espeak_voice, espeak_voice_problem

from . import meters
from .checkers import require

pytestmark = pytest.mark.unit

LINES = ["大家好，欢迎收听今天的节目，我们来谈谈能源。", "西方国家实施制裁之后，俄罗斯的能源收入锐减。",
         "财政赤字飙升，黄金储备也在大量出售。", "这些压力都迫使莫斯科寻求和平解决方案。",
         "可是前路依然充满不确定性，谁也说不准。", "欧洲的天然气价格也跟着一起大幅波动。",
         "我们下期节目再继续聊这个话题。", "谢谢大家收听，我们下期再见。"]
HOSTS = {"卿姐": {"engine": "loud", "gender": "female"}, "晓旭": {"engine": "soft", "gender": "male"}}


# --- real speech, encoded by LAME, decoded by miniaudio ----------------------------------------------------
def speech(text: str, voice: Voice | None = None) -> tuple[np.ndarray, int]:
    """eSpeak NG's speech for `text`: samples in -1..1 and their rate."""
    engine, voice = EspeakEngine(), voice or Voice("zh-CN")
    with EspeakEngine._lock:
        pcm = engine._pcm(text, voice)
    return np.frombuffer(pcm, dtype=np.int16).astype(np.float64) / 32768, EspeakEngine._sample_rate


def lame(samples: np.ndarray, rate: int, *, out_rate: int, channels: int, kbps: int) -> bytes:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(out_rate)
    encoder.set_channels(channels)
    encoder.set_quality(2)
    pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16).tobytes()
    return audio_bytes(bytes(encoder.encode(pcm) + encoder.flush()))


def decoded(data: bytes) -> np.ndarray:
    sound = miniaudio.mp3_read_f32(data)
    return np.frombuffer(sound.samples, dtype=np.float32).astype(np.float64)


def ebur128(path: Path, start: float | None = None, end: float | None = None) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of the file, or of its part from `start` to `end` seconds."""
    require(*meters.TOOLS)
    return meters.ebur128(path, start, end)


# --- the gain: lossless and exact ----------------------------------------------------------------------------
@pytest.mark.parametrize(("out_rate", "channels", "kbps", "version"), [
    (24000, 1, 32, "2"), (44100, 2, 128, "1"), (32000, 1, 64, "1"), (22050, 2, 64, "2"), (8000, 1, 16, "2.5")])
def test_gain_scales_the_decoded_sound_exactly_in_every_mpeg_version(out_rate, channels, kbps, version):
    voice, rate = speech("西方国家实施制裁之后，能源收入锐减。")
    samples = voice[:, None] if channels == 1 else np.stack([voice, 0.5 * np.roll(voice, 300)], axis=1)
    data = lame(0.7 * samples, rate, out_rate=out_rate, channels=channels, kbps=kbps)
    assert read_frames(data)[0].format.version == version
    base = apply_gain(data, -8)  # room above: the decoder stops at full scale
    before = decoded(base)
    for steps in (-3, 1, 5):
        after = decoded(apply_gain(base, steps))
        assert len(after) == len(before) and len(apply_gain(base, steps)) == len(base)
        ratio = 2 ** (steps / 4)
        assert np.max(np.abs(after - before * ratio)) <= 2 * (1 + ratio) / 32768, "the decoder's 16-bit rounding"
        assert np.max(np.abs(before)) > 0.05 and np.max(np.abs(after - before)) > 0.005
    assert apply_gain(apply_gain(base, 5), -5) == base, "a raise and the same fall give the bytes back"


def test_gain_clamps_each_granule_and_skips_the_silent_and_the_quiet():
    data = lame(0.5 * speech("你好，欢迎收听。")[0][:, None], 22050, out_rate=24000, channels=1, kbps=32)
    gains = gain_range(data)
    assert QUIET_GAIN <= gains.lowest < gains.highest <= 255
    assert gain_range(apply_gain(data, 255 - gains.highest)).highest == 255
    assert gain_range(apply_gain(data, 300)) == gain_range(apply_gain(data, 400)), "clamped at 255"
    silence = lame(np.zeros((24000, 1)), 24000, out_rate=24000, channels=1, kbps=32)
    assert apply_gain(silence, 7) == silence and gain_range(silence).lowest == 255, "nothing coded: untouched"


def protected(data: bytes) -> bytes:
    """The frames of a stream encoded without the bit reservoir, each with a CRC: the frame is moved to the
    next bitrate, which leaves room for the two bytes after its header."""
    out = bytearray()
    for frame in read_frames(data):
        raw = bytearray(data[frame.offset:frame.offset + frame.length])
        assert raw[4] == 0 and frame.format.channels == 1, "no bit reservoir (main_data_begin 0), mono"
        raw[1] &= 0xFE  # protection bit 0: a CRC follows the header
        raw[2] += 0x10
        longer = read_frames(bytes(raw[:4]) + bytes(2000), strict=False, limit=1)[0].length
        raw = (raw[:4] + b"\0\0" + raw[4:]).ljust(longer, b"\0")
        raw[4:6] = frame_crc(raw, 0, 9).to_bytes(2, "big")
        out += raw
    return bytes(out)


def test_frames_with_a_crc_get_it_computed_again(tmp_path):
    require("ffmpeg")
    voice, rate = speech("西方国家实施制裁之后，能源收入锐减。")
    source = tmp_path / "voice.wav"
    source.write_bytes(_wav(voice, rate))
    plain = subprocess.run(["ffmpeg", "-v", "error", "-i", str(source), "-ar", "24000", "-ac", "1", "-c:a",
                            "libmp3lame", "-b:a", "64k", "-reservoir", "0", "-write_xing", "0", "-id3v2_version",
                            "0", "-f", "mp3", "-"], capture_output=True, check=True).stdout
    data = protected(plain)

    def complaints(mp3: bytes) -> str:
        (tmp_path / "t.mp3").write_bytes(mp3)
        return subprocess.run(["ffmpeg", "-v", "error", "-err_detect", "crccheck", "-i", str(tmp_path / "t.mp3"),
                               "-f", "null", "-"], capture_output=True, text=True).stderr

    quieter = apply_gain(data, -2)
    assert complaints(data) == "" and complaints(quieter) == ""
    stale = bytearray(quieter)
    for frame in read_frames(data):
        stale[frame.offset + 4:frame.offset + 6] = data[frame.offset + 4:frame.offset + 6]
    assert "CRC mismatch" in complaints(bytes(stale)), "the check can fail: the old CRC no longer matches"
    assert np.max(np.abs(decoded(quieter) - decoded(data) * 2 ** (-2 / 4))) <= 2 * 1.71 / 32768


def _wav(samples: np.ndarray, rate: int) -> bytes:
    import io
    import wave

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as file:
        file.setnchannels(1)
        file.setsampwidth(2)
        file.setframerate(rate)
        file.writeframes((samples * 32767).astype(np.int16).tobytes())
    return buffer.getvalue()


# --- measuring ---------------------------------------------------------------------------------------------
def test_a_clip_measures_as_ffmpeg_meters_it_and_short_or_silent_clips_measure_too(tmp_path):
    clip = Clip.from_speech(EspeakEngine().synthesize("西方国家实施制裁之后，能源收入锐减。", Voice("zh-CN")))
    level = measure_clip(clip.data)
    (tmp_path / "c.mp3").write_bytes(clip.data)
    loudness, peak = ebur128(tmp_path / "c.mp3")
    assert abs(level.loudness - loudness) < 0.3 and abs(level.peak - peak) < 0.3
    louder = measure_clip(apply_gain(clip.data, 4))
    assert abs(louder.loudness - level.loudness - 4 * STEP_DB) < 0.02, "measured past full scale, not clipped"
    short = measure_clip(lame(0.3 * speech("好。")[0][:4000, None], 22050, out_rate=24000, channels=1, kbps=32))
    assert short.loudness is not None and short.seconds < 0.4
    silent = measure_clip(lame(np.zeros((12000, 1)), 24000, out_rate=24000, channels=1, kbps=32))
    assert silent.loudness is None and silent.seconds == 0


# --- the plan ----------------------------------------------------------------------------------------------
def test_a_turn_that_cannot_be_raised_brings_its_neighbours_down_and_no_further():
    heard = [-20.0, -19.4, -20.7, -19.9, -20.3, -20.0, -19.7, -20.5, -19.2, -20.1, -19.8]
    levels = [TurnLevel(loudness, 5.0, loudness + (18 if n == 5 else 12), 120, 200) for n, loudness in
              enumerate(heard)] + [None]
    plan = plan_gains(levels, -16.0)
    loudness = [level.loudness + steps * STEP_DB for level, steps in zip(levels[:-1], plan.gains, strict=False)]
    assert plan.gains[5] == 0 and plan.gains[-1] == 0, "its peak allows no raise; the silent turn gets none"
    assert all(abs(a - b) <= PLAN_NEIGHBOUR_DB + 1e-9 for a, b in pairwise(loudness))
    assert all(levels[n].peak + plan.gains[n] * STEP_DB <= -1.3 for n in range(11))
    assert loudness[0] > loudness[3] > loudness[5] < loudness[8] < loudness[10], "a valley around it, not a floor"
    assert abs(loudness[0] + 16) < 0.76 and plan.loudness > -18
    assert plan_gains([None, TurnLevel(None, 0, -120, 255, 0)], -16.0).gains == (0, 0)
    same = plan_gains([TurnLevel(-20.0, 5.0, -8.0, 120, 200)] * 3 + [TurnLevel(-20.0, 5.0, -2.0, 120, 200)], -16)
    assert same.gains == (0, 0, 0, 0), "turns whose levels fall alike on the grid can only follow it together"


def test_loudness_is_a_setting_that_can_be_switched_off():
    assert parse_settings({}).loudness == -16.0
    assert parse_settings({"loudness": -14}).loudness == -14.0
    assert parse_settings({"loudness": False}).loudness is None, "YAML reads `loudness: off` as false"
    assert parse_settings({"loudness": "off"}).loudness is None
    with pytest.raises(SettingsError) as raised:
        parse_settings({"loudness": 3, "pause": "x"})
    assert "loudness 3 is out of range: give LUFS from -30 to -10 (podcasts: -16), or off" in str(raised.value)
    with pytest.raises(SettingsError, match="loudness must be LUFS such as -16, or off; found 'loud'"):
        parse_settings({"loudness": "loud"})


# --- episodes from two engines 10 dB apart ---------------------------------------------------------------
class LevelledSpeech:
    """eSpeak NG's speech as a produced voice sounds: limited (peaks about 12 dB above its loudness, where raw
    eSpeak NG has 20), at `scale` of full level, encoded by LAME."""

    def __init__(self, name: str, scale: float) -> None:
        self.name, self.scale = name, scale

    def synthesize(self, text: str, voice: Voice) -> bytes:
        samples, rate = speech(text, voice)
        limited = np.tanh(4 * samples) / np.tanh(4) * 0.9 * self.scale
        return encode_mp3((limited * 32767).astype(np.int16).tobytes(), rate)


@pytest.fixture
def two_engines(monkeypatch):
    """Two rows of the table: `loud` and `soft`, the same speech 10 dB apart."""
    for name, scale in (("loud", 1.0), ("soft", 10 ** (-10 / 20))):
        monkeypatch.setitem(ENGINES, name, EngineSpec(
            name, "eSpeak NG's speech, limited and scaled.", make=lambda _s, n=name, k=scale: LevelledSpeech(n, k),
            voice_problem=espeak_voice_problem, voice=espeak_voice, identity=espeak_identity))


def episode_text(lines: list[str], title: str = "响度") -> str:
    turns = "".join(f"      - {('卿姐', '晓旭')[n % 2]}: {text}\n" for n, text in enumerate(lines))
    return f"title: {title}\ndate: 2025-12-08\nslug: a\nscript:\n  - section: Intro\n    turns:\n{turns}"


def build(root: Path, text: str, hosts: dict = HOSTS, **options):
    settings = parse_settings({"language": "zh", "tts": "espeak", "hosts": hosts, **options})
    (root / "episodes").mkdir(parents=True, exist_ok=True)
    (root / "episodes/a.yaml").write_text(text, encoding="utf-8")
    catalog = load_catalog([root / "episodes"], settings, root=root, include_drafts=False)
    assert not [p for p in catalog.problems if p.is_error], catalog.problems
    said: list[str] = []
    report = AudioBuilder(settings, project_dir=root, engine=EspeakEngine(), progress=said.append).build(
        catalog.episodes)
    assert report.audio["a"].publishable and not report.problems
    return report, said


def turn_loudness(path: Path) -> list[float]:
    return [ebur128(path, span.start, span.end)[0] for span in read_finished(path).turns]


@pytest.mark.site
def test_turns_10_db_apart_are_published_within_1_5_db_at_minus_16(tmp_path, two_engines):
    report, _ = build(tmp_path, episode_text(LINES))
    path = tmp_path / "audio/a.mp3"
    loudness, peak = ebur128(path)
    assert abs(loudness + 16) <= 1 and peak <= -1, (loudness, peak)
    turns = turn_loudness(path)
    assert max(abs(a - b) for a, b in pairwise(turns)) <= 1.5, turns
    gains = [span.gain for span in read_finished(path).turns]
    assert all(g < 0 for g in gains[::2]) and all(g > 0 for g in gains[1::2]), gains
    report, _ = build(tmp_path, episode_text(LINES), loudness="off")
    assert report.synthesized == 0
    raw = turn_loudness(path)
    assert min(abs(a - b) for a, b in pairwise(raw)) > 8, "the meter sees them apart unlevelled"


@pytest.fixture
def decodes(monkeypatch) -> list[int]:
    """Counts the decoder's runs (the library's function, passed through)."""
    count = [0]
    original = miniaudio.mp3_read_f32

    def counting(data: bytes):
        count[0] += 1
        return original(data)

    monkeypatch.setattr(miniaudio, "mp3_read_f32", counting)
    return count


def test_a_one_turn_edit_measures_one_turn(tmp_path, two_engines, decodes):
    build(tmp_path, episode_text(LINES[:6]))
    levels = json.loads((tmp_path / ".cache/podcast/levels.json").read_text())
    assert len(levels) == 6 and decodes[0] == 6
    report, _ = build(tmp_path, episode_text(LINES[:3] + ["这一句改过了，再说一遍。"] + LINES[4:6]))
    assert report.synthesized == 1 and decodes[0] == 7
    assert len(json.loads((tmp_path / ".cache/podcast/levels.json").read_text())) == 7


def test_a_fresh_folder_splices_levelled_turns_without_decoding_and_gets_the_same_bytes(tmp_path, two_engines,
                                                                                         decodes):
    build(tmp_path / "first", episode_text(LINES[:6]))
    published = read_finished(tmp_path / "first/audio/a.mp3")
    (tmp_path / "fresh/audio").mkdir(parents=True)
    shutil.copy(tmp_path / "first/audio/a.mp3", tmp_path / "fresh/audio/a.mp3")
    before = decodes[0]
    report, _ = build(tmp_path / "fresh", episode_text(LINES[:6], title="新标题"))  # the tag changes, not a turn
    assert report.synthesized == 0 and report.reused == 0 and decodes[0] == before, "nothing decoded"
    again = read_finished(tmp_path / "fresh/audio/a.mp3")
    audio = (tmp_path / "first/audio/a.mp3").read_bytes()[published.audio_offset:]
    assert (tmp_path / "fresh/audio/a.mp3").read_bytes()[again.audio_offset:] == audio
    assert again.turns == published.turns and any(span.gain for span in again.turns)
    assert not (tmp_path / "fresh/.cache/podcast/levels.json").exists()
    assert build(tmp_path / "fresh", episode_text(LINES[:6], title="新标题"))[0].reused == 1, "its digests hold"


def test_episodes_with_the_turn_tables_of_before_are_levelled_from_them(tmp_path, two_engines, decodes):
    build(tmp_path / "old", episode_text(LINES[:4]), loudness="off")
    path = tmp_path / "old/audio/a.mp3"
    tags = ID3(path)
    rows = [[s.key, s.offset, s.length, s.start, s.end, s.digest] for s in read_finished(path).turns]
    tags.delall(f"TXXX:{TURNS_DESC}")
    tags.add(TXXX(encoding=0, desc=TURNS_DESC, text=json.dumps(rows)))
    tags.save(path, v2_version=3)
    old = read_finished(path)
    assert [(s.gain, s.level) for s in old.turns] == [(0, None)] * 4
    (tmp_path / "new/audio").mkdir(parents=True)
    shutil.copy(path, tmp_path / "new/audio/a.mp3")
    before = decodes[0]
    report, _ = build(tmp_path / "new", episode_text(LINES[:4]))
    assert report.synthesized == 0 and decodes[0] == before + 4, "each turn measured once"
    assert all(s.level is not None for s in read_finished(tmp_path / "new/audio/a.mp3").turns)


@pytest.mark.site
def test_without_the_limiter_turns_too_peaky_for_the_target_stay_under_the_ceiling_and_the_build_says_so(tmp_path):
    """Raw eSpeak NG has peaks 20 dB above its loudness: at -1 dBTP a lossless gain takes it to about -21 LUFS (the
    limiter takes it to -16: test_limiter.py)."""
    _, said = build(tmp_path, episode_text(LINES[:4]), {"卿姐": {"gender": "female"}, "晓旭": {"gender": "male"}},
                    loudness_limiter=False)
    path = tmp_path / "audio/a.mp3"
    assert ebur128(path)[1] <= -1
    turns = turn_loudness(path)
    assert max(abs(a - b) for a, b in pairwise(turns)) <= 1.5, turns
    assert any(re.match(r"loudness: a is at -\d+\.\d LUFS, not -16: the peaks of its turns", line) for line in said)
    assert not (tmp_path / ".cache/podcast/limited").exists() and not any(span.limited for span in
                                                                          read_finished(path).turns)
