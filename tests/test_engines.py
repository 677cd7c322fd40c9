"""The table of speech engines: one row makes an engine usable; hosts choose engine, voice and gender."""

from __future__ import annotations

import hashlib
import math
import shutil
import struct
import threading
from dataclasses import replace
from pathlib import Path

import pytest
import responses

from site_plugins.podcast import load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.errors import SettingsError
from site_plugins.podcast.load.editorschema import build_schema
from site_plugins.podcast.load.settings import parse_settings
from site_plugins.podcast.load.validate import validate_episode
from site_plugins.podcast.model import Host, Settings
from site_plugins.podcast.mp3frames import read_frames
from site_plugins.podcast.speech import (
    ENGINES,
    EngineSpec,
    EspeakEngine,
    GttsEngine,
    Voice,
    espeak_voice_name,
    host_voice,
    turn_key,
)
from site_plugins.podcast.speech.core import FORMAT, encode_mp3

from .test_speech import ENDPOINT, OFFLINE, gtts_body

pytestmark = pytest.mark.unit

LINES = ["大家好，欢迎收听。", "今天我们谈谈能源。", "能源收入锐减。", "财政赤字飙升。", "我们下期再见。", "再见。"]


class ToneEngine:
    """A small real engine: a sine tone per turn (higher for the 'high' voice), encoded to MP3 by LAME."""

    name = "tone"

    def __init__(self) -> None:
        self.spoken: list[tuple[str, str]] = []
        self.running = self.most_at_once = 0
        self._lock = threading.Lock()

    def synthesize(self, text: str, voice: Voice) -> bytes:
        with self._lock:
            self.running += 1
            self.most_at_once = max(self.most_at_once, self.running)
        try:
            hertz = 440 if voice.name == "high" else 220
            samples = FORMAT.sample_rate * len(text) // 20
            pcm = b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * hertz * n / FORMAT.sample_rate)))
                           for n in range(samples))
            self.spoken.append((text, voice.name))
            return encode_mp3(pcm, FORMAT.sample_rate)
        finally:
            with self._lock:
                self.running -= 1


@pytest.fixture
def tone_row(monkeypatch):
    """The one row that adds the tone engine; `made` holds the engines the table made."""
    made: list[ToneEngine] = []

    def make(_settings: Settings) -> ToneEngine:
        made.append(ToneEngine())
        return made[-1]

    row = EngineSpec("tone", "A test tone.", make=make,
                     voice_problem=lambda v: "" if v in ("low", "high") else f"'{v}' is not a tone; use low or high",
                     voice=lambda own, host, language: Voice(language, name=own or
                                                             ("high" if host.gender == "female" else "low")),
                     identity=lambda voice: voice.name, concurrency=1, language_problem=lambda language: "")
    monkeypatch.setitem(ENGINES, "tone", row)
    return made


def episode(hosts: str, lines: list[str] = LINES, speakers: tuple[str, str] = ("卿姐", "晓旭")) -> str:
    turns = "".join(f"      - {speakers[n % 2]}: {text}\n" for n, text in enumerate(lines))
    return (f"title: 引擎\ndate: 2025-12-08\nslug: engines\n{hosts}"
            "script:\n  - section: Intro\n    turns:\n" + turns)


def build(tmp_path: Path, settings: Settings, text: str, *, engine=None, **kwargs):
    folder = tmp_path / "episodes"
    folder.mkdir(exist_ok=True)
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    catalog = load_catalog([folder], settings, root=tmp_path, include_drafts=False)
    assert not [p for p in catalog.problems if p.is_error], catalog.problems
    return AudioBuilder(settings, project_dir=tmp_path, engine=engine or EspeakEngine(), fallback=EspeakEngine(),
                        **kwargs).build(catalog.episodes)


def site(tmp_path: Path, hosts: dict) -> Settings:
    settings = parse_settings({"language": "zh", "tts": "espeak", "hosts": hosts, "tts_concurrency": 4})
    return replace(settings, audio_dir=str(tmp_path / "audio"), cache_dir=str(tmp_path / "cache"))


def test_one_row_makes_an_engine_that_hosts_name_and_the_builder_uses(tmp_path, tone_row):
    settings = site(tmp_path, {"卿姐": {"engine": "tone", "voice": "high"}, "晓旭": {"gender": "male"}})
    assert settings.hosts[0].engine == "tone"
    report = build(tmp_path, settings, episode(""))
    (tone,) = tone_row
    assert sorted(tone.spoken) == sorted((text, "high") for text in LINES[::2])
    assert tone.most_at_once == 1, "the row's concurrency bounds the requests at once"
    assert report.synthesized == len(LINES) and report.audio["engines"].publishable
    read_frames((tmp_path / "audio/engines.mp3").read_bytes())
    engine = build_schema(settings)["properties"]["hosts"]["additionalProperties"]["properties"]["engine"]
    assert "tone" in engine["enum"]
    with pytest.raises(SettingsError, match="'mid' is not a tone; use low or high"):
        parse_settings({"hosts": {"A": {"engine": "tone", "voice": "mid"}}})


def test_an_engine_that_may_not_publish_keeps_the_episode_a_preview(tmp_path, tone_row, monkeypatch):
    monkeypatch.setitem(ENGINES, "tone", replace(ENGINES["tone"], publishable=False))
    report = build(tmp_path, site(tmp_path, {"卿姐": {"engine": "tone"}, "晓旭": {}}), episode(""))
    assert not report.audio["engines"].publishable and not (tmp_path / "audio/engines.mp3").exists()


def test_keys_of_turns_spoken_before_the_table_stay_the_same():
    def old_key(engine: str, voice: Voice, text: str) -> str:
        key = f"{voice.language}|{voice.tld}|{voice.variant}"
        return hashlib.sha256(f"{engine}\n{key}\n{text}".encode()).hexdigest()[:40]

    for engine, host in [("gtts", Host("a", voice="zh-CN")), ("gtts", Host("b", voice="en", tld="co.uk", variant=1)),
                         ("espeak", Host("c", voice="zh-TW", variant=1)), ("gtts", Host("d", gender="male"))]:
        voice = host_voice(engine, host, "zh")
        assert turn_key(engine, voice, "你好。") == old_key(engine, replace(voice, name="", rate=0, pitch=0), "你好。")
    female, male = (host_voice("espeak", Host(n, gender=g, variant=v), "zh-CN")
                    for n, g, v in (("a", "female", 0), ("b", "male", 1)))
    assert (female.key, male.key) == ("zh-CN|com|0", "zh-CN|com|1"), "the sample's hosts keep their offline keys"


def test_gender_gives_the_offline_engine_a_female_and_a_male_voice():
    settings = parse_settings({"tts": "espeak", "hosts": {"A": {"gender": "female"}, "B": {"gender": "male"},
                                                          "C": {"gender": "female"}}})
    names = [espeak_voice_name(host_voice("espeak", host, "zh-CN")) for host in settings.hosts]
    assert names == ["cmn+f3", "cmn+m3", "cmn+f5"]
    text = "今天我们谈谈能源。"
    female, male = (EspeakEngine().synthesize(text, host_voice("espeak", h, "zh-CN")) for h in settings.hosts[:2])
    assert read_frames(female) and read_frames(male) and female != male


def test_rate_and_pitch_change_the_offline_voice_and_its_key():
    plain = Voice("zh-CN")
    faster = Voice("zh-CN", rate=50)
    assert turn_key("espeak", plain, "好。") != turn_key("espeak", faster, "好。")
    text = "西方国家对俄罗斯实施制裁之后，能源收入锐减。"
    slow, fast = (read_frames(EspeakEngine().synthesize(text, v)) for v in (Voice("zh-CN", rate=-40), faster))
    assert len(fast) < len(slow)


def test_changing_one_hosts_voice_speaks_only_that_hosts_turns_again(tmp_path):
    settings = site(tmp_path, {"卿姐": {"gender": "female"}, "晓旭": {"gender": "male"}})
    assert build(tmp_path, settings, episode("")).synthesized == len(LINES)
    again = build(tmp_path, settings, episode("hosts:\n  晓旭: {engine: espeak, voice: cmn+m7}\n"))
    assert again.synthesized == len(LINES[1::2])
    assert build(tmp_path, settings, episode("hosts:\n  晓旭: {pitch: '+20%'}\n")).synthesized == len(LINES[1::2])


@pytest.mark.parametrize("hosts, expected", [
    ("  Ann: {engine: edg}\n",
     "x.yaml:4:17: host 'Ann': engine 'edg' is not a speech engine; use one of: gtts, espeak, edge (did you mean "
     "'edge'?)"),
    ("  Ann: {gender: man}\n", "x.yaml:4:17: host 'Ann': gender 'man' must be female or male"),
    ("  Ann: {engine: espeak, voice: cmn+zz}\n",
     "x.yaml:4:32: host 'Ann': voice 'cmn+zz': eSpeak NG has no variant 'zz'; use one like cmn+f3 (female) "
     "or cmn+m3 (male)"),
    ("  Ann: {voice: xx}\n", "x.yaml:4:16: host 'Ann': voice 'xx' is not a language the voices speak"),
    ("  Ann: {rate: fast}\n", "x.yaml:4:15: host 'Ann': rate 'fast' must be a percentage from -50% to +100%"),
    ("  Ann: {fallback: [espeak, azure]}\n", "x.yaml:4:19: host 'Ann': fallback: engine 'azure' is not a speech "
                                             "engine"),
    ("  Ann: {engine: edge, voice: en-US-Andrew}\n", "x.yaml:4:30: host 'Ann': voice 'en-US-Andrew' is not an Edge "
                                                    "voice (did you mean 'en-US-AndrewNeural'?)"),
])
def test_a_bad_host_is_reported_where_it_is_written(hosts, expected):
    text = f"title: T\ndate: 2025-12-08\nhosts:\n{hosts}script:\n  - section: Intro\n    turns:\n      - Ann: Hi.\n"
    found, problems = validate_episode(text, "x.yaml", Settings(language="en"))
    assert found is None and any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]


def test_an_episode_overrides_the_site_hosts_fields_it_gives():
    settings = parse_settings({"hosts": {"卿姐": {"voice": "zh-CN", "gender": "female", "rate": "+10%"}}})
    text = episode("hosts:\n  卿姐: {pitch: '-5%'}\n  晓旭: {gender: male}\n")
    found, problems = validate_episode(text, "x.yaml", settings)
    assert found is not None, problems
    first, second = found.hosts
    assert (first.voice, first.gender, first.rate, first.pitch) == ("zh-CN", "female", 10, -5)
    assert (second.gender, second.gender_rank, second.variant) == ("male", 0, 1)


@responses.activate
def test_a_host_whose_engine_cannot_be_reached_falls_back_along_its_own_chain(tmp_path):
    import requests

    responses.add(responses.POST, ENDPOINT, body=requests.ConnectionError(OFFLINE))
    settings = site(tmp_path, {"卿姐": {"engine": "gtts", "voice": "zh-CN", "fallback": ["espeak"]},
                               "晓旭": {"gender": "male"}})
    said: list[str] = []
    lines = [f"{n}. {line}" for n, line in enumerate(LINES * 2)]
    report = build(tmp_path, settings, episode("", lines), progress=said.append)
    assert len(responses.calls) < len(lines[::2]), "an engine that cannot be reached is skipped once found so"
    assert report.spoken_by == {"espeak": len(lines)}
    assert any("espeak speaks the turns gtts would have spoken" in line for line in said)
    assert f"speech: turns spoken by engine in this build: espeak {len(lines)}" in said
    assert report.audio["engines"].publishable and report.fallback == 0, "the site's own engine may publish"
    shutil.rmtree(tmp_path / "cache")  # a fresh clone: only the published MP3

    responses.replace(responses.POST, ENDPOINT, body=gtts_body(EspeakEngine().synthesize("好。", Voice("zh-CN"))))
    again = build(tmp_path, settings, episode("", lines))
    assert again.spoken_by == {"gtts": len(lines[::2])}, "once reachable, the host's engine speaks its turns"
    assert again.audio["engines"].publishable


@responses.activate
def test_a_fallback_that_may_not_publish_keeps_the_episode_a_preview(tmp_path):
    import requests

    responses.add(responses.POST, ENDPOINT, body=requests.ConnectionError(OFFLINE))
    settings = replace(site(tmp_path, {"卿姐": {"voice": "zh-CN"}, "晓旭": {"voice": "zh-TW"}}), tts="gtts")
    report = build(tmp_path, settings, episode(""), engine=GttsEngine())
    assert report.spoken_by == {"espeak": len(LINES)} and report.fallback == len(LINES)
    assert not report.audio["engines"].publishable and not (tmp_path / "audio/engines.mp3").exists()


@responses.activate  # nothing answers: a request to Google would fail the build's online turns
def test_podcast_tts_speaks_every_host_whatever_engine_it_names(tmp_path):
    from datetime import UTC, datetime

    from site_plugins.podcast.build import prepare

    settings = site(tmp_path, {"卿姐": {"engine": "gtts", "voice": "zh-CN"}, "晓旭": {"gender": "male"}})
    request = prepare(settings, tmp_path, now=datetime.now(UTC), environ={"PODCAST_TTS": "espeak"})
    assert request.engine.name == "espeak" and request.every_host
    report = build(tmp_path, settings, episode(""), every_host=True)
    assert report.spoken_by == {"espeak": len(LINES)} and not responses.calls
    assert report.audio["engines"].publishable
