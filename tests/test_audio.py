"""Episode audio: counted syntheses, reuse across clones, faults, and MP3s a real decoder accepts."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import wave
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
import responses
import yaml
from mutagen.id3 import ID3

from site_plugins.podcast import load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.mp3frames import duration_of, read_frames
from site_plugins.podcast.speech import EspeakEngine, GttsEngine, RetryPolicy, Voice, silence_mp3

from .checkers import require
from .conftest import REPO, TEST_SETTINGS, SiteProject, site_mp3, square_png
from .test_speech import ENDPOINT, OFFLINE, gtts_body, request_params

pytestmark = pytest.mark.site

SAY = ["大家好，欢迎收听。", "今天我们谈谈能源。", "能源收入锐减。", "财政赤字飙升。", "黄金储备大量出售。",
       "这些都迫使莫斯科寻求和平。", "前路充满不确定性。", "我们下期再见。"]


def script_episode(slug: str, lines: list[str]) -> str:
    turns = "".join(f"      - {'卿姐' if n % 2 == 0 else '晓旭'}: {text}\n" for n, text in enumerate(lines))
    half = len(lines) // 2
    first, second = turns.splitlines(keepends=True)[:half], turns.splitlines(keepends=True)[half:]
    return (f"title: {slug}\ndate: 2025-12-08\nslug: {slug}\nsummary: 关于能源的一期。\n"
            "script:\n  - section: Intro\n    turns:\n" + "".join(first)
            + "  - section: Core Event\n    turns:\n" + "".join(second))


def decode(path: Path, tmp_path: Path) -> int:
    """Samples mpg123 decodes from the whole file; fails on any decoder complaint."""
    require("mpg123")
    wav = tmp_path / (path.stem + ".wav")
    result = subprocess.run(["mpg123", "-q", "-w", str(wav), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    with wave.open(str(wav)) as decoded:
        assert (decoded.getframerate(), decoded.getnchannels()) == (24000, 1)
        return decoded.getnframes()


def test_editing_three_turns_synthesizes_exactly_three(project: SiteProject):
    project.add_episode("a.yaml", script_episode("a", SAY))
    project.add_episode("b.yaml", script_episode("b", SAY[::-1]))
    project.build()
    assert project.plugin.output.audio.synthesized == len(set(SAY)) * 2  # two hosts' voices differ
    edited = list(SAY)
    for index in (1, 4, 6):
        edited[index] = edited[index].replace("。", "，真的。")
    project.add_episode("a.yaml", script_episode("a", edited))
    project.build()
    report = project.plugin.output.audio
    assert (report.synthesized, report.reused) == (3, 1)
    project.build()
    assert (project.plugin.output.audio.synthesized, project.plugin.output.audio.reused) == (0, 2)


def test_a_fresh_clone_with_published_audio_synthesizes_nothing(project: SiteProject, tmp_path):
    project.add_episode("a.yaml", script_episode("a", SAY))
    first = project.build()
    clone = tmp_path / "clone"
    shutil.copytree(project.root, clone, ignore=shutil.ignore_patterns(".cache", "site"))
    assert (clone / "audio/a.mp3").exists() and not (clone / ".cache").exists()
    copy = SiteProject.__new__(SiteProject)
    copy.root = clone
    second = copy.build()
    assert (copy.plugin.output.audio.synthesized, copy.plugin.output.audio.reused) == (0, 1)
    assert site_mp3(first, "a").read_bytes() == site_mp3(second, "a").read_bytes()
    assert site_mp3(first, "a").name == site_mp3(second, "a").name, "the same content, the same address"
    # An edited clone still splices every unchanged turn out of the published file.
    edited = SAY[:-1] + ["新的结尾。"]
    copy.add_episode("a.yaml", script_episode("a", edited))
    copy.build()
    assert copy.plugin.output.audio.synthesized == 1


def test_the_mp3_decodes_and_its_times_and_chapters_are_exact(project: SiteProject, tmp_path):
    project.add_episode("a.yaml", script_episode("a", SAY))
    site = project.build()
    audio = project.plugin.output.audio.audio["a"]
    mp3 = site_mp3(site, "a")
    samples = decode(mp3, tmp_path)
    frames = read_frames(mp3.read_bytes())
    assert samples == len(frames) * 576
    assert samples / 24000 == pytest.approx(audio.duration, abs=0.001)
    turn_total = sum(t.end - t.start for t in audio.turns)
    pause = duration_of(read_frames(silence_mp3(TEST_SETTINGS.pause)))
    assert audio.duration == pytest.approx(turn_total + (len(SAY) - 1) * pause, abs=0.001)
    gaps = [later.start - earlier.end for earlier, later in itertools.pairwise(audio.turns)]
    assert gaps == pytest.approx([pause] * (len(SAY) - 1), abs=0.001)
    tags = ID3(mp3)
    assert tags["TIT2"].text == ["a"] and tags["TCON"].text == ["Podcast"] and tags.version == (2, 3, 0)
    chapters = sorted(tags.getall("CHAP"), key=lambda c: c.start_time)
    assert [c.sub_frames["TIT2"].text[0] for c in chapters] == ["Intro", "Core Event"]
    assert [c.start_time for c in chapters] == [0, round(audio.turns[4].start * 1000)]
    assert tags.getall("CTOC")[0].child_element_ids == [c.element_id for c in chapters]


def test_the_page_carries_times_and_files_beside_it(project: SiteProject):
    project.add_episode("a.yaml", script_episode("a", SAY))
    site = project.build()
    page = project.page("episodes/a")
    audio = project.plugin.output.audio.audio["a"]
    starts = re.findall(r'class="gp-turn[^"]*" id="t\d+" data-start="([\d.]+)"', page)
    assert [float(s) for s in starts] == [t.start for t in audio.turns]
    assert f'<audio class="gp-audio" controls preload="metadata" src="../../audio/{site_mp3(site, "a").name}">' in page
    vtt = (site / "episodes/a/transcript.vtt").read_text(encoding="utf-8")
    assert vtt.startswith("WEBVTT\n") and vtt.count("<v 卿姐>") == 4 and vtt.count("<v 晓旭>") == 4
    assert all(len(line) <= 64 + len("<v 卿姐>") for line in vtt.splitlines())
    chapters = json.loads((site / "episodes/a/chapters.json").read_text(encoding="utf-8"))
    assert chapters["version"] == "1.2.0" and chapters["chapters"][1]["title"] == "Core Event"


def test_recorded_audio_is_used_as_it_is(project: SiteProject):
    recording = EspeakEngine().synthesize("这是一段录音。", Voice("zh-CN"))
    (project.root / "rec.mp3").write_bytes(recording)
    project.add_episode("r.yaml", script_episode("r", SAY[:2]) + "audio: rec.mp3\n")
    site = project.build()
    assert project.plugin.output.audio.synthesized == 0
    assert site_mp3(site, "r").read_bytes() == recording
    assert project.plugin.output.audio.audio["r"].duration > 1


def test_an_unchanged_recording_is_not_read_again_and_a_changed_one_is(project: SiteProject, monkeypatch):
    from site_plugins.podcast.audio import builder

    short = EspeakEngine().synthesize("短。", Voice("zh-CN"))
    longer = EspeakEngine().synthesize("这是一段更长的录音，说了好几句话。", Voice("zh-CN"))
    (project.root / "rec.mp3").write_bytes(short)
    project.add_episode("r.yaml", script_episode("r", SAY[:2]) + "audio: rec.mp3\n")
    walked = []
    real = builder.mp3_frames  # where the builder walks a recording's frames to measure it
    monkeypatch.setattr(builder, "mp3_frames",
                        lambda name, data, **kw: walked.append(len(data)) or real(name, data, **kw))
    project.build()
    first = project.plugin.output.audio.audio["r"].duration
    project.build()
    assert walked == [len(short)], "the second build reads the duration it kept"
    assert project.plugin.output.audio.audio["r"].duration == first
    (project.root / "rec.mp3").write_bytes(longer)
    project.build()
    assert walked == [len(short), len(longer)]
    assert project.plugin.output.audio.audio["r"].duration > first


def test_a_cold_build_checks_an_unchanged_recording_from_its_record_and_reads_a_changed_one(
        project: SiteProject, monkeypatch, caplog):
    """Validation reads a recording whole (as the builder does) unless a build read it since and it is unchanged:
    without its kept work, a build of 300 recordings of 20 minutes read 1.4 GB again."""
    from site_plugins.podcast import recordings
    from site_plugins.podcast.audio import builder
    from site_plugins.podcast.memo import MEMO_FOLDER

    mp3 = EspeakEngine().synthesize("这是一段录音。", Voice("zh-CN"))
    (project.root / "rec.mp3").write_bytes(mp3)
    project.add_episode("r.yaml", script_episode("r", SAY[:2]) + "audio: rec.mp3\n")
    project.build()
    read = []
    real = recordings.read_regular  # where validation reads a recording
    monkeypatch.setattr(recordings, "read_regular", lambda path, **kw: (  # the record itself aside
        path.suffix == ".mp3" and read.append(path.name)) or real(path, **kw))
    kept_work = project.root / ".cache/podcast" / MEMO_FOLDER
    shutil.rmtree(kept_work)
    site = project.build()
    assert read == [] and site_mp3(site, "r").read_bytes() == mp3, "checked by its record, published as it is"
    walked = []  # where validation and the builder walk a recording's frames
    for module in (recordings, builder):
        monkeypatch.setattr(module, "mp3_frames", lambda name, data, real=module.mp3_frames, **kw:
                            walked.append(name) or real(name, data, **kw))
    later = (project.root / "rec.mp3").stat().st_mtime_ns + 10**9  # a fresh clone: the same bytes, a new time
    os.utime(project.root / "rec.mp3", ns=(later, later))
    shutil.rmtree(kept_work)
    assert site_mp3(project.build(), "r").read_bytes() == mp3
    assert read == ["rec.mp3"] and walked == [], "read and found the bytes measured: not walked frame by frame"
    (project.root / "rec.mp3").write_bytes(mp3 + b"\0" * 100_000)  # trailing junk: refused by check and build
    shutil.rmtree(kept_work)
    project.build(strict=False)
    assert read == ["rec.mp3"] * 2 and walked and "r" not in project.plugin.output.audio.audio
    assert any("audio file 'rec.mp3' is not an MP3 file" in r.getMessage() for r in caplog.records)


@pytest.mark.unit
def test_a_damaged_record_of_measured_recordings_is_read_as_none(tmp_path):
    """The record is the cache's: a wrong entry, a file that is no JSON or not a regular file is measured again,
    never a traceback, never a wait on a device."""
    from site_plugins.podcast.recordings import MEASURED, measured, measured_in

    recording = tmp_path / "rec.mp3"
    recording.write_bytes(b"bytes")
    info = recording.stat()
    for entry in ([info.st_size, info.st_mtime_ns, "not a number", "d"], [info.st_size, info.st_mtime_ns, None, "d"],
                  ["5"], "text"):
        assert measured({str(recording): entry}, recording, info, b"bytes") is None
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / MEASURED).symlink_to("/dev/zero")
    assert measured_in(tmp_path / "cache") == {}
    (tmp_path / "cache" / MEASURED).unlink()
    (tmp_path / "cache" / MEASURED).write_text("[" * 100_000)
    assert measured_in(tmp_path / "cache") == {}


def gtts_settings(tmp_path: Path):
    return replace(TEST_SETTINGS, tts="gtts", audio_dir=str(tmp_path / "audio"), cache_dir=str(tmp_path / "cache"),
                   tts_concurrency=1)


def catalog_of(tmp_path: Path, settings, files: dict[str, str]):
    folder = tmp_path / "episodes"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_catalog([folder], settings, root=tmp_path, include_drafts=False)


@responses.activate
def test_a_turn_that_fails_every_retry_leaves_nothing_damaged_and_the_next_run_finishes(tmp_path):
    settings = gtts_settings(tmp_path)
    files = {"a.yaml": script_episode("a", SAY), "b.yaml": script_episode("b", SAY[:2])}
    catalog = catalog_of(tmp_path, settings, files)
    speech = EspeakEngine().synthesize("测试。", Voice("zh-CN"))
    broken = {"text": "财政赤字飙升。"}

    def answer(request):
        text = request_params(type("Call", (), {"request": request}))[0]
        return (500, {}, "") if text == broken["text"] else (200, {}, gtts_body(speech))

    responses.add_callback(responses.POST, ENDPOINT, callback=answer)
    engine = GttsEngine(retry=RetryPolicy(attempts=3), sleep=lambda _: None, requests_per_second=0)
    report = AudioBuilder(settings, project_dir=tmp_path, engine=engine).build(catalog.episodes)
    assert sorted(report.audio) == ["b"]
    assert [p.message.split(";")[0] for p in report.problems] == ["speech for this turn failed: gTTS answered HTTP 500"]
    assert report.problems[0].line == 11
    assert not (tmp_path / "audio/a.mp3").exists()
    assert not list(tmp_path.rglob("*.part"))
    broken["text"] = None
    calls_before = len(responses.calls)
    report = AudioBuilder(settings, project_dir=tmp_path, engine=engine).build(catalog.episodes)
    assert report.synthesized == 1 and report.reused == 1 and len(responses.calls) == calls_before + 1
    read_frames((tmp_path / "audio/a.mp3").read_bytes())


def test_a_damaged_cache_entry_is_made_again(tmp_path):
    settings = replace(gtts_settings(tmp_path), tts="espeak")
    catalog = catalog_of(tmp_path, settings, {"a.yaml": script_episode("a", SAY)})
    AudioBuilder(settings, project_dir=tmp_path, engine=EspeakEngine()).build(catalog.episodes)
    (tmp_path / "audio/a.mp3").unlink()
    entry = sorted((tmp_path / "cache/turns").rglob("*.mp3"))[3]
    good = entry.read_bytes()
    entry.write_bytes(good[: len(good) // 2] + b"garbage")
    report = AudioBuilder(settings, project_dir=tmp_path, engine=EspeakEngine()).build(catalog.episodes)
    assert report.synthesized == 1
    # eSpeak NG's voice flutter carries over between utterances, so the bytes may differ a little.
    assert entry.read_bytes()[:4] == good[:4] and b"garbage" not in entry.read_bytes()
    decode(tmp_path / "audio/a.mp3", tmp_path)


KILLED_RUN = textwrap.dedent("""
    import sys
    from dataclasses import replace
    from pathlib import Path
    from site_plugins.podcast import Host, Settings, load_catalog
    from site_plugins.podcast.audio.builder import AudioBuilder
    from site_plugins.podcast.speech import EspeakEngine
    root = Path(sys.argv[1])
    settings = Settings(language="zh", hosts=(Host("卿姐", voice="zh-CN"), Host("晓旭", voice="zh-TW", variant=1)),
                        tts="espeak", tts_concurrency=1)
    catalog = load_catalog([root / "episodes"], settings, root=root, include_drafts=False)
    report = AudioBuilder(settings, project_dir=root, engine=EspeakEngine()).build(catalog.episodes)
    print(report.synthesized)
""")


def test_a_process_killed_mid_synthesis_leaves_no_damaged_mp3(tmp_path):
    lines = [f"这是第{n}句话，我们一起讨论能源、预算和未来的计划，看看会发生什么。" for n in range(150)]
    catalog_of(tmp_path, TEST_SETTINGS, {"long.yaml": script_episode("long", lines)})
    command = [sys.executable, "-c", KILLED_RUN, str(tmp_path)]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, text=True)
    turns = tmp_path / ".cache/podcast/turns"
    deadline = time.monotonic() + 60
    while len(list(turns.rglob("*.mp3"))) < 20 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run was stopped before it finished"
    assert not (tmp_path / "audio/long.mp3").exists()
    done = len(list(turns.rglob("*.mp3")))
    assert 20 <= done < 150
    finished = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=True)
    assert int(finished.stdout) in (150 - done, 150 - done + 1)  # a turn caught mid-write is made again
    assert not list(tmp_path.rglob("*.part"))
    assert len(read_frames((tmp_path / "audio/long.mp3").read_bytes())) > 0
    decode(tmp_path / "audio/long.mp3", tmp_path)


@responses.activate
def test_offline_fallback_previews_but_never_publishes(project: SiteProject, monkeypatch, caplog):
    import requests
    from mkdocs.exceptions import Abort

    monkeypatch.delenv("PODCAST_TTS")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("tts: espeak", "tts: gtts"), encoding="utf-8")
    project.add_episode("a.yaml", script_episode("a", SAY[:4]))
    responses.add(responses.POST, ENDPOINT, body=requests.ConnectionError(OFFLINE))
    site = project.build(strict=False)
    report = project.plugin.output.audio
    assert report.fallback == 4 and not report.audio["a"].publishable
    assert site_mp3(site, "a").exists() and not (project.root / "audio/a.mp3").exists()
    assert any("could not be reached" in r.getMessage() for r in caplog.records)
    with pytest.raises(Abort):
        project.build(strict=True)
    responses.replace(responses.POST, ENDPOINT, body=gtts_body(EspeakEngine().synthesize("测试。", Voice("zh-CN"))))
    project.build(strict=True)
    assert project.plugin.output.audio.audio["a"].publishable and (project.root / "audio/a.mp3").exists()


def test_the_cover_goes_into_the_tags(project: SiteProject):
    png = square_png(1400)
    (project.root / "cover.png").write_bytes(png)
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("tts: espeak", "tts: espeak\n      cover: cover.png"),
                      encoding="utf-8")
    project.add_episode("a.yaml", script_episode("a", SAY[:2]))
    site = project.build()
    picture = ID3(site_mp3(site, "a")).getall("APIC")[0]
    assert (picture.mime, picture.data, picture.type) == ("image/png", png, 3)
    assert (site / "cover.png").read_bytes() == png


@pytest.mark.parametrize(("audio", "message"), [
    ("audio/a.mp3", "audio file 'audio/a.mp3' is in audio/, where the build writes episode MP3s"),
    ("../outside.mp3", "audio file '../outside.mp3' is outside the project"),
    ("mkdocs.yml", "audio file 'mkdocs.yml' is not an MP3 file"),
    ("missing.mp3", "audio file 'missing.mp3' does not exist"),
])
def test_recorded_audio_must_be_a_real_mp3_of_the_project(project: SiteProject, caplog, audio, message):
    recording = EspeakEngine().synthesize("录音。", Voice("zh-CN"))
    (project.root / "audio").mkdir()
    (project.root / "audio/a.mp3").write_bytes(recording)
    (project.root.parent / "outside.mp3").write_bytes(recording)
    project.add_episode("r.yaml", script_episode("r", SAY[:2]) + f"audio: {audio}\n")
    project.build(strict=False)
    assert "r" not in project.plugin.output.audio.audio
    assert any(message in r.getMessage() for r in caplog.records)
    assert (project.root / "audio/a.mp3").read_bytes() == recording, "a recording is never overwritten"


def test_a_drafts_audio_stays_out_of_the_committed_folder(project: SiteProject):
    project.add_episode("d.yaml", script_episode("d", SAY[:2]) + "draft: true\n")
    site = project.build(command="serve")
    assert site_mp3(site, "d").exists() and not (project.root / "audio/d.mp3").exists()
    assert not project.plugin.output.audio.audio["d"].publishable


def test_turn_tables_read_fast_match_mutagen(tmp_path):
    """The quick reader of our own tags gives what mutagen gives; other tags go to mutagen."""
    from mutagen.id3 import ID3, TXXX

    from site_plugins.podcast.audio.id3 import SIGNATURE_DESC, TURNS_DESC, _latin1_txxx, read_finished

    path = tmp_path / "x.mp3"
    tags = ID3()
    tags.add(TXXX(encoding=0, desc=TURNS_DESC, text='[["k",0,10,0.0,1.5,"d"]]'))
    tags.add(TXXX(encoding=0, desc=SIGNATURE_DESC, text="sig"))
    tags.save(path, v2_version=3)
    data = path.read_bytes()
    assert _latin1_txxx(data[:10], data[10:]) == {TURNS_DESC: '[["k",0,10,0.0,1.5,"d"]]', SIGNATURE_DESC: "sig"}
    assert read_finished(path).signature == "sig" and read_finished(path).turns[0].end == 1.5
    tags.save(path, v2_version=4)  # ID3v2.4: read by mutagen
    data = path.read_bytes()
    assert _latin1_txxx(data[:10], data[10:]) is None
    assert read_finished(path).signature == "sig"


@responses.activate
def test_a_preview_remembers_an_engine_it_could_not_reach_and_counts_only_turns_spoken(project: SiteProject,
                                                                                      monkeypatch):
    import requests

    from site_plugins.podcast import SiteInfo, SiteSession
    from site_plugins.podcast.load.siteconfig import _plugin_options

    monkeypatch.delenv("PODCAST_TTS")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("tts: espeak", "tts: gtts"), encoding="utf-8")
    project.add_episode("a.yaml", script_episode("a", SAY[:4]))
    responses.add(responses.POST, ENDPOINT, body=requests.ConnectionError(OFFLINE))
    options = {**_plugin_options(yaml.safe_load(config.read_text(encoding="utf-8"))["plugins"]), "language": "zh"}
    site = SiteInfo("Test Pod", project.root, project.root / "site")
    said: list[str] = []
    first = SiteSession.start(options, site, clock=lambda: datetime.now(UTC), environ={}, preview=True,
                              progress=said.append, warn=said.append)
    first.build()
    asked = len(responses.calls)
    assert asked >= 1 and any("could not be reached" in line for line in said)
    assert "speech: 4 of 4 turns, about 0 s left" in said
    project.add_episode("b.yaml", script_episode("b", SAY[:4]))  # the same turns: the offline ones are cached
    said.clear()
    second = SiteSession.start(options, site, clock=lambda: datetime.now(UTC), environ={}, preview=True,
                               progress=said.append, warn=said.append, previous=first)
    second.build()
    assert len(responses.calls) == asked, "not asked again in the same preview"
    assert any("gtts was not reachable earlier in this preview" in line for line in said), said
    assert not [line for line in said if line.startswith("speech: ") and " of " in line], \
        "no turn was spoken, so none is counted"
