"""Exact length whatever the mix: every episode file has one format and one bitrate (audio.uniform), so that
chromium's duration and seeks, the feed and a full decode agree, whichever engines spoke the turns."""

from __future__ import annotations

import math
import re
import shutil
import struct
import subprocess
from dataclasses import replace
from pathlib import Path

import lameenc
import miniaudio
import numpy as np
import pytest

from site_plugins.podcast import load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.audio.clips import Clip, find_damage
from site_plugins.podcast.audio.gain import apply_gain
from site_plugins.podcast.audio.id3 import TagInfo, read_finished, tagged_mp3
from site_plugins.podcast.audio.uniform import bitrate
from site_plugins.podcast.load.settings import parse_settings
from site_plugins.podcast.model import Settings, TurnSpan
from site_plugins.podcast.mp3frames import audio_bytes, duration_of, read_frames
from site_plugins.podcast.speech import ENGINES, EspeakEngine, Voice, silence_mp3
from site_plugins.podcast.speech.core import FORMAT

from .checkers import require, serve
from .conftest import SiteProject, site_mp3

pytestmark = pytest.mark.unit

LINES = [f"这是第{n}句话，我们聊聊能源和预算。" for n in range(1, 15)]
RATE = FORMAT.sample_rate


def lame(pcm: bytes, rate: int, *, kbps: int, channels: int = 1) -> bytes:
    """16-bit PCM as MP3 (LAME, through lameenc) at its own sample rate and channels, at `kbps`."""
    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(rate)
    encoder.set_out_sample_rate(rate)
    encoder.set_channels(channels)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm) + encoder.flush())


def decoded(mp3: bytes) -> np.ndarray:
    """Every sample a full decode (miniaudio) gives, mono at 24 kHz, as floats."""
    found = miniaudio.decode(mp3, output_format=miniaudio.SampleFormat.FLOAT32, nchannels=1, sample_rate=RATE)
    return np.asarray(found.samples, dtype=np.float32)


class Espeak48:
    """Real speech at 48 kbit/s, as Microsoft Edge's voices come: the offline engine's words, encoded by LAME."""

    name = "espeak48"

    def __init__(self) -> None:
        self._espeak = EspeakEngine()

    def synthesize(self, text: str, voice: Voice) -> bytes:
        pcm = miniaudio.decode(self._espeak.synthesize(text, voice), output_format=miniaudio.SampleFormat.SIGNED16,
                               nchannels=1, sample_rate=RATE)
        return lame(pcm.samples.tobytes(), RATE, kbps=48)


ESPEAK48 = replace(ENGINES["espeak"], name="espeak48", doc="eSpeak NG at 48 kbit/s.", make=lambda _s: Espeak48(),
                   publishable=True)


@pytest.fixture
def espeak48(monkeypatch):
    monkeypatch.setitem(ENGINES, "espeak48", ESPEAK48)


def episode(title: str = "长度") -> str:
    turns = "".join(f"      - {'卿姐' if n % 2 == 0 else '晓旭'}: {text}\n" for n, text in enumerate(LINES))
    return f"title: {title}\ndate: 2025-12-08\nslug: length\nscript:\n  - section: Intro\n    turns:\n{turns}"


def build(tmp_path: Path, *, second: str = "espeak48", title: str = "长度", **options):
    """The episode built by the audio stage: 卿姐 on the site's engine (32 kbit/s), 晓旭 on `second`."""
    settings = parse_settings({"language": "zh", "tts": "espeak", "hosts": {
        "卿姐": {"voice": "zh-CN"}, "晓旭": {"engine": second, "voice": "zh-TW"}}, **options})
    settings = replace(settings, audio_dir=str(tmp_path / "audio"), cache_dir=str(tmp_path / "cache"))
    (tmp_path / "episodes").mkdir(exist_ok=True)
    (tmp_path / "episodes" / "a.yaml").write_text(episode(title), encoding="utf-8")
    catalog = load_catalog([tmp_path / "episodes"], settings, root=tmp_path, include_drafts=False)
    assert not [p for p in catalog.problems if p.is_error], catalog.problems
    said: list[str] = []
    builder = AudioBuilder(settings, project_dir=tmp_path, engine=EspeakEngine(), progress=said.append)
    return builder.build(catalog.episodes), builder, said


def pause() -> bytes:
    """The pause between turns as the builder makes it, before it is brought to an episode's bitrate."""
    return audio_bytes(silence_mp3(Settings().pause))


def bitrates(data: bytes) -> set[int]:
    return {bitrate(data, frame) for frame in read_frames(data)}


@pytest.mark.parametrize("rate, channels, kbps", [(22050, 1, 32), (44100, 2, 128)])
def test_speech_at_another_rate_or_in_stereo_is_made_24_khz_mono(rate, channels, kbps):
    tone = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate))) * channels
                    for n in range(rate))
    mp3 = lame(tone, rate, kbps=kbps, channels=channels)
    assert {frame.format.sample_rate for frame in read_frames(mp3)} == {rate}
    clip = Clip.from_speech(mp3)
    assert {frame.format for frame in read_frames(clip.data)} == {FORMAT}
    assert clip.seconds == pytest.approx(duration_of(read_frames(mp3)), abs=0.1), "LAME's delay, once more"
    sound = decoded(clip.data)
    spectrum = np.abs(np.fft.rfft(sound))
    assert np.argmax(spectrum) * RATE / len(sound) == pytest.approx(440, abs=3), "the same pitch, not sped up"


def test_turns_at_two_bitrates_are_joined_at_one_without_changing_a_sample(tmp_path, espeak48):
    """The engines' frames as they came: with the limiter on (the default), these turns of raw eSpeak NG would be
    encoded again at 48 kbit/s (test_limiter.py), and there would be nothing to repack."""
    report, builder, _ = build(tmp_path, loudness_limiter=False)
    audio = report.audio["length"]
    finished = read_finished(tmp_path / "audio/length.mp3")
    data = finished.path.read_bytes()[finished.audio_offset:]
    spoken = [builder.store.cached(span.key).data for span in finished.turns]
    assert [bitrates(clip) for clip in spoken[:2]] == [{32}, {48}], "the engines' own bitrates"
    assert bitrates(data) == {48}
    for span, clip in zip(finished.turns, spoken, strict=True):  # as spoken, but for the gain that levels it
        assert np.array_equal(decoded(finished.turn_bytes(span)), decoded(apply_gain(clip, span.gain))), span.key
    assert find_damage(finished, pause()) == ""
    assert len(decoded(data)) / RATE == pytest.approx(audio.duration, abs=0.1)
    assert build(tmp_path, loudness_limiter=False)[0].reused == 1


def test_ffmpeg_and_mpg123_decode_a_mixed_episode_without_a_complaint(tmp_path, espeak48):
    require("ffmpeg", "mpg123")
    build(tmp_path)
    path = tmp_path / "audio/length.mp3"
    ffmpeg = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-f", "null", "-"],
                            capture_output=True, text=True, check=False)
    assert ffmpeg.returncode == 0 and ffmpeg.stderr == "", ffmpeg.stderr
    mpg123 = subprocess.run(["mpg123", "-t", str(path)], capture_output=True, text=True, check=False)
    assert mpg123.returncode == 0 and "Decoding of length.mp3 finished" in mpg123.stderr
    assert not re.search(r"error|warning|skipped|illegal|junk", mpg123.stderr, re.IGNORECASE), mpg123.stderr


def test_an_episode_of_one_bitrate_is_joined_as_before(tmp_path):
    _, builder, _ = build(tmp_path, second="espeak", loudness_limiter=False)
    finished = read_finished(tmp_path / "audio/length.mp3")
    spoken = [apply_gain(builder.store.cached(span.key).data, span.gain) for span in finished.turns]
    assert finished.path.read_bytes()[finished.audio_offset:] == pause().join(spoken)


def test_a_clone_without_the_cache_splices_the_repacked_turns(tmp_path, espeak48):
    build(tmp_path)
    before = read_finished(tmp_path / "audio/length.mp3")
    audio = before.path.read_bytes()[before.audio_offset:]
    shutil.rmtree(tmp_path / "cache")
    report, _, _ = build(tmp_path, title="新标题")
    assert (report.synthesized, report.reused) == (0, 0), "made again, from the turns in the finished file"
    after = read_finished(tmp_path / "audio/length.mp3")
    assert after.signature != before.signature and after.path.read_bytes()[after.audio_offset:] == audio
    assert find_damage(after, pause()) == ""


def test_a_mixed_file_joined_the_old_way_is_made_again(tmp_path, espeak48):
    _, builder, _ = build(tmp_path)
    finished = read_finished(tmp_path / "audio/length.mp3")
    spoken = [builder.store.cached(span.key) for span in finished.turns]
    spans, offset = [], 0
    for clip, span in zip(spoken, finished.turns, strict=True):
        offset += len(pause()) if spans else 0
        spans.append(TurnSpan(span.key, offset, len(clip.data), span.start, span.end, clip.digest))
        offset += len(clip.data)
    info = TagInfo("长度", "卿姐, 晓旭", "Pod", "2025-12-08", "zh", "", ())
    finished.path.write_bytes(tagged_mp3(pause().join(c.data for c in spoken), info, tuple(spans),
                                         finished.signature))
    assert find_damage(read_finished(finished.path), pause()) == "turn 2 is at another bitrate than turn 1"
    report, _, said = build(tmp_path)
    assert (report.synthesized, report.reused) == (0, 0) and any("another bitrate" in line for line in said)
    again = read_finished(finished.path)
    assert bitrates(again.path.read_bytes()[again.audio_offset:]) == {48} and find_damage(again, pause()) == ""


RECORDER = """class Recorder extends AudioWorkletProcessor {
  constructor() { super(); this.on = false; this.port.onmessage = event => { this.on = event.data; }; }
  process(inputs) {
    const samples = inputs[0][0];
    if (this.on && samples) this.port.postMessage(samples.slice(0));
    return true;
  }
}
registerProcessor("recorder", Recorder);"""
"""Hands on every block of what the page's audio element plays (Web Audio, before the muted output)."""

LISTEN = """async (source) => {
  const audio = document.querySelector("audio.gp-audio");
  const context = new AudioContext();
  await context.audioWorklet.addModule(URL.createObjectURL(new Blob([source], {type: "text/javascript"})));
  const node = new AudioWorkletNode(context, "recorder");
  context.createMediaElementSource(audio).connect(node);
  node.connect(context.destination);
  await context.resume();
  window.__recorder = node;
  return context.sampleRate;
}"""

HEAR = """([time, seconds, quiet]) => new Promise((resolve, reject) => {
  const audio = document.querySelector("audio.gp-audio"), node = window.__recorder;
  const heard = [];
  let count = 0;
  setTimeout(() => reject(new Error("nothing played for 20 s")), 20000);
  node.port.onmessage = event => {
    let block = Array.from(event.data);
    if (!heard.length) {
      const first = block.findIndex(v => Math.abs(v) > quiet);
      if (first < 0) return;
      block = block.slice(first);
    }
    heard.push(block);
    count += block.length;
    if (count >= seconds * node.context.sampleRate) {
      node.port.postMessage(false);
      audio.pause();
      resolve(heard.flat());
    }
  };
  audio.addEventListener("seeked", () => { node.port.postMessage(true); audio.play().catch(reject); }, {once: true});
  audio.currentTime = time;
})"""
"""What the element plays after a seek to `time`, from its first audible sample, for `seconds`."""

QUIET = 1e-4
"""Below this a sample is silence (digital silence decodes to 0)."""
HOP = 0.01


def envelope(samples: np.ndarray, rate: int) -> np.ndarray:
    """Log loudness per 10 ms."""
    hop = round(rate * HOP)
    blocks = samples[:len(samples) // hop * hop].reshape(-1, hop)
    return np.log(np.sqrt((blocks ** 2).mean(axis=1)) + 1e-6)


def landing(pcm: np.ndarray, heard: np.ndarray, rate: int, target: float) -> tuple[float, float]:
    """(earliest, latest) second of the decoded episode where playback can have begun. What was heard starts at
    its first audible sample: found in the decode by its loudness, it may have been preceded by silence that
    played unheard, so the earliest is the start of the silence before it."""
    whole, part = envelope(pcm, RATE), envelope(heard, rate)
    lo, hi = max(0, round((target - 8) / HOP)), min(len(whole) - len(part), round((target + 8) / HOP))
    scores = [np.corrcoef(whole[k:k + len(part)], part)[0, 1] for k in range(lo, hi)]
    assert max(scores) > 0.8, f"what played is nowhere near {target} s in the decode (best match {max(scores):.2f})"
    found = (lo + int(np.argmax(scores))) * HOP
    near = round((found - 2 * HOP) * RATE)
    onset = near + int(np.flatnonzero(np.abs(pcm[near:]) > QUIET)[0])
    silence = np.flatnonzero(np.abs(pcm[:onset]) > QUIET)
    begins = silence[-1] + 1 if len(silence) and onset > near else near
    return begins / RATE - HOP, found + 2 * HOP


@pytest.fixture(scope="module")
def mixed_site(tmp_path_factory):
    """A site whose hosts speak at 32 and 48 kbit/s, without pauses between turns: silence on both sides of a
    turn's start would hide where within it playback began."""
    project = SiteProject(tmp_path_factory.mktemp("length") / "pod")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      .replace("晓旭: {voice: zh-TW}", "晓旭: {engine: espeak48, voice: zh-TW}")
                      .replace("      tts: espeak\n", "      tts: espeak\n      pause: 0\n"), encoding="utf-8")
    project.add_episode("a.yaml", episode())
    with pytest.MonkeyPatch.context() as patch:
        patch.setitem(ENGINES, "espeak48", ESPEAK48)
        patch.delenv("PODCAST_TTS", raising=False)  # it would speak every host, the 48 kbit/s one included
        site = project.build()
    with serve(site) as base:
        yield project, site, base


@pytest.mark.browser
def test_chromium_plays_a_mixed_episode_for_its_length_and_seeks_to_a_turn(mixed_site, browser):
    project, site, base = mixed_site
    audio = project.plugin.output.audio.audio["length"]
    mp3 = site_mp3(site, "length").read_bytes()
    spoken = [Clip.unpack(next(project.root.rglob(f"{turn.key}.mp3")).read_bytes()) for turn in audio.turns[:2]]
    assert [bitrates(clip.data) for clip in spoken] == [{32}, {48}], "the engines' own bitrates"
    pcm = decoded(mp3)
    length = len(pcm) / RATE
    assert audio.duration == pytest.approx(length, abs=0.1)
    feed = (site / "feed.xml").read_text(encoding="utf-8")
    assert re.findall(r"<itunes:duration>(\d+)</itunes:duration>", feed) == [str(round(audio.duration))]
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(base + "episodes/length/")
    page.wait_for_function("document.querySelector('audio.gp-audio').readyState >= 1")
    assert page.evaluate("document.querySelector('audio.gp-audio').duration") == pytest.approx(length, abs=0.1)
    rate = page.evaluate(LISTEN, RECORDER)
    start = audio.turns[9].start
    heard = np.asarray(page.evaluate(HEAR, [start, 1.5, QUIET]), dtype=np.float32)
    earliest, latest = landing(pcm, heard, rate, start)
    assert start - 0.25 <= earliest and latest <= start + 0.25, (earliest, latest, start)
    assert errors == []
    page.close()
