"""`podcast voices` and `podcast say`: an editor finds a voice and hears it before a host's settings name it."""

from __future__ import annotations

import shutil
from dataclasses import replace

import pytest
import responses

from site_plugins.podcast.cli import main
from site_plugins.podcast.mp3frames import duration_of, read_frames

from .conftest import REPO

pytestmark = pytest.mark.unit


def test_voices_lists_each_engines_voices_with_their_gender(capsys):
    assert main(["voices", "--engine", "espeak", "--language", "zh", "--gender", "male"]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()]
    assert rows[0][:4] == ["espeak", "cmn+m3", "cmn", "male"]
    assert all(row[0] == "espeak" and row[3] == "male" for row in rows)
    assert {"cmn+m3", "cmn+m7", "yue+m3"} <= {row[1] for row in rows}
    assert main(["voices", "--language", "zh-TW"]) == 0
    rows = [line.split()[:4] for line in capsys.readouterr().out.splitlines()]
    assert rows[0][:2] == ["gtts", "zh-TW"]
    assert ["edge", "zh-TW-HsiaoChenNeural", "zh-TW", "female"] in rows
    assert ["edge", "zh-TW-YunJheNeural", "zh-TW", "male"] in rows


def test_voices_refresh_fetches_the_edge_list_into_the_file_check_reads(tmp_path, monkeypatch, capsys):
    from site_plugins.podcast.speech import ENGINES, edge

    from .edgestandin import EdgeStandIn

    target = tmp_path / "edge_voices.json"
    monkeypatch.setitem(ENGINES, "edge", replace(ENGINES["edge"], refresh=lambda: edge.refresh_edge_voices(target)))
    with EdgeStandIn() as standin, standin.use():
        assert main(["voices", "--engine", "edge", "--refresh", "--language", "en"]) == 0
    assert f"edge: {len(edge.edge_voices(target))} voices fetched" in capsys.readouterr().err


def test_voices_says_when_nothing_matches(capsys):
    assert main(["voices", "--language", "xx-nowhere"]) == 1
    assert "no voice matches" in capsys.readouterr().err


@pytest.fixture
def site(tmp_path, monkeypatch):
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "docs/assets", tmp_path / "docs/assets")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PODCAST_TTS", raising=False)
    return tmp_path


@responses.activate  # no answer is registered: every online engine's request is refused, as offline
def test_say_speaks_in_the_hosts_voice_and_says_which_engine_did(site, capsys):
    assert main(["say", "大家好，欢迎收听。", "--host", "晓旭", "-o", "sample.mp3"]) == 0
    err = capsys.readouterr().err
    assert "could not be reached" in err and "speaks instead" in err, "the chain goes on when offline"
    assert "wrote sample.mp3: 晓旭 on espeak (cmn+m3)" in err, "the male host gets the male offline voice"
    assert duration_of(read_frames((site / "sample.mp3").read_bytes())) > 1.0


def test_say_takes_the_hosts_of_an_episode_and_an_engine_to_try(site, capsys):
    (site / "a.yaml").write_text("title: T\ndate: 2025-12-08\nhosts:\n  Ann: {engine: espeak, voice: en+f5}\n"
                                 "script:\n  - section: Intro\n    turns:\n      - Ann: Hello.\n", encoding="utf-8")
    assert main(["say", "Hello there.", "--host", "Ann", "--episode", "a.yaml", "-o", "ann.mp3"]) == 0
    assert "wrote ann.mp3: Ann on espeak (en+f5)" in capsys.readouterr().err
    assert main(["say", "Hi.", "--host", "卿姐", "--engine", "espeak", "-o", "q.mp3"]) == 0
    assert "卿姐 on espeak (cmn+f3)" in capsys.readouterr().err


def test_say_speaks_a_host_with_an_edge_voice_in_that_voices_language_on_another_engine(site, capsys):
    assert main(["say", "Hello there.", "--host", "Maya", "--engine", "espeak", "-o", "m.mp3"]) == 0
    assert "Maya on espeak (en+f5)" in capsys.readouterr().err, "English, not the site's Chinese"
    assert main(["say", "Bonjour.", "--host", "Maya", "--engine", "espeak", "--language", "fr", "-o", "m.mp3"]) == 0
    assert "Maya on espeak (fr+f5)" in capsys.readouterr().err


def test_say_names_the_hosts_it_knows_when_the_host_is_not_one(site, capsys):
    assert main(["say", "Hi.", "--host", "卿", "-o", "x.mp3"]) == 2
    assert "no host '卿' in the site's `hosts:` (mkdocs.yml); its hosts: 卿姐, 晓旭" in capsys.readouterr().err
    assert not (site / "x.mp3").exists()


def test_voices_read_by_a_pipe_that_closes_early_stop_quietly():
    """`podcast voices | head -3`: the reader closes the pipe after three lines; the list stops, with no traceback."""
    import subprocess
    import sys

    process = subprocess.Popen([sys.executable, "-m", "site_plugins.podcast.cli", "voices"], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, error
    assert first.startswith(b"gtts"), first
    assert error == ""
    # A short list is still in Python's buffer when its reader, gone at once, is found closed.
    process = subprocess.Popen([sys.executable, "-m", "site_plugins.podcast.cli", "voices", "--engine", "espeak",
                                "--language", "zh"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    process.stdout.close()
    error = process.stderr.read().decode()
    assert process.wait(timeout=120) == 141, error
    assert error == ""
