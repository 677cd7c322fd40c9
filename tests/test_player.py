"""The episode page's player in Debian's chromium: turns seek and highlight, #t= links, chapters, instant navigation."""

from __future__ import annotations

import math
import re

import pytest

from .checkers import serve
from .conftest import SiteProject
from .test_audio import script_episode

pytestmark = pytest.mark.browser

LINES = [f"这是第{n}句话，我们聊聊能源和预算。" for n in range(1, 15)]


CARDS_PAGE = """# Cards

<a class="gp-card-play" href="../episodes/other/" data-podcast-play='{"src": "../audio/other.mp3", "title": "other", \
"url": "../episodes/other/", "image": "", "show": "Test Pod", "chaptersUrl": "../episodes/other/chapters.json"}'>\
Play</a>
"""
"""A card's play button as listing pages render it (the contract with the card template)."""


@pytest.fixture(scope="module")
def player_site(tmp_path_factory):
    project = SiteProject(tmp_path_factory.mktemp("player") / "pod")
    project.add_episode("a.yaml", script_episode("ep", LINES))
    project.add_episode("b.yaml", script_episode("other", LINES[:6]))
    (project.root / "docs" / "cards.md").write_text(CARDS_PAGE, encoding="utf-8")
    (project.root / "docs" / "index.md").write_text("# Test Pod\n\nWelcome. [Cards](cards.md)\n", encoding="utf-8")
    site = project.root / "site"
    site.mkdir()
    with serve(site) as base:
        # mkdocs-material navigates instantly only to the pages its sitemap lists at the address served.
        config = project.root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8")
                          .replace("https://pod.example.org/", base)
                          .replace("  font: false\n", "  font: false\n  features: [navigation.instant]\n"),
                          encoding="utf-8")
        project.build(site)
        # The card names the audio as the build does (a name that may carry the file's hash).
        cards = site / "cards" / "index.html"
        audio = project.plugin.output.audio.audio["other"].uri
        cards.write_text(cards.read_text(encoding="utf-8").replace("../audio/other.mp3", f"../{audio}"),
                         encoding="utf-8")
        yield project, base


@pytest.fixture
def page(browser):
    page = browser.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    # Which address failed, beside the console's "Failed to load resource" that does not say.
    page.on("response", lambda r: page.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    yield page
    assert page.errors == []
    page.close()


def ready(page) -> None:
    page.wait_for_function("document.querySelector('audio.gp-audio').readyState >= 1")


def state(page) -> dict:
    return page.evaluate("""() => ({
        time: document.querySelector('audio.gp-audio').currentTime,
        playing: [...document.querySelectorAll('.gp-turn.gp-playing')].map(e => e.id),
        clock: document.querySelector('.gp-clock').textContent})""")


def test_clicking_the_tenth_turn_seeks_there_and_highlights_it(player_site, page):
    project, base = player_site
    start = project.plugin.output.audio.audio["ep"].turns[9].start
    page.goto(base + "episodes/ep/")
    ready(page)
    page.click("#t10 .gp-text")
    page.wait_for_function(f"document.querySelector('audio.gp-audio').currentTime >= {start - 0.01}")
    now = state(page)
    assert now["time"] == pytest.approx(start, abs=0.6)
    assert now["playing"] == ["t10"]
    assert page.get_attribute("#t10", "aria-current") == "true"


def test_a_time_link_starts_there(player_site, page):
    project, base = player_site
    turns = project.plugin.output.audio.audio["ep"].turns
    target = math.ceil(turns[5].start + 0.01)
    assert target < turns[6].start
    minutes, seconds = divmod(target, 60)
    page.goto(base + f"episodes/ep/#t={minutes:02d}:{seconds:02d}")
    ready(page)
    page.wait_for_function("document.querySelectorAll('.gp-turn.gp-playing').length === 1")
    now = state(page)
    assert now["time"] == pytest.approx(target, abs=0.01)
    assert now["playing"] == ["t6"]
    assert now["clock"].startswith(f"{minutes:02d}:{seconds:02d} / ")


@pytest.mark.parametrize("hash", ["#t=99:59:59", "#t=" + "9" * 400, "#t=%"], ids=["past-the-end", "huge", "bad"])
def test_a_time_link_that_is_no_time_of_the_episode_is_ignored(player_site, page, hash):
    _, base = player_site
    page.goto(base + "episodes/ep/" + hash)
    ready(page)
    now = state(page)
    assert now["time"] == 0 and now["playing"] in ([], ["t1"]) and now["clock"].startswith("00:00 / "), now


def test_chapters_speed_and_controls(player_site, page):
    project, base = player_site
    audio = project.plugin.output.audio.audio["ep"]
    page.goto(base + "episodes/ep/")
    ready(page)
    assert page.evaluate("document.querySelector('audio.gp-audio').controls") is False
    page.click(".gp-chapters a >> nth=1")
    page.wait_for_function(f"document.querySelector('audio.gp-audio').currentTime >= {audio.chapters[1][1] - 0.01}")
    assert state(page)["playing"] == ["t8"]
    page.click(".gp-speed")
    page.click(".gp-speed-options [data-rate='1.5']")
    assert page.locator(".gp-speed-options").is_hidden(), "the row closes once a speed is chosen"
    assert page.text_content(".gp-speed") == "1.5×"
    assert page.get_attribute(".gp-speed-options [data-rate='1.5']", "aria-pressed") == "true"
    assert page.evaluate("document.querySelector('audio.gp-audio').playbackRate") == 1.5
    page.click(".gp-play")
    page.wait_for_function("document.querySelector('audio.gp-audio').paused")
    # The label follows the audio's "pause" event, which is dispatched after `paused` turns true: wait for it.
    page.wait_for_function("document.querySelector('.gp-play').getAttribute('aria-label') === '播放'")
    options = page.eval_on_selector_all(".gp-speed-options button", "els => els.map(e => e.dataset.rate)")
    assert options == ["0.75", "1", "1.25", "1.5", "1.75", "2"]
    # With instant navigation on, mkdocs-material makes every link absolute.
    assert page.evaluate("document.querySelector('.gp-download').href") == base + audio.uri
    assert re.fullmatch(r"audio/ep-[0-9a-f]{10}\.mp3", audio.uri)


def test_the_player_survives_instant_navigation(player_site, page):
    _, base = player_site
    page.goto(base)
    page.click(".gp-card-title a[href$='episodes/ep/']")
    page.wait_for_selector(".gp-controls")
    ready(page)
    assert page.evaluate("window.location.pathname").endswith("/episodes/ep/")
    page.click("#t3 .gp-text")
    page.wait_for_selector("#t3.gp-playing")
    assert state(page)["playing"] == ["t3"]


def test_without_javascript_audio_and_transcript_still_work(player_site, browser):
    _, base = player_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "episodes/ep/")
    assert page.locator("audio.gp-audio[controls]").count() == 1
    assert page.locator(".gp-controls").count() == 0
    assert page.locator(".gp-turn").count() == len(LINES)
    assert page.get_attribute("#t2 .gp-time", "href") == "#t2", "a time link goes to its turn"
    context.close()
