"""`mkdocs serve`: an edit of a turn is previewed without a full rebuild; other edits rebuild all."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import SiteProject, episode_yaml

pytestmark = pytest.mark.site

MKDOCS = Path(sys.executable).parent / "mkdocs"


class Served:
    def __init__(self, project: SiteProject, log: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = log
        env = {**os.environ, "PODCAST_TTS": "espeak", "NO_MKDOCS_2_WARNING": "1"}
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                [str(MKDOCS), "serve", "-f", str(project.root / "mkdocs.yml"),
                 "-a", f"127.0.0.1:{self.port}"], env=env, stdout=out, stderr=subprocess.STDOUT)

    def get(self, path: str) -> str:
        return self.get_bytes(path).decode("utf-8")

    def get_bytes(self, path: str) -> bytes:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/{path}", timeout=30) as response:
                return response.read()
        except OSError:
            return b""

    def wait_for(self, path: str, text: str, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.get(path):
            assert self.process.poll() is None, self.output()
            assert time.monotonic() < deadline, f"{text!r} never appeared in {path}:\n{self.output()}"
            time.sleep(0.2)

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


@pytest.fixture
def served(project: SiteProject, tmp_path):
    project.copy_samples()
    server = Served(project, tmp_path / "serve.log")
    try:
        server.wait_for("episodes/tidal-power-pilot/", "Port Alder")
        yield project, server
    finally:
        server.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_edited_turn_is_previewed_without_a_full_rebuild(served):
    project, server = served
    episode = project.root / "episodes/tidal-power-pilot.yaml"
    page = server.get("episodes/tidal-power-pilot/")
    mp3_uri = re.search(r'<audio class="gp-audio"[^>]* src="../../([^"]+)"', page)[1]
    before = server.get_bytes(mp3_uri)
    edit(episode, "What strikes me is the predictability.", "What strikes me is how predictable it is.")
    server.wait_for("episodes/tidal-power-pilot/", "how predictable it is")
    server.wait_for("episodes/tidal-power-pilot/transcript.json", "how predictable it is")
    output = server.output()
    assert "previewed tidal-power-pilot" in output
    assert output.count("Building documentation") == 1, "only the first build was a full one"
    # The page went through the theme and the plugin's last step, like a full build's.
    page = server.get("episodes/tidal-power-pilot/")
    assert 'class="md-header' in page and 'application/ld+json' in page
    # The edited turn is spoken again into a file with a new address, which the feed announces.
    new_uri = re.search(r'<audio class="gp-audio"[^>]* src="../../([^"]+)"', page)[1]
    assert new_uri != mp3_uri, "an edited episode's MP3 gets a new address"
    after = server.get_bytes(new_uri)
    assert after[:3] == b"ID3" and after != before, server.output()
    feed = server.get("feed.xml")
    assert f'{new_uri}" length="{len(after)}"' in feed and mp3_uri not in feed


def test_an_edited_title_rebuilds_every_page_that_lists_it(served):
    project, server = served
    episode = project.root / "episodes/tidal-power-pilot.yaml"
    edit(episode, "title: Can a Fishing Town Run on the Tide?", "title: Can a Harbour Town Run on the Tide?")
    server.wait_for("", "Can a Harbour Town Run on the Tide?")
    output = server.output()
    assert output.count("Building documentation") == 2
    assert "previewed" not in output


def test_mkdocs_private_page_steps_redo_an_edited_page(project: SiteProject):
    """The plugin calls MkDocs' private `_populate_page` and `_build_page` in one place (`_redo_pages`), for a
    quick preview; pinned in-process, since a MkDocs release may change them: the edited page is rendered
    again, with the new text, through the theme and the plugin's later steps."""
    project.add_episode("a.yaml", episode_yaml(extra="slug: a\n"))
    site = project.build(command="serve")
    before = project.page("episodes/a", site)
    edit(project.root / "episodes/a.yaml", "大家好。", "大家早上好。")
    assert project.plugin.session.preview_edits(project.plugin._redo_pages)
    page = project.page("episodes/a", site)
    assert "大家早上好" in page and "大家早上好" not in before
    assert 'class="md-header' in page and "application/ld+json" in page and page.count("gp-turn") >= 2


def test_a_seek_is_answered_quietly_and_a_busy_port_is_one_line_before_any_build(served, tmp_path):
    project, server = served
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/episodes/tidal-power-pilot/",
                                     headers={"Range": "bytes=10-99"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 206 and len(response.read()) == 90
    server.get("episodes/tidal-power-pilot/")  # a request after it: its answer is logged after the 206's
    assert "code 206" not in server.output() and "WARNING" not in server.output(), server.output()

    second = Served.__new__(Served)
    second.port, second.log = server.port, tmp_path / "second.log"
    with second.log.open("wb") as out:
        done = subprocess.run([str(MKDOCS), "serve", "-f", str(project.root / "mkdocs.yml"),
                               "-a", f"127.0.0.1:{server.port}"], stdout=out, stderr=subprocess.STDOUT,
                              env={**os.environ, "PODCAST_TTS": "espeak", "NO_MKDOCS_2_WARNING": "1"}, timeout=120)
    printed = second.output()
    assert done.returncode == 1 and "Traceback" not in printed
    assert f"127.0.0.1:{server.port} is in use (is another preview running?); stop the other server, or preview " \
           f"at another port: scripts/site serve -a 127.0.0.1:{server.port + 1}" in printed
    assert "podcast: speech" not in printed and "Documentation built" not in printed, "it stops before building"
