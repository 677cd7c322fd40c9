"""The audio branch is untrusted input: forged or decoy audio is never published, and a bad record heals."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import feedparser
import pytest

from site_plugins.podcast.audio.clips import digest
from site_plugins.podcast.audio.id3 import TagInfo, read_finished, tagged_mp3
from site_plugins.podcast.mp3frames import read_frames
from site_plugins.podcast.store.branch import commit_folder

from .publishing import ONE, Repository, episode, git, two_episodes
from .speechproxy import SpeechProxy

pytestmark = pytest.mark.workflow

JUNK = b"<html><script>alert(1)</script></html>RIFF....WAVEfmt "


@pytest.fixture
def proxy(tmp_path):
    with SpeechProxy(tmp_path) as proxy:
        yield proxy


@pytest.fixture
def repo(tmp_path, proxy):
    return two_episodes(tmp_path, proxy)


def branch_files(repo: Repository, folder: Path) -> Path:
    """The audio branch's files, written into `folder`."""
    folder.mkdir()
    for name in repo.audio_branch():
        (folder / name).write_bytes(git_bytes(repo.remote, f"podcast-audio:{name}"))
    return folder


def git_bytes(cwd: Path, spec: str) -> bytes:
    return subprocess.run(["git", "-C", str(cwd), "show", spec], capture_output=True, check=True).stdout


def replace_branch(repo: Repository, folder: Path) -> None:
    """What someone with write access could push: `folder` as the audio branch's one commit."""
    commit = commit_folder(repo.editor, folder, message="Forged")
    git(repo.editor, "push", "--quiet", "--force", "origin", f"{commit}:refs/heads/podcast-audio")


def forged(path: Path) -> bytes:
    """The episode MP3 at `path` with each turn's frames replaced by junk of the same length, its tag (signature,
    turn table) kept and its digests computed again: everything an unkeyed check compares still agrees."""
    finished = read_finished(path)
    audio = bytearray(path.read_bytes()[finished.audio_offset:])
    spans = []
    for span in finished.turns:
        junk = (JUNK * (span.length // len(JUNK) + 1))[:span.length]
        audio[span.offset:span.offset + span.length] = junk
        spans.append(replace(span, digest=digest(junk)))
    info = TagInfo(title="one", artist="", album="", date="2025-12-08", language="zh", comment="", chapters=())
    return tagged_mp3(bytes(audio), info, tuple(spans), finished.signature)


def published_mp3(run) -> bytes:
    [name] = [n for n in (run.site / "audio").iterdir() if n.name.startswith("one-")]
    return name.read_bytes()


def test_a_forged_mp3_on_the_branch_is_made_again_and_never_published(repo, proxy, tmp_path):
    assert repo.publish().status == 0
    folder = branch_files(repo, tmp_path / "forge")
    (folder / "one.mp3").write_bytes(forged(folder / "one.mp3"))
    replace_branch(repo, folder)
    run = repo.publish()
    assert run.status == 0, run.output
    assert "audio/one.mp3 is damaged or not this site's (" in run.output, run.output
    mp3 = published_mp3(run)
    assert JUNK not in mp3 and read_frames(mp3), "the site serves speech, not the forged bytes"
    stored = git_bytes(repo.remote, "podcast-audio:one.mp3")
    assert stored == mp3 and JUNK not in stored, "the branch holds the remade file"


def test_a_decoy_that_lists_an_episodes_turns_contributes_nothing(repo, proxy, tmp_path):
    assert repo.publish().status == 0
    folder = branch_files(repo, tmp_path / "decoy")
    (folder / "aaa.mp3").write_bytes(forged(folder / "one.mp3"))  # no episode is called aaa
    replace_branch(repo, folder)
    shutil.rmtree(repo.cache)  # a run without the turn cache: only finished files can give turns back
    repo.push("A new title", {"episodes/one.yaml": episode("one", ONE).replace("title: one", "title: One, again")})
    run = repo.publish()
    assert run.status == 0, run.output
    mp3 = published_mp3(run)
    assert JUNK not in mp3 and read_frames(mp3), "no byte of the decoy is spliced in"
    assert proxy.requests == 8, "the turns come back from the episode's own file"
    assert "aaa.mp3" not in repo.audio_branch()


def deep(levels: int) -> str:
    return "[" * levels + "]" * levels


def test_a_bad_record_is_read_around_keeps_the_renamed_episodes_guid_and_heals(repo, proxy, tmp_path):
    first = feedparser.parse((repo.publish().site / "feed.xml").read_bytes())
    guid = next(e.id for e in first.entries if e.link.rstrip("/").endswith("/one"))
    folder = branch_files(repo, tmp_path / "record")
    text = (folder / "published.json").read_text(encoding="utf-8")
    bad = ('"bad-nan": {"file": NaN, "slug": "x", "title": "x", "date": "2024-01-01", "given": false},\n'
           f'  "bad-deep": {{"file": {deep(100_000)}}},\n  "bad-type": 7,\n  ')
    (folder / "published.json").write_text(text.replace('"episodes": {\n  ', '"episodes": {\n  ' + bad, 1),
                                           encoding="utf-8")
    replace_branch(repo, folder)
    git(repo.editor, "mv", "episodes/one.yaml", "episodes/tidal.yaml")
    repo.push("Rename", {})
    run = repo.publish()
    assert run.status == 0, run.output
    for name in ("bad-nan", "bad-deep", "bad-type"):
        line = rf'audio/published\.json:\d+:1: note: the entry of the GUID "{name}" is skipped'
        assert re.search(line, run.output), run.output
    items = feedparser.parse((run.site / "feed.xml").read_bytes()).entries
    assert guid in {e.id for e in items}, "the renamed episode keeps the GUID podcast apps know it by"
    record = json.loads(git_bytes(repo.remote, "podcast-audio:published.json"))["episodes"]
    assert record[guid]["file"] == "episodes/tidal.yaml"
    assert {"bad-nan", "bad-deep", "bad-type"} <= set(record), "history is kept, not dropped"
    again = repo.publish()
    assert again.status == 0 and guid in {e.id for e in feedparser.parse((again.site / "feed.xml")
                                                                         .read_bytes()).entries}


def test_a_record_that_cannot_be_read_at_all_is_one_line_and_replaced(repo, proxy, tmp_path):
    assert repo.publish().status == 0
    folder = branch_files(repo, tmp_path / "record")
    (folder / "published.json").write_text(deep(100_000), encoding="utf-8")
    replace_branch(repo, folder)
    run = repo.publish()
    assert run.status == 0, run.output
    lines = [line for line in run.output.splitlines() if "published.json" in line]
    assert len(lines) == 1 and "the publish record cannot be read" in lines[0], run.output
    record = json.loads(git_bytes(repo.remote, "podcast-audio:published.json"))
    assert len(record["episodes"]) == 2, "the next store writes a healthy record"
