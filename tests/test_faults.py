"""Faults say what happened: a speech answer without audio frames is a bad answer, a refused push says the remote's
own words once, and a full disk met by MkDocs or by the publishing steps is one line."""

from __future__ import annotations

import os
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import responses

from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.speech import EdgeEngine, GttsEngine, RetryPolicy, SpeechError, Voice
from site_plugins.podcast.store.branch import StoreError, store

from .conftest import REPO, build_on_a_full_disk, copy_site, on_a_full_disk
from .edgestandin import EdgeStandIn
from .test_audio import SAY, catalog_of, gtts_settings, script_episode
from .test_speech import ENDPOINT, gtts_body

pytestmark = pytest.mark.unit

TAG_ONLY = b"ID3\x04\x00\x00\x00\x00\x00\x0aTIT2\x00\x00\x00\x00\x00\x00"
"""An ID3v2 tag (one empty frame) and not one MPEG audio frame: what a broken service answered."""


def test_a_gtts_answer_with_a_tag_and_no_frames_is_refused_never_a_turn_of_no_seconds(tmp_path):
    settings = gtts_settings(tmp_path)
    catalog = catalog_of(tmp_path, settings, {"a.yaml": script_episode("a", SAY[:2])})
    engine = GttsEngine(retry=RetryPolicy(attempts=2, base_delay=0.001), requests_per_second=0,
                        rng=random.Random(1))
    with responses.RequestsMock() as answered:
        answered.add(responses.POST, ENDPOINT, body=gtts_body(TAG_ONLY))
        report = AudioBuilder(settings, project_dir=tmp_path, engine=engine).build(catalog.episodes)
        asked = len(answered.calls)
    assert report.audio == {}, "no episode of no seconds"
    assert asked >= 2, "a bad answer is tried again"
    assert any("gTTS answered with no audio" in str(p) for p in report.problems), report.problems
    assert not list((tmp_path / "audio").glob("*.mp3"))


def test_an_edge_answer_with_a_tag_and_no_frames_is_refused():
    with EdgeStandIn(speak=lambda text, voice: TAG_ONLY) as server, server.use():
        engine = EdgeEngine(retry=RetryPolicy(attempts=2, base_delay=0.001), sleep=lambda _: None)
        with pytest.raises(SpeechError, match="Edge answered with no audio") as raised:
            engine.synthesize("你好。", Voice("zh-CN", name="zh-CN-XiaoxiaoNeural"))
        assert len(server.requests) == 2
    assert raised.value.unreachable, "after every try the host's fallback speaks"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def remote_and_clone(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A bare remote, a clone that pushes to it, and an empty folder to store from."""
    remote, clone, folder = tmp_path / "origin.git", tmp_path / "clone", tmp_path / "out"
    git(tmp_path, "init", "--quiet", "--bare", str(remote))
    git(tmp_path, "init", "--quiet", str(clone))
    git(clone, "remote", "add", "origin", str(remote))
    folder.mkdir()
    return remote, clone, folder


def test_a_refused_push_says_what_the_remote_said_and_is_not_tried_again(tmp_path):
    remote, clone, folder = remote_and_clone(tmp_path)
    (folder / "a.mp3").write_bytes(b"first")
    said: list[str] = []
    first = store(clone, folder, base=None, say=said.append)
    hook = remote / "hooks/pre-receive"
    hook.write_text("#!/bin/sh\necho tried >> attempts\necho 'audio is frozen while the site moves' >&2\nexit 1\n")
    hook.chmod(hook.stat().st_mode | stat.S_IEXEC)
    (folder / "a.mp3").write_bytes(b"second")
    with pytest.raises(StoreError) as raised:
        store(clone, folder, base=first, say=said.append)
    assert "audio is frozen while the site moves" in str(raised.value)
    assert "was refused" in str(raised.value)
    assert (remote / "attempts").read_text().count("tried") == 1, "a refusal is not a race: no second push"
    assert not [line for line in said if "changed while" in line], said


def test_a_full_disk_while_mkdocs_copies_an_asset_is_one_line(tmp_path):
    copy_site(tmp_path, ("mkdocs.yml", "docs"))
    (tmp_path / "episodes").mkdir()
    (tmp_path / "docs/big.bin").write_bytes(os.urandom(300_000))
    result = build_on_a_full_disk(tmp_path)
    assert result.returncode == 1
    said = result.stdout + result.stderr
    assert "Traceback" not in said, said[-3000:]
    errors = [line for line in said.splitlines() if "cannot write" in line]
    assert len(errors) == 1, said[-2000:]
    assert f"cannot write {tmp_path}/site/big.bin" in errors[0], errors
    assert "free some space and build again" in errors[0]


def test_a_full_disk_while_fetching_or_storing_the_published_audio_is_one_line(tmp_path):
    _, clone, folder = remote_and_clone(tmp_path)
    (folder / "a.mp3").write_bytes(os.urandom(300_000))  # random: git cannot make it smaller than the limit
    first = store(clone, folder, base=None)
    steps = {"fetch": [], "store": [str(folder)]}
    (folder / "a.mp3").write_bytes(os.urandom(300_000))
    (folder / ".base").write_text(f"{first} {git(clone, 'rev-parse', first + '^{tree}').strip()}\n")
    for step, args in steps.items():
        result = on_a_full_disk([sys.executable, "-m", "site_plugins.podcast.store", "--repo", str(clone), step, *args],
                                cwd=clone, env={"PYTHONPATH": str(REPO)})
        said = result.stdout + result.stderr
        assert result.returncode == 1 and "Traceback" not in said, said[-3000:]
        assert said.count("\n") == 1 and "free some space and build again" in said, said


def test_git_saying_in_several_lines_that_the_disk_is_full_is_one_line_with_what_to_do():
    import subprocess

    from site_plugins.podcast.store.branch import failed

    said = (b"error: unable to write file .git/objects/pack/tmp_pack_x: No space left on device\n"
            b"fatal: unpack-objects failed\n")
    line = failed("git fetch of podcast-audio from origin", subprocess.CompletedProcess([], 128, b"", said))
    assert "\n" not in line and line.startswith("git fetch of podcast-audio from origin failed: error: unable to "
                                                "write file") and "; fatal: unpack-objects failed" in line
    assert line.endswith("free some space and build again")
