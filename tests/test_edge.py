"""The `edge` engine through the real edge-tts package, with only its address changed: a stand-in on 127.0.0.1
speaks its protocol and answers with real MP3 frames (tests/edgestandin.py)."""

from __future__ import annotations

import json
import math
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest

from site_plugins.podcast import load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.audio.clips import ClipStore
from site_plugins.podcast.audio.gain import apply_gain
from site_plugins.podcast.cli import main
from site_plugins.podcast.load.settings import parse_settings
from site_plugins.podcast.load.validate import validate_episode
from site_plugins.podcast.model import EpisodeAudio, Host, Settings
from site_plugins.podcast.mp3frames import Frame, FrameFormat, audio_bytes, read_frames
from site_plugins.podcast.speech import ENGINES, RetryPolicy, SpeechError, host_voice, turn_key
from site_plugins.podcast.speech.edge import (
    VOICES_PATH,
    EdgeEngine,
    edge_language_problem,
    edge_prosody,
    edge_voice,
    edge_voice_problem,
    edge_voices,
    refresh_edge_voices,
    voices_json,
)

from .conftest import DATA
from .edgestandin import HANDSHAKE_FAILURES, SPEECH_FAILURES, EdgeStandIn
from .test_engines import LINES

pytestmark = pytest.mark.unit

FAILURES = (*HANDSHAKE_FAILURES, *SPEECH_FAILURES)
FEMALE, MALE = "zh-CN-XiaoxiaoNeural", "zh-CN-YunjianNeural"
EDGE_HOSTS = {"卿姐": {"engine": "edge", "gender": "female", "fallback": ["espeak"]},
              "晓旭": {"engine": "edge", "gender": "male", "fallback": ["espeak"]}}


@pytest.fixture
def standin():
    with EdgeStandIn() as server, server.use():
        yield server


def edge(waits: list[float] | None = None, **options) -> EdgeEngine:
    """An engine whose backoff waits are recorded instead of slept."""
    options.setdefault("retry", RetryPolicy(attempts=3, base_delay=1.0))
    return EdgeEngine(sleep=(waits if waits is not None else []).append, **options)


def episode(hosts: str = "", lines: list[str] = LINES) -> str:
    turns = "".join(f"      - {('卿姐', '晓旭')[n % 2]}: {text}\n" for n, text in enumerate(lines))
    return f"title: 引擎\ndate: 2025-12-08\nslug: edge\n{hosts}script:\n  - section: Intro\n    turns:\n" + turns


def site(tmp_path: Path, hosts: dict = EDGE_HOSTS, **options) -> Settings:
    values = {"language": "zh", "tts": "edge", "hosts": hosts, "tts_concurrency": 4, **options}
    return replace(parse_settings(values), audio_dir=str(tmp_path / "audio"), cache_dir=str(tmp_path / "cache"))


def build(tmp_path: Path, settings: Settings, text: str, engine: EdgeEngine, warnings: list[str] | None = None):
    folder = tmp_path / "episodes"
    folder.mkdir(exist_ok=True)
    (folder / "a.yaml").write_text(text, encoding="utf-8")
    catalog = load_catalog([folder], settings, root=tmp_path, include_drafts=False)
    assert not [p for p in catalog.problems if p.is_error], catalog.problems
    warn = (warnings if warnings is not None else []).append
    report = AudioBuilder(settings, project_dir=tmp_path, engine=engine, warn=warn).build(catalog.episodes)
    return report, catalog.episodes[0]


def turn_frames(audio: EpisodeAudio) -> list[Frame]:
    """The frames of the episode's turns, without the pauses between them."""
    data = audio_bytes(audio.path.read_bytes())
    return [frame for span in audio.turns for frame in read_frames(data[span.offset:span.offset + span.length])]


# --- the voice list and the voices hosts get -------------------------------------------------------
def test_the_shipped_list_has_every_default_voice_in_list_voices_shape():
    voices = {v["ShortName"]: v for v in edge_voices()}
    assert len(voices) == len(edge_voices()) > 300
    for name, gender in [("zh-CN-XiaoxiaoNeural", "Female"), ("zh-CN-XiaoyiNeural", "Female"),
                         ("zh-CN-YunjianNeural", "Male"), ("zh-CN-YunxiNeural", "Male"),
                         ("zh-CN-YunyangNeural", "Male"), ("en-US-AvaNeural", "Female"), ("en-US-EmmaNeural", "Female"),
                         ("en-US-AndrewNeural", "Male"), ("en-US-BrianNeural", "Male")]:
        assert voices[name]["Gender"] == gender and voices[name]["Locale"] == name.rsplit("-", 1)[0]
    assert all(set(v) == {"ShortName", "Gender", "Locale", "VoiceTag"} for v in voices.values())
    assert VOICES_PATH.read_text(encoding="utf-8") == voices_json(list(edge_voices())), "stored as a refresh writes"


@pytest.mark.parametrize("language, hosts, expected", [
    ("zh", [("female", 0, 0), ("male", 0, 1)], [FEMALE, MALE]),
    ("zh-CN", [("female", 0, 0), ("female", 1, 1), ("male", 0, 2), ("male", 1, 3), ("male", 2, 4)],
     [FEMALE, "zh-CN-XiaoyiNeural", MALE, "zh-CN-YunxiNeural", "zh-CN-YunyangNeural"]),
    ("en", [("female", 0, 0), ("female", 1, 1), ("male", 0, 2), ("male", 1, 3)],
     ["en-US-AvaNeural", "en-US-EmmaNeural", "en-US-AndrewNeural", "en-US-BrianNeural"]),
    ("zh-TW", [("female", 0, 0), ("male", 0, 1)], ["zh-TW-HsiaoChenNeural", "zh-TW-YunJheNeural"]),
    ("fr", [("female", 0, 0), ("male", 0, 1)], ["fr-FR-DeniseNeural", "fr-FR-HenriNeural"]),
    ("zh", [(None, 0, 0), (None, 0, 1), (None, 0, 2)], [FEMALE, MALE, "zh-CN-XiaoyiNeural"]),
])
def test_gender_and_its_rank_pick_the_languages_voices(language, hosts, expected):
    voices = [edge_voice(None, Host(f"h{variant}", gender=gender, gender_rank=rank, variant=variant), language)
              for gender, rank, variant in hosts]
    assert [v.name for v in voices] == expected


def test_a_named_voice_wins_and_rate_and_pitch_become_edges_prosody():
    voice = edge_voice("zh-CN-YunxiNeural", Host("a", gender="female", rate=10, pitch=-5), "en")
    assert (voice.name, voice.language) == ("zh-CN-YunxiNeural", "zh-CN")
    assert edge_prosody(voice) == ("+10%", "-6Hz"), "5% of a male voice's 120 Hz"
    assert edge_prosody(edge_voice(None, Host("b", gender="female", rate=-20, pitch=10), "zh")) == ("-20%", "+20Hz")
    assert edge_prosody(edge_voice(None, Host("c"), "zh")) == ("+0%", "+0Hz")


@pytest.mark.parametrize("voice, expected", [
    ("zh-CN-XiaoxiaoNeural", ""),
    ("zh-CN-XiaoxiaoNeral", "'zh-CN-XiaoxiaoNeral' is not an Edge voice (did you mean 'zh-CN-XiaoxiaoNeural'?); "
                            "`podcast voices --engine edge` lists them"),
    ("zh-cn-yunjianneural", "'zh-cn-yunjianneural' is not an Edge voice (did you mean 'zh-CN-YunjianNeural'?)"),
    ("zh-CN", "'zh-CN' is a language, not an Edge voice; name one such as zh-CN-XiaoxiaoNeural, or leave out"),
    ("cmn+m3", "'cmn+m3' is not an Edge voice; `podcast voices --engine edge` lists them"),
])
def test_a_voice_outside_the_list_is_refused_with_the_likely_one(voice, expected):
    problem = edge_voice_problem(voice)
    assert problem == expected if not expected else problem.startswith(expected), problem


def test_a_language_needs_a_voice_in_the_list():
    assert edge_language_problem("zh") == edge_language_problem("en-GB") == ""
    assert edge_language_problem("tlh").startswith("'tlh' has no Edge voice")


def test_an_unknown_voice_is_refused_by_check_offline_where_it_is_written(tmp_path, capsys):
    text = ("title: T\ndate: 2025-12-08\nhosts:\n  卿姐: {engine: edge, voice: zh-CN-XiaoxiaoNeral}\n"
            "script:\n  - section: Intro\n    turns:\n      - 卿姐: 你好。\n")
    expected = ("x.yaml:4:29: host '卿姐': voice 'zh-CN-XiaoxiaoNeral' is not an Edge voice (did you mean "
                "'zh-CN-XiaoxiaoNeural'?)")
    found, problems = validate_episode(text, "x.yaml", Settings(language="zh"))
    assert found is None and any(str(p).startswith(expected) for p in problems), [str(p) for p in problems]
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["check", "--config", str(DATA / "site.yml"), str(path)]) == 1
    assert f"{path}:4:29: host '卿姐': voice 'zh-CN-XiaoxiaoNeral' is not an Edge voice" in capsys.readouterr().out
    fixed = text.replace("XiaoxiaoNeral", "XiaoxiaoNeural")
    assert validate_episode(fixed, "x.yaml", Settings(language="zh"))[0] is not None


# --- speaking through the stand-in --------------------------------------------------------------
def test_the_two_hosts_requests_name_two_voices(tmp_path, standin):
    hosts = {**EDGE_HOSTS, "卿姐": {**EDGE_HOSTS["卿姐"], "rate": "+10%", "pitch": "-5%"}}
    report, _ = build(tmp_path, site(tmp_path, hosts), episode(), edge())
    asked = {(r.voice, r.rate, r.pitch, r.text) for r in standin.requests}
    assert asked == {*((FEMALE, "+10%", "-10Hz", text) for text in LINES[::2]),
                     *((MALE, "+0%", "+0Hz", text) for text in LINES[1::2])}
    assert len(standin.requests) == report.synthesized == len(LINES)
    assert report.audio["edge"].publishable and report.fallback == 0
    frames = turn_frames(report.audio["edge"])
    assert {f.format for f in frames} == {FrameFormat("2", 3, 24000, 1)}
    assert min(f.length for f in frames) >= 144, "Edge's 48 kbit/s frames, as the stand-in sent them"


@pytest.mark.parametrize("kind", FAILURES)
def test_a_passing_failure_is_tried_again(tmp_path, standin, kind):
    standin.fail(kind, times=2)
    waits: list[float] = []
    report, _ = build(tmp_path, site(tmp_path, tts_concurrency=1), episode(), edge(waits))
    assert report.synthesized == len(LINES) and report.fallback == 0 and report.audio["edge"].publishable
    assert standin.connections == len(LINES) + 2, "each failed connection was tried again, and only those"
    # ours, with backoff; edge-tts asks again once itself after a 403 (its clock set by the answer's Date), and
    # aiohttp after a connection reset during the handshake
    assert 1 <= len(waits) <= 2 and 0 <= waits[0] <= 1.0 and all(w <= 2.0 for w in waits), waits
    assert {r.text for r in standin.requests} == set(LINES)


@pytest.mark.parametrize("kind", FAILURES)
def test_a_lasting_failure_falls_back_along_the_chain_to_a_preview(tmp_path, standin, kind):
    standin.fail(kind)
    warnings: list[str] = []
    settings = site(tmp_path, loudness_limiter=False)  # eSpeak NG's own frames: the limiter would encode them again
    report, built = build(tmp_path, settings, episode(), edge(), warnings)
    assert report.fallback == len(LINES) and not report.problems
    audio = report.audio["edge"]
    assert not audio.publishable and not (tmp_path / "audio/edge.mp3").exists() and audio.path.exists()
    hosts = {h.name: h for h in built.hosts}
    data = audio_bytes(audio.path.read_bytes())
    cache = ClipStore(Path(settings.cache_dir), Path(settings.audio_dir))
    for turn, span in zip(built.turns, audio.turns, strict=True):
        spoken = cache.get(turn_key("espeak", host_voice("espeak", hosts[turn.speaker], "zh"), turn.spoken))
        assert data[span.offset:span.offset + span.length] == apply_gain(spoken.data, span.gain), \
            "spoken by the chain's next engine (and levelled)"
    assert max(f.length for f in turn_frames(audio)) < 144, "eSpeak's 32 kbit/s frames"
    assert any("espeak speaks the turns edge would have spoken (kept as a preview" in w for w in warnings), warnings


def test_changing_one_hosts_voice_makes_exactly_that_hosts_requests(tmp_path, standin):
    settings = site(tmp_path)
    assert build(tmp_path, settings, episode(), edge())[0].synthesized == len(LINES)
    standin.requests.clear()
    report, _ = build(tmp_path, settings, episode("hosts:\n  晓旭: {engine: edge, voice: zh-CN-YunxiNeural}\n"),
                      edge())
    assert sorted((r.voice, r.text) for r in standin.requests) == sorted(("zh-CN-YunxiNeural", t) for t in LINES[1::2])
    assert report.synthesized == len(LINES[1::2]) and report.audio["edge"].publishable


@pytest.mark.parametrize("concurrency, expected", [(2, 2), (8, 4)])
def test_no_more_requests_run_at_once_than_the_row_and_the_site_allow(tmp_path, standin, concurrency, expected):
    assert ENGINES["edge"].concurrency == 4
    standin.gate, standin.delay = expected, 0.2
    lines = [f"第{n}句。" for n in range(12)]
    report, _ = build(tmp_path, site(tmp_path, tts_concurrency=concurrency), episode(lines=lines), edge())
    assert report.synthesized == len(lines)
    assert standin.most_at_once == expected


def test_cancel_ends_a_request_in_flight_within_5_s(standin):
    standin.delay = math.inf
    engine = EdgeEngine()
    failed: list[SpeechError] = []

    def speak() -> None:
        try:
            engine.synthesize("这句话永远等不到回答。", edge_voice(None, Host("a", gender="male"), "zh"))
        except SpeechError as exc:
            failed.append(exc)

    thread = threading.Thread(target=speak)
    thread.start()
    assert standin.wait_until(lambda s: s.active == 1)
    started = time.monotonic()
    engine.cancel()
    thread.join(5)
    assert not thread.is_alive() and time.monotonic() - started < 5
    assert failed and failed[0].stopped and "cancelled" in str(failed[0])


def test_a_service_that_cannot_be_found_or_refuses_is_given_up_at_once(standin, monkeypatch):
    import edge_tts.communicate

    voice = edge_voice(None, Host("a", gender="female"), "zh")
    free_port = standin.wss_url.replace(f":{standin.port}/", ":9/")  # the discard port: nobody listens
    for address in ("wss://speech.platform.bing.com/consumer/speech/synthesize/readaloud/edge/v1?X=1", free_port):
        monkeypatch.setattr(edge_tts.communicate, "WSS_URL", address)
        waits: list[float] = []
        with pytest.raises(SpeechError) as raised:
            edge(waits).synthesize("你好。", voice)
        assert raised.value.unreachable and waits == [], address
    assert standin.connections == 0


def test_a_run_of_failed_turns_stops_the_engine_for_the_build(standin):
    standin.fail("503")
    engine, voice = edge(give_up_after=3), edge_voice(None, Host("a", gender="female"), "zh")
    for _ in range(3):
        with pytest.raises(SpeechError, match="HTTP 503"):
            engine.synthesize("测试。", voice)
    sent = standin.connections
    with pytest.raises(SpeechError, match="Edge failed 3 turns in a row") as raised:
        engine.synthesize("测试。", voice)
    assert raised.value.stopped and raised.value.unreachable, "a turn left waiting goes to the host's next engine"
    assert standin.connections == sent == 3 + 1 + 1, "3 tries, then one try per turn"


def test_refresh_writes_the_live_list_trimmed_and_keeps_the_old_one_on_failure(tmp_path, standin):
    live = [{"Name": "Microsoft Server Speech Text to Speech Voice (zh-CN, YunxiNeural)",
             "ShortName": "zh-CN-YunxiNeural", "Gender": "Male", "Locale": "zh-CN",
             "SuggestedCodec": "audio-24khz-48kbitrate-mono-mp3", "Status": "GA",
             "FriendlyName": "Microsoft Yunxi Online (Natural) - Chinese (Mainland)",
             "VoiceTag": {"ContentCategories": ["Novel"], "VoicePersonalities": ["Lively", "Sunshine"]}},
            {"ShortName": "en-US-AvaNeural", "Gender": "Female", "Locale": "en-US", "Status": "GA"}]
    standin.voices = live
    path = tmp_path / "voices.json"
    standin.fail("403", times=1)  # edge-tts fixes its clock and asks again
    assert refresh_edge_voices(path) == 2
    assert json.loads(path.read_text(encoding="utf-8")) == [
        {"ShortName": "en-US-AvaNeural", "Gender": "Female", "Locale": "en-US",
         "VoiceTag": {"ContentCategories": [], "VoicePersonalities": []}},  # as edge-tts fills it in
        {"ShortName": "zh-CN-YunxiNeural", "Gender": "Male", "Locale": "zh-CN",
         "VoiceTag": {"ContentCategories": ["Novel"], "VoicePersonalities": ["Lively", "Sunshine"]}}]
    before = path.read_bytes()
    standin.fail("503")
    with pytest.raises(SpeechError, match="HTTP 503"):
        refresh_edge_voices(path)
    assert path.read_bytes() == before and [p.name for p in tmp_path.iterdir()] == ["voices.json"]
