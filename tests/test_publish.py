"""The publish script against local bare remotes, with speech answered by a counting stand-in."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import feedparser
import pytest

from .publishing import ONE, TWO, episode, git, two_episodes
from .speechproxy import SpeechProxy

pytestmark = pytest.mark.workflow



@pytest.fixture
def proxy(tmp_path):
    with SpeechProxy(tmp_path) as proxy:
        yield proxy


@pytest.fixture
def repo(tmp_path, proxy):
    return two_episodes(tmp_path, proxy)


def feed_items(run) -> dict[str, dict]:
    parsed = feedparser.parse((run.site / "feed.xml").read_bytes())
    return {e.link.rstrip("/").rsplit("/", 1)[-1]: e for e in parsed.entries}


def test_a_first_publish_speaks_everything_and_an_edit_only_what_changed(repo, proxy):
    first = repo.publish()
    assert first.status == 0, first.output
    assert proxy.requests == 8 and "the site is ready to deploy" in first.output
    assert set(repo.audio_branch()) == {"one.mp3", "two.mp3", "published.json", "publish-state.json"}
    before = feed_items(first)
    repo.push("Fix a word", {"episodes/one.yaml": episode("one", ONE[:3] + ["第一期的最后一句，改过了。"])})
    second = repo.publish()
    assert second.status == 0, second.output
    assert proxy.requests == 9, "one edited turn, one request"
    after = feed_items(second)
    assert after["one"].id == before["one"].id, "the GUID stays"
    assert after["one"].enclosures[0].href != before["one"].enclosures[0].href, "the edit has a new address"
    assert after["two"].enclosures[0].href == before["two"].enclosures[0].href
    assert re.search(r"/audio/one-[0-9a-f]{10}\.mp3$", after["one"].enclosures[0].href)


def test_two_close_pushes_that_edit_one_episode_are_both_published(repo, proxy):
    repo.publish()
    repo.push("First edit", {"episodes/one.yaml": episode("one", ["改过的第一句。"] + ONE[1:])})
    first = repo.checkout()  # this run started on the first push
    edited = ["改过的第一句。", *ONE[1:3], "改过的最后一句。"]
    repo.push("Second edit", {"episodes/one.yaml": episode("one", edited)})
    run = repo.build(first)
    assert run.status == 0 and repo.store(run).returncode == 0
    assert proxy.asked["改过的第一句。"] == 1 and "改过的最后一句。" not in proxy.asked
    # The second push's run (the workflow runs them one after the other) starts from the tip.
    second = repo.publish()
    assert second.status == 0, second.output
    assert proxy.asked == {**dict.fromkeys(ONE + TWO, 1), "改过的第一句。": 1, "改过的最后一句。": 1}, \
        "every turn spoken once: the second run reused the first run's"
    text = (second.site / "episodes/one/index.html").read_text(encoding="utf-8")
    assert "改过的第一句。" in text and "改过的最后一句。" in text


def test_two_runs_that_store_at_once_keep_both(repo, proxy):
    repo.publish()
    repo.push("An edit", {"episodes/one.yaml": episode("one", ONE[:3] + ["第一期改过的结尾。"])})
    first = repo.build(repo.checkout())
    repo.push("A third episode", {"episodes/three.yaml": episode("three", ["第三期只有一句。"])})
    second = repo.build(repo.checkout())
    assert first.status == second.status == 0
    assert repo.store(first).returncode == 0
    stored = repo.store(second)  # its base is stale: the first run's store moved the branch
    assert stored.returncode == 0, stored.stdout + stored.stderr
    assert "changed while this publish ran" in stored.stdout
    assert set(repo.audio_branch()) == {"one.mp3", "two.mp3", "three.mp3", "published.json", "publish-state.json"}


def test_a_run_that_fails_half_way_keeps_what_it_made_and_the_rerun_speaks_only_the_rest(repo, proxy):
    three = episode("three", ["第三期，被拒绝的一句。", "第三期的另一句。"])
    repo.push("A third episode", {"episodes/three.yaml": three})
    proxy.refuse = {"被拒绝"}
    failed = repo.build(repo.checkout())
    assert failed.status != 0
    assert "2 episodes have their audio; 1 still have none, with 1 turns left to speak" in failed.output
    assert repo.store(failed).returncode == 0
    assert set(repo.audio_branch()) == {"one.mp3", "two.mp3", "published.json", "publish-state.json"}
    spoken = dict(proxy.asked)
    proxy.refuse = set()
    rerun = repo.publish()  # a fresh runner: the audio branch, and the turn cache saved by the failed run
    assert rerun.status == 0, rerun.output
    new = {text: count - spoken.get(text, 0) for text, count in proxy.asked.items() if count > spoken.get(text, 0)}
    assert new == {"第三期，被拒绝的一句。": 1}, "only the turn that failed is spoken again"
    assert set(repo.audio_branch()) == {"one.mp3", "two.mp3", "three.mp3", "published.json", "publish-state.json"}


def test_a_time_budget_stops_speech_and_the_next_run_goes_on(repo, proxy):
    run = repo.build(repo.checkout(), "--minutes", "0")
    assert run.status != 0 and proxy.requests == 0
    assert "still have none, with 8 turns left to speak" in run.output
    assert repo.store(run).returncode == 0
    assert repo.publish().status == 0 and proxy.requests == 8


def test_the_editors_loop_never_conflicts_and_a_fresh_clone_speaks_nothing(repo, proxy, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PODCAST_TTS"} | proxy.environ
    preview = subprocess.run([sys.executable, "-m", "mkdocs", "build"], cwd=repo.editor, env=env,
                             capture_output=True, text=True)
    assert preview.returncode == 0, preview.stderr
    assert (repo.editor / "audio/one.mp3").is_file(), "the local build made the audio"
    repo.push("Edit after preview", {"episodes/two.yaml": episode("two", TWO[:3] + ["第二期改过的结尾。"])})
    assert repo.publish().status == 0
    pulled = git(repo.editor, "pull", "--quiet", "--ff-only", check=False)
    assert pulled.returncode == 0, pulled.stderr
    assert git(repo.editor, "status", "--porcelain").stdout == ""
    # A fresh clone gets the published audio from the branch it cloned, and speaks nothing.
    fresh = repo.clone("fresh")
    fetched = subprocess.run([sys.executable, "-m", "site_plugins.podcast.store", "fetch", "--local"], cwd=fresh,
                             capture_output=True, text=True)
    assert "3 files written" in fetched.stdout, fetched.stdout + fetched.stderr
    asked = proxy.requests
    build = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict"], cwd=fresh, env=env,
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    assert proxy.requests == asked, "nothing published is spoken again"


def test_a_deleted_episode_leaves_the_branch_and_a_renamed_one_keeps_its_guid(repo, proxy):
    first = feed_items(repo.publish())
    git(repo.editor, "mv", "episodes/one.yaml", "episodes/tidal.yaml")
    repo.push("Rename and delete", {"episodes/two.yaml": None})
    run = repo.publish()
    assert run.status == 0, run.output
    assert set(repo.audio_branch()) == {"one.mp3", "published.json", "publish-state.json"}
    items = feed_items(run)
    assert list(items) == ["one"] and items["one"].id == first["one"].id
    guid = first["one"].id
    note = (rf"episodes/tidal\.yaml:1:\d+: note: this episode was published{{}} with the GUID "
            rf"{guid}, .* the line 'guid: {guid}' in this file keeps it for good")
    assert re.search(note.format(r" from episodes/one\.yaml"), run.output), run.output
    record = json.loads(git(repo.remote, "show", "podcast-audio:published.json").stdout)
    assert record["episodes"][guid]["file"] == "episodes/tidal.yaml"
    # The editor's check says the same, with the line to add, once a pull brought the record.
    git(repo.editor, "pull", "--quiet", "--ff-only")
    fetched = subprocess.run([sys.executable, "-m", "site_plugins.podcast.store", "fetch", "--local"],
                             cwd=repo.editor, capture_output=True, text=True)
    assert fetched.returncode == 0, fetched.stderr
    check = subprocess.run([sys.executable, "-m", "site_plugins.podcast.cli", "check", "--strict"], cwd=repo.editor,
                           capture_output=True, text=True)
    assert check.returncode == 0 and re.search(note.format(""), check.stdout), check.stdout + check.stderr


EDITS = 4
"""Each edit rewrites every turn with new words, so a store that kept every version would hold about 1 + EDITS
copies. (An edit of one turn adds little: git stores the changed MP3 as a delta of the last one, and only some
fifty such edits would show a store that keeps old audio.)"""


def new_words(edit: int, turn: int) -> str:
    """A sentence no other edit or turn has, so its speech shares nothing with theirs."""
    return "".join(chr(0x4E00 + (edit * 7919 + turn * 104729 + i * 1301) % 20000) for i in range(30)) + "。"


def packed_size(remote) -> int:
    """Bytes of the remote after GitHub-like maintenance: packed, unreachable objects dropped."""
    git(remote, "gc", "--quiet", "--prune=now")
    stats = dict(line.split(": ") for line in git(remote, "count-objects", "-v").stdout.splitlines())
    return int(stats["size-pack"]) * 1024 + int(stats["size"]) * 1024


def test_edits_keep_about_one_copy_of_the_audio_in_the_repository(repo, proxy):
    for edit in range(1, EDITS + 1):
        repo.push(f"Edit {edit}", {"episodes/one.yaml": episode("one", [new_words(edit, turn) for turn in range(8)])})
        run = repo.publish()
        assert run.status == 0, run.output
        git(repo.remote, "tag", f"kept-{edit}", "podcast-audio")  # what a store that kept old audio would hold
    assert proxy.requests == 8 + 4 + 8 * (EDITS - 1), "the first publish spoke both episodes, each later one its turns"
    audio = sum(int(line.split()[3]) for line in git(repo.remote, "ls-tree", "-l", "podcast-audio").stdout
                .splitlines() if line.endswith(".mp3"))
    kept = packed_size(repo.remote)
    git(repo.remote, "tag", "--delete", *(f"kept-{edit}" for edit in range(1, EDITS + 1)))
    # GitHub packs pushed objects and drops unreachable ones in its own maintenance; gc does the same here.
    packed = packed_size(repo.remote)
    print(f"after {EDITS} published edits: repository {packed / 1024:.0f} KiB packed, current audio "
          f"{audio / 1024:.0f} KiB ({packed / audio:.2f}x); with every version kept {kept / audio:.2f}x")
    assert kept > 1.5 * 1.5 * audio, "the measure must see old copies: with every version kept, well over the bound"
    assert packed <= 1.5 * audio


def test_with_media_base_url_the_mp3s_to_upload_wait_under_their_site_names(repo, proxy):
    config = (repo.editor / "mkdocs.yml").read_text(encoding="utf-8")
    repo.push("Serve audio from elsewhere", {"mkdocs.yml": config.replace(
        "tts: gtts", "tts: gtts\n      media_base_url: https://media.example.org/pod/")})
    run = repo.publish()
    assert run.status == 0, run.output
    media = run.clone / "build/publish/media"
    enclosures = {e.enclosures[0].href.rsplit("/", 1)[-1]: e.enclosures[0] for e in feed_items(run).values()}
    assert sorted(p.name for p in media.iterdir()) == sorted(enclosures)
    for name, enclosure in enclosures.items():
        assert enclosure.href == f"https://media.example.org/pod/{name}"
        assert (media / name).stat().st_size == int(enclosure.length)
    assert set(repo.audio_branch()) == {"one.mp3", "two.mp3", "published.json", "publish-state.json"}, \
        "folders are not stored"


def test_a_run_with_nothing_new_stores_nothing(repo, proxy):
    assert repo.publish().status == 0
    before = git(repo.remote, "rev-parse", "podcast-audio").stdout
    again = repo.build(repo.checkout())  # the hourly run, with no push since
    stored = repo.store(again)
    assert again.status == 0 and stored.returncode == 0 and "nothing to store" in stored.stdout
    assert git(repo.remote, "rev-parse", "podcast-audio").stdout == before and proxy.requests == 8


def test_audio_still_committed_to_main_is_pointed_out(repo, proxy):
    (repo.editor / "audio").mkdir()
    (repo.editor / "audio/old.mp3").write_bytes(b"an MP3 committed by an older version")
    git(repo.editor, "add", "--force", "audio/old.mp3")
    repo.push("Old audio", {})
    run = repo.publish()
    assert run.status == 0 and "'git rm -r --cached audio'" in run.output, run.output


def test_turns_spoken_by_the_offline_fallback_still_count_as_left_to_speak(repo, proxy):
    proxy.server.shutdown()  # Google unreachable: the offline engine speaks a preview, never published
    proxy.server.server_close()
    run = repo.build(repo.checkout())
    assert run.status != 0
    assert "0 episodes have their audio; 2 still have none, with 8 turns left to speak" in run.output, run.output
