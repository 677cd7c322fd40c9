"""Hostile and careless input: nothing silent, nothing crashes, nothing escapes the repository."""

from __future__ import annotations

import logging
import os
from dataclasses import replace

import pytest
import responses

from site_plugins.podcast import load_catalog, validate_episode
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.cli import main
from site_plugins.podcast.speech import EspeakEngine

from .conftest import TEST_SETTINGS, SiteProject, build_on_a_full_disk, copy_site, episode_yaml
from .test_audio import SAY, catalog_of, decode, gtts_settings, script_episode

pytestmark = pytest.mark.site


def built_twice(tmp_path, damage):
    """Build an episode, damage its published MP3, build again: (second report, progress lines)."""
    settings = replace(gtts_settings(tmp_path), tts="espeak")
    catalog = catalog_of(tmp_path, settings, {"a.yaml": script_episode("a", SAY)})
    AudioBuilder(settings, project_dir=tmp_path, engine=EspeakEngine()).build(catalog.episodes)
    path = tmp_path / "audio/a.mp3"
    good = path.read_bytes()
    path.write_bytes(damage(good))
    said: list[str] = []
    report = AudioBuilder(settings, project_dir=tmp_path, engine=EspeakEngine(), progress=said.append) \
        .build(catalog.episodes)
    return report, said, good, path


@pytest.mark.parametrize("name, damage", [
    ("flipped", lambda b: b[:len(b) // 2] + bytes(x ^ 0xFF for x in b[len(b) // 2:len(b) // 2 + 64])
     + b[len(b) // 2 + 64:]),
    ("truncated", lambda b: b[:-700]),
    ("appended", lambda b: b + b"\0" * 10_000),
])
def test_a_damaged_published_mp3_is_repaired_not_published(tmp_path, name, damage):
    report, said, good, path = built_twice(tmp_path, damage)
    assert report.reused == 0
    assert any("audio/a.mp3 is damaged" in line for line in said), said
    repaired = path.read_bytes()
    assert repaired != damage(good)
    assert report.audio["a"].size == len(repaired)
    decode(path, tmp_path)
    # Intact turns are spliced back out of the damaged file or the cache: at most the hit ones are spoken.
    assert report.synthesized <= 2


def test_an_intact_mp3_is_reused_untouched(tmp_path):
    report, said, good, path = built_twice(tmp_path, lambda b: b)
    assert (report.reused, report.synthesized) == (1, 0)
    assert path.read_bytes() == good and not any("damaged" in line for line in said)


def test_a_symlinked_episode_is_refused_and_never_read(project: SiteProject, tmp_path, caplog, capsys):
    secret = tmp_path / "secret.yaml"
    secret.write_text(episode_yaml("秘密的节目") + "password: hunter2\n", encoding="utf-8")
    project.add_episode("good.yaml", episode_yaml("正常的节目", extra="slug: good\n"))
    os.symlink(secret, project.root / "episodes/linked.yaml")
    os.symlink(tmp_path, project.root / "episodes/folder")
    code = main(["check", "--config", str(project.root / "mkdocs.yml"), str(project.root / "episodes")])
    out = capsys.readouterr().out
    assert code == 1
    assert "episodes/linked.yaml: is a symbolic link, which is never read" in out
    assert "episodes/folder: is a symbolic link" in out
    assert "hunter2" not in out and "秘密" not in out
    with caplog.at_level(logging.INFO):
        site = project.build(strict=False)
    assert (site / "episodes/good/index.html").exists()
    assert "秘密的节目" not in "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    assert "hunter2" not in caplog.text


@pytest.mark.parametrize("text, message", [
    ("title: x\nscript: " + "[" * 1200 + "]" * 1200 + "\n",
     "x.yaml:2:1008: lists or mappings are nested more than 12 levels deep"),
    ("title: x\nscript: " + "[" * 40 + "]" * 40 + "\n", "x.yaml:2:20: lists or mappings are nested more than 12"),
    ("title: x\nscript: " + "[" * 900 + "]" * 899 + " x: y:\n", "x.yaml:1:1: lists or mappings are nested"),
])
def test_deep_nesting_is_a_located_error_not_a_crash(text, message):
    episode, problems = validate_episode(text, "x.yaml", TEST_SETTINGS)
    assert episode is None
    assert str(problems[0]).startswith(message), problems


def test_aliases_are_refused_and_anchors_and_tags_are_warned():
    text = episode_yaml(turns="      - 卿姐: &wow 太好了\n      - 晓旭: !shout 是的\n      - 卿姐: *wow\n")
    episode, problems = validate_episode(text, "x.yaml", TEST_SETTINGS)
    assert episode is None
    assert [str(p) for p in problems] == [
        "x.yaml:6:13: warning: '&wow' is read as a YAML anchor and left out of the text; put the whole text in "
        "quotes",
        "x.yaml:7:13: warning: '!shout' is read as a YAML tag and left out of the text; put the whole text in quotes",
        "x.yaml:8:13: '*wow' repeats another part of the file (a YAML alias), which episode files do not use; "
        "write the text out in full, or put it in quotes if it starts with '*'",
    ]


def test_an_alias_bomb_is_refused_quickly():
    import time

    rows = "\n".join(f"  - &s{n} [" + ", ".join([f"*s{n - 1}"] * 10) + "]" for n in range(1, 9))
    text = "title: x\ndate: 2025-12-08\nbomb:\n  - &s0 [a]\n" + rows + "\nscript: []\n"
    started = time.perf_counter()
    episode, problems = validate_episode(text, "x.yaml", TEST_SETTINGS)
    assert episode is None and time.perf_counter() - started < 5
    assert any("a YAML alias" in str(p) for p in problems)


@pytest.mark.parametrize("tld", ["com@127.0.0.1:18999/x?", "evil.example", "com/../x"])
def test_no_request_leaves_for_a_host_not_on_googles_list(tld):
    import responses

    from site_plugins.podcast.speech import GttsEngine, SpeechError, Voice

    with responses.RequestsMock(assert_all_requests_are_fired=False) as answered:
        with pytest.raises(SpeechError, match="not one of Google's domains"):
            GttsEngine(sleep=lambda _: None).synthesize("Hello there.", Voice("en", tld=tld))
        assert len(answered.calls) == 0


def test_a_hostile_tld_in_the_site_settings_is_refused(tmp_path, capsys):
    config = tmp_path / "mkdocs.yml"
    config.write_text("plugins:\n  - podcast:\n      hosts:\n        Ann: {voice: en, tld: 'com@127.0.0.1:18999/x?'}\n",
                      encoding="utf-8")
    assert main(["check", "--config", str(config), str(tmp_path)]) == 2
    assert "hosts: 'Ann': tld 'com@127.0.0.1:18999/x?' is not one of Google's domains" in capsys.readouterr().err


def check_then_build(project: SiteProject, files: dict[str, str]) -> tuple[set[str], set[str]]:
    """(slugs `podcast check` accepts, slugs a build publishes) for the same episode files."""
    folder = project.root / "episodes"
    for old in folder.rglob("*"):
        if old.is_file():
            old.unlink()
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    catalog = load_catalog([folder], TEST_SETTINGS, root=project.root, include_drafts=False, project_dir=project.root)
    site = project.build(strict=False)
    built = {p.parent.name for p in (site / "episodes").glob("*/index.html")} if (site / "episodes").is_dir() else set()
    if not catalog.problems:
        project.build(strict=True)  # raises if a strict build refuses what check passed
    return {e.slug for e in catalog.episodes}, built


def test_what_check_accepts_is_what_the_build_publishes_over_the_bad_corpus(project: SiteProject):
    from .conftest import DATA

    bad = DATA / "bad"
    cases = [p for p in sorted(bad.iterdir()) if p.suffix == ".yaml" or (p.is_dir() and
                                                                          not p.name.startswith("recording-"))]
    assert len(cases) >= 60
    for case in cases:
        paths = sorted(case.rglob("*.yaml")) if case.is_dir() else [case]
        root = case if case.is_dir() else bad
        files = {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8", errors="replace") for p in paths}
        accepted, built = check_then_build(project, files)
        assert accepted == built, case.name


def gtts_project(project: SiteProject, monkeypatch) -> None:
    monkeypatch.delenv("PODCAST_TTS")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("tts: espeak", "tts: gtts"), encoding="utf-8")


def test_one_reset_connection_does_not_stop_a_strict_publish(project: SiteProject, monkeypatch):
    import requests
    import responses

    from .test_speech import ENDPOINT, gtts_body, real_mp3

    gtts_project(project, monkeypatch)
    project.add_episode("a.yaml", script_episode("a", SAY[:4]))
    with responses.RequestsMock() as answered:
        answered.add(responses.POST, ENDPOINT, body=requests.ConnectionError(
            "('Connection aborted.', ConnectionResetError(104, 'Connection reset by peer'))"))
        answered.add(responses.POST, ENDPOINT, body=gtts_body(real_mp3()))
        project.build(strict=True)
        assert len(answered.calls) == 5  # 4 turns, one of them twice
    report = project.plugin.output.audio
    assert report.audio["a"].publishable and report.fallback == 0 and report.synthesized == 4


def test_every_request_refused_gives_one_summary_and_few_requests(tmp_path):
    import random

    import responses

    from site_plugins.podcast.speech import GttsEngine, RetryPolicy

    from .test_speech import ENDPOINT

    settings = replace(gtts_settings(tmp_path), tts_concurrency=2)
    catalog = catalog_of(tmp_path, settings, {f"{n}.yaml": script_episode(f"e{n}", [f"{n}{s}" for s in SAY])
                                              for n in range(5)})
    engine = GttsEngine(retry=RetryPolicy(attempts=3, base_delay=0.001), requests_per_second=0,
                        rng=random.Random(1), give_up_after=3)
    with responses.RequestsMock() as answered:
        answered.add(responses.POST, ENDPOINT, status=429)
        report = AudioBuilder(settings, project_dir=tmp_path, engine=engine).build(catalog.episodes)
        sent = len(answered.calls)
    assert report.audio == {}
    assert sent <= (3 + 2) * 3, sent  # 40 turns, 5 episodes: stopped after a few turns
    summary = [str(p) for p in report.problems if "turns in a row" in str(p)]
    assert len(summary) == 1 and len(report.problems) <= 3 + 2 + 1, report.problems
    assert "have no audio in this build, and the next build tries again" in summary[0]


INTERRUPTED_RUN = """
import signal, sys, threading, time, responses, random
from dataclasses import replace
from pathlib import Path
from site_plugins.podcast import load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.speech import GttsEngine
from tests.conftest import TEST_SETTINGS
from tests.test_speech import ENDPOINT, gtts_body, real_mp3
root = Path(sys.argv[1])
settings = replace(TEST_SETTINGS, tts="gtts", tts_concurrency=2, audio_dir=str(root / "audio"),
                   cache_dir=str(root / "cache"))
catalog = load_catalog([root / "episodes"], settings, root=root, include_drafts=False)
body = gtts_body(real_mp3())
calls = []
interrupted = []
def on_ctrl_c(number, frame):
    interrupted.append(time.monotonic())
    signal.default_int_handler(number, frame)
signal.signal(signal.SIGINT, on_ctrl_c)
def slow(request):
    calls.append(time.monotonic())
    if len(calls) == 3:
        print("speaking", flush=True)
    time.sleep(0.3)
    return (200, {}, body)
with responses.RequestsMock() as answered:
    answered.add_callback(responses.POST, ENDPOINT, callback=slow)
    try:
        AudioBuilder(settings, project_dir=root, engine=GttsEngine(requests_per_second=0)).build(catalog.episodes)
    except KeyboardInterrupt:
        print("interrupted", sum(1 for at in calls if at > interrupted[0]), flush=True)
        raise SystemExit(130)
"""


def test_ctrl_c_during_synthesis_stops_within_seconds(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    from .conftest import REPO

    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes/a.yaml").write_text(script_episode("a", [f"第{n}句话。" for n in range(60)]),
                                              encoding="utf-8")
    process = subprocess.Popen([sys.executable, "-c", INTERRUPTED_RUN, str(tmp_path)], cwd=REPO, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    assert process.stdout.readline().strip() == "speaking"
    time.sleep(0.5)
    process.send_signal(signal.SIGINT)
    interrupted = time.monotonic()
    out, err = process.communicate(timeout=60)  # a guard against a hang only: a loaded machine is slow to exit
    waited = time.monotonic() - interrupted
    assert process.returncode == 130, err[-2000:]
    # Stopping within seconds, measured in what the machine's load cannot stretch: the requests begun after
    # Ctrl-C. Each takes 0.3 s and two run at once, so going on for 5 s would begin some 30; the two workers
    # may each begin one before they see the stop.
    after = int(out.split()[-1])
    assert after <= 2, f"{after} requests began after Ctrl-C (it took {waited:.1f} s): speech went on"
    assert not list(tmp_path.rglob("*.part")), "nothing half-written is left"


def test_a_full_disk_is_one_line_naming_the_file_and_leaves_nothing_partial(tmp_path):
    copy_site(tmp_path)
    result = build_on_a_full_disk(tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if "cannot write" in line]
    assert len(errors) == 1, result.stderr[-2000:]
    assert f"cannot write {tmp_path}/audio/" in errors[0] and "File too large" in errors[0]
    assert "free some space and build again" in errors[0]
    assert not list(tmp_path.rglob("*.part")), "nothing half-written is left"


@pytest.mark.parametrize("content", [b"", b"ID3\x03\x00\x00\x00\x00\x00\x00", b"\xff\xfb" + b"\x00" * 50],
                         ids=["empty", "id3-only", "no-frames"])
def test_a_recording_without_audio_is_refused_not_published_with_length_zero(project: SiteProject, capsys, content):
    (project.root / "recordings").mkdir()
    (project.root / "recordings/ep.mp3").write_bytes(content)
    project.add_episode("r.yaml", episode_yaml(extra="slug: r\naudio: recordings/ep.mp3\n"))
    assert main(["check", "--config", str(project.root / "mkdocs.yml"), str(project.root / "episodes")]) == 1
    assert "audio file 'recordings/ep.mp3' is not an MP3 file (no MPEG audio frames)" in capsys.readouterr().out
    site = project.build(strict=False)
    assert not (site / "episodes/r").exists() and 'length="0"' not in (site / "feed.xml").read_text(encoding="utf-8")


def test_a_tab_that_only_libyaml_refuses_is_checked_not_crashed_on():
    """Found by tests/test_fuzz.py (seed 2141357790): the Python parser reads a tab after a block scalar's
    indentation that libyaml refuses, so the second pass over the file must use the parser that read it."""
    from site_plugins.podcast.load.validate import validate_episode

    text = episode_yaml("A & B", extra="analysis:\n  Background: |\n   \t - 2014年的制裁\n    - 2022年的全面制裁\n")
    episode, problems = validate_episode(text, "episodes/tab.yaml", TEST_SETTINGS)
    assert all(p.line > 0 for p in problems), problems
    assert episode is not None or any(p.is_error for p in problems)


def test_a_huge_episode_file_is_refused_in_one_line_without_being_parsed(tmp_path):
    """A 40 MB file: refused by its size, in a time that does not grow with what it holds (the issue's 452 s)."""
    import time

    folder = tmp_path / "episodes"
    folder.mkdir()
    turn = "      - 卿姐: 第一段：能源收入锐减、财政赤字飙升，这些都迫使莫斯科寻求和平解决方案。\n"
    head = "title: x\ndate: 2025-12-01\nscript:\n  - section: Intro\n    turns:\n"
    body = head + turn * (40_000_000 // len(turn.encode()))
    (folder / "huge.yaml").write_text(body, encoding="utf-8")
    started = time.perf_counter()
    catalog = load_catalog([folder], TEST_SETTINGS, root=tmp_path, include_drafts=False)
    elapsed = time.perf_counter() - started
    assert [str(p) for p in catalog.problems] == ["episodes/huge.yaml: the file is 40.0 MB; an episode file may be at "
                                                  "most 4 MB (a script and its article take well under 1): remove "
                                                  "what does not belong in it"]
    assert elapsed < 5, f"{elapsed:.1f} s"


@pytest.fixture
def leaky(tmp_path):
    """The sample site with docs/ links: one to a file outside the repository, one inside (fine), one loop."""
    (tmp_path / "pod").mkdir()
    copy_site(tmp_path / "pod")
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web\n", encoding="utf-8")
    docs = tmp_path / "pod/docs/assets"
    (docs / "leak.txt").symlink_to(secret)
    (docs / "fine.png").symlink_to(docs / "cover.png")
    (docs / "loop").symlink_to(docs / "loop")
    return tmp_path / "pod"


LEAK_LINES = ["docs/assets/leak.txt: is a symbolic link that leads outside the repository (or nowhere), so it is "
              "never published; put the file itself here, or remove the link",
              "docs/assets/loop: is a symbolic link that leads outside the repository (or nowhere), so it is "
              "never published; put the file itself here, or remove the link"]


def test_a_docs_link_to_outside_is_refused_by_check_build_and_staging(leaky, capsys, monkeypatch):
    import subprocess
    import sys

    monkeypatch.chdir(leaky)
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines() == LEAK_LINES
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"], cwd=leaky,
                           capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 1 and "Traceback" not in built.stderr
    assert all(line in built.stderr for line in LEAK_LINES), built.stderr
    assert not (leaky / "site/assets/leak.txt").exists()
    assert main(["build", "--out", str(leaky / "staged")]) == 2
    assert LEAK_LINES[0] in capsys.readouterr().err and not (leaky / "staged/docs/assets/leak.txt").exists()


@pytest.mark.parametrize("custom_dir, line", [
    ("overrides", "overrides/leak.txt: is a symbolic link that leads outside the repository (or nowhere), so it is "
                  "never published; put the file itself here, or remove the link"),
    ("../elsewhere", "../elsewhere: is a folder outside the repository, so its files are never published; move it "
                     "into the repository"),
], ids=["link-in-overrides", "overrides-outside"])
def test_the_themes_overrides_publish_nothing_from_outside(tmp_path, capsys, monkeypatch, custom_dir, line):
    import subprocess
    import sys

    site = tmp_path / "pod"
    site.mkdir()
    copy_site(site)
    (tmp_path / "secret.txt").write_text("not for the web\n", encoding="utf-8")
    for folder in (site / "overrides", tmp_path / "elsewhere"):
        folder.mkdir()
        (folder / "leak.txt").symlink_to(tmp_path / "secret.txt")
    config = site / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("theme:\n", f"theme:\n  custom_dir: {custom_dir}\n",
                                                                 1), encoding="utf-8")
    monkeypatch.chdir(site)
    assert main(["check"]) == 1
    assert capsys.readouterr().out.splitlines() == [line]
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", "mkdocs.yml"], cwd=site,
                           capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 1 and "Traceback" not in built.stderr and line in built.stderr, built.stderr
    assert not (site / "site/leak.txt").exists()
    assert main(["build", "--out", str(site / "staged")]) == 2
    assert line in capsys.readouterr().err


@responses.activate
def test_a_speech_answer_of_a_tag_and_no_frames_is_refused_never_a_silent_episode(tmp_path):
    from site_plugins.podcast.speech import GttsEngine

    from .test_speech import ENDPOINT, gtts_body

    empty = b"ID3\x04\x00\x00\x00\x00\x00\x0a" + bytes(10)  # an ID3v2 header and padding, no audio frame
    responses.add(responses.POST, ENDPOINT, body=gtts_body(empty))
    folder = tmp_path / "episodes"
    folder.mkdir()
    (folder / "a.yaml").write_text(episode_yaml(extra="slug: a\n"), encoding="utf-8")
    settings = replace(TEST_SETTINGS, tts="gtts", audio_dir=str(tmp_path / "audio"), cache_dir=str(tmp_path / "c"))
    catalog = load_catalog([folder], settings, root=tmp_path, include_drafts=False)
    report = AudioBuilder(settings, project_dir=tmp_path, engine=GttsEngine(requests_per_second=0)).build(
        catalog.episodes)
    assert "a" not in report.audio and not (tmp_path / "audio/a.mp3").exists()
    assert any("no audio" in p.message for p in report.problems), report.problems


def test_one_odd_file_behind_an_episode_is_a_located_error_never_a_hang_or_a_traceback(tmp_path, monkeypatch,
                                                                                      capsys):
    """A pipe as `image:` once blocked check and build for ever; a name over 255 characters, a loop of links and a
    date at the calendar's end crashed them."""
    import shutil

    from .conftest import REPO

    (tmp_path / "episodes").mkdir()
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "docs/assets", tmp_path / "docs/assets")
    os.mkfifo(tmp_path / "pipe.png")
    (tmp_path / "loop.mp3").symlink_to(tmp_path / "loop.mp3")
    head = ("title: t\ndate: {date}\nslug: {slug}\n{extra}"
            "script:\n  - section: Intro\n    turns:\n      - 卿姐: 你好。\n")
    cases = {"pipe": ("image: pipe.png\n", "2025-12-01"), "long": ("audio: " + "a" * 300 + ".mp3\n", "2025-12-01"),
             "loop": ("audio: loop.mp3\n", "2025-12-01"), "late": ("", "9999-12-31T23:59:59-12:00")}
    for slug, (extra, day) in cases.items():
        (tmp_path / "episodes" / f"{slug}.yaml").write_text(head.format(date=day, slug=slug, extra=extra),
                                                            encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--config", str(tmp_path / "mkdocs.yml")]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [f"episodes/{s}.yaml" for s in sorted(cases)], out
    assert "is not a regular file" in next(line for line in out if "pipe" in line)
    assert "File name too long" in next(line for line in out if "long.yaml" in line)
    assert "a loop of links" in next(line for line in out if "loop.yaml" in line)
    assert "is after 9000; check the year" in next(line for line in out if "late.yaml" in line)
