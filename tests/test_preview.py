"""The preview tells the truth: a real `mkdocs serve`, in Debian's chromium where a page is involved.

Seeking works (the server answers byte ranges), and a broken episode file shows its problems at
the episode's own address and on the home page until it is fixed, then the episode comes back
in the same open page.
"""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from .test_serve import edit, served  # noqa: F401 - the fixture: a real `mkdocs serve` of the samples

pytestmark = pytest.mark.site

EPISODE = "episodes/tidal-power-pilot.yaml"
PAGE = "episodes/tidal-power-pilot/"
GOOD_TURN = "      - Theo: And I'm Theo. Today"
BAD_TURN = "      - Theodore: And I'm Theo. Today"


@pytest.fixture
def page(browser):
    page = browser.new_page()
    yield page
    page.close()


def test_a_range_request_to_the_served_mp3_gets_those_bytes(served):  # noqa: F811
    _, server = served
    mp3_uri = re.search(r'<audio class="gp-audio"[^>]* src="../../([^"]+)"', server.get(PAGE))[1]
    whole = server.get_bytes(mp3_uri)
    request = urllib.request.Request(f"http://127.0.0.1:{server.port}/{mp3_uri}", headers={"Range": "bytes=1000-1999"})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 206
        assert response.headers["Content-Range"] == f"bytes 1000-1999/{len(whole)}"
        assert response.headers["Accept-Ranges"] == "bytes"
        assert response.read() == whole[1000:2000]


def test_clicking_the_tenth_turn_plays_from_its_time(served, page):  # noqa: F811
    _, server = served
    start = json.loads(server.get(PAGE + "transcript.json"))["segments"][9]["startTime"]
    assert start > 30, "a seek to 0:00 must not pass for a seek to the turn"
    page.goto(f"http://127.0.0.1:{server.port}/{PAGE}")
    page.wait_for_function("document.querySelector('audio.gp-audio').readyState >= 1")
    page.click("#t10 .gp-text")
    page.wait_for_function("document.querySelector('.gp-turn.gp-playing') !== null")
    page.wait_for_function("document.querySelector('audio.gp-audio').currentTime > 0.5")
    now = page.evaluate("document.querySelector('audio.gp-audio').currentTime")
    assert now == pytest.approx(start, abs=1.0)
    assert page.get_attribute("#t10", "aria-current") == "true"


def broken_place(project) -> tuple[int, int]:
    """Line and column of the unknown speaker, as the file has them."""
    lines = (project.root / EPISODE).read_text(encoding="utf-8").split("\n")
    number = next(n for n, line in enumerate(lines, start=1) if line.startswith(BAD_TURN))
    return number, lines[number - 1].index("Theodore") + 1


def test_a_broken_episode_shows_its_errors_until_it_is_fixed(served, browser, page):  # noqa: F811
    project, server = served
    base = f"http://127.0.0.1:{server.port}/"
    edit(project.root / EPISODE, GOOD_TURN, BAD_TURN)
    line, column = broken_place(project)
    where = f"{EPISODE}:{line}:{column}"
    server.wait_for(PAGE, where)

    page.goto(base + PAGE)
    assert page.locator(".gp-problem-where").inner_text() == where
    source = page.locator(".gp-problem-source").inner_text()
    assert str(line) in source and "Theodore: And I'm Theo. Today" in source
    assert page.locator(".gp-problem-source mark").inner_text() == "Theodore"
    assert "speaker 'Theodore' is not a host" in page.locator(".gp-problem-message").inner_text()
    assert page.locator(".gp-transcript").count() == 0
    assert page.title().startswith("Errors in tidal-power-pilot.yaml")
    assert "livereload" in page.content(), "mkdocs serve reloads the page once the file is fixed"

    home = browser.new_page()
    try:
        home.goto(base)
        notice = home.locator(".gp-broken")
        assert notice.locator("code").inner_text() == EPISODE
        notice.locator("a").click()
        home.wait_for_url(base + PAGE)
        assert home.locator(".gp-problem-where").inner_text() == where
    finally:
        home.close()

    edit(project.root / EPISODE, BAD_TURN, GOOD_TURN)
    # No reload or navigation here: the open page reloads by itself when the rebuild is done.
    page.wait_for_selector(".gp-transcript #t2", timeout=120_000)
    assert "And I'm Theo." in page.locator("#t2").inner_text()
    assert page.locator(".gp-problem").count() == 0
    assert "gp-broken" not in server.get("")
