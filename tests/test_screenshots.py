"""Screenshots of the episode, home, archive, search and embed pages, and of the player bar over a transcript, at
a phone's and a desktop's width, light and dark.

Each run draws them into tests/output/screenshots/ (not committed) and compares them with the set
committed in tests/screenshots/, which a reviewer can look at without building the site. Fonts render
a little differently from machine to machine, so the comparison allows small differences; a changed
page fails it. After a change to the pages' look, refresh the committed set and review it:

    PODCAST_UPDATE_SCREENSHOTS=1 scripts/test -k test_screenshot
"""

from __future__ import annotations

import functools
import os
import shutil

import pytest

from .checkers import serve
from .conftest import REPO

pytestmark = pytest.mark.browser

COMMITTED = REPO / "tests" / "screenshots"
DRAWN = REPO / "tests" / "output" / "screenshots"
UPDATE = os.environ.get("PODCAST_UPDATE_SCREENSHOTS") == "1"
LIBRARIES = "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/"
PAGES = {"episode": LIBRARIES, "home": "", "archive": "archive/", "search": "search/?q=%E5%9B%BE%E4%B9%A6%E9%A6%86",
         "embed": LIBRARIES + "embed.html", "bar": LIBRARIES}
MOST_HEIGHT = 2000
"""Pixels from the top of a page: enough to see its parts, small enough to commit."""
CHANGED_LEVEL = 48
"""A pixel counts as changed when a channel differs by more than this (of 255): anti-aliasing stays below."""
MOST_CHANGED = 0.03
"""The share of changed pixels a page may have: a moved glyph here and there, not a moved block."""


@pytest.fixture(scope="module")
def site(sample_site):
    with serve(sample_site.root / "site") as base:
        yield base


def changed_share(drawn, committed) -> float:
    """The share of pixels that differ visibly between two screenshots (1.0 when their sizes differ much)."""
    from PIL import Image, ImageChops

    with Image.open(drawn) as a, Image.open(committed) as b:
        if a.width != b.width or abs(a.height - b.height) > 0.02 * b.height:
            return 1.0
        height = min(a.height, b.height)
        box = (0, 0, a.width, height)
        difference = ImageChops.difference(a.convert("RGB").crop(box), b.convert("RGB").crop(box))
        channels = [band.point(lambda level: 255 if level > CHANGED_LEVEL else 0) for band in difference.split()]
        visible = functools.reduce(ImageChops.lighter, channels)
        return visible.histogram()[255] / (a.width * height)


def draw(site, browser, name: str, width: int, scheme: str, path) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site + PAGES[name])
    if name == "search":
        page.wait_for_selector(".gp-search__title", timeout=30_000)
    if name == "bar":
        playing_mid_transcript(page)
    page.evaluate("document.fonts.ready")
    # The theme fades its tabs in: a capture mid-fade shows them half drawn. With transitions off, two
    # animation frames later every element is drawn at its end state.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    if name == "bar":  # the window as the listener sees it, the bar at its foot
        path.write_bytes(page.screenshot())
    else:
        height = min(page.evaluate("document.documentElement.scrollHeight"), MOST_HEIGHT)
        path.write_bytes(page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}))
    context.close()


def playing_mid_transcript(page) -> None:
    """Played from the sixth turn, paused at its start, the sixth turn in view: the same picture every time."""
    page.wait_for_function("document.querySelector('audio.gp-audio').readyState >= 1")
    page.click("#t6 .gp-time")
    page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
    page.evaluate("""() => { const audio = document.querySelector('audio.gp-audio'); audio.pause();
        audio.currentTime = parseFloat(document.querySelector('#t6').dataset.start);
        document.querySelector('#t6').scrollIntoView({block: 'center'}); }""")
    page.wait_for_selector(".gp-bar", state="visible")
    page.wait_for_function("document.querySelector('.gp-bar__play').getAttribute('aria-label') === '播放'")


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot(site, browser, name, width, scheme):
    DRAWN.mkdir(parents=True, exist_ok=True)
    drawn, committed = DRAWN / f"{name}-{width}-{scheme}.png", COMMITTED / f"{name}-{width}-{scheme}.png"
    draw(site, browser, name, width, scheme, drawn)
    if UPDATE or not committed.exists():
        shutil.copyfile(drawn, committed)
    share = changed_share(drawn, committed)
    assert share <= MOST_CHANGED, (
        f"{drawn.relative_to(REPO)} differs from {committed.relative_to(REPO)} in {share:.1%} of its pixels: "
        "if the change is meant, refresh the committed set with PODCAST_UPDATE_SCREENSHOTS=1 (see this file)")


def test_the_comparison_sees_a_changed_page(tmp_path):
    from PIL import Image, ImageDraw

    base = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(base).text((10, 10), "Goose Pod", fill="black")
    base.save(tmp_path / "a.png")
    nudged = base.copy()
    nudged.putpixel((150, 80), (250, 250, 250))  # one faint pixel: the same page
    nudged.save(tmp_path / "b.png")
    moved = Image.new("RGB", (200, 100), "white")
    ImageDraw.Draw(moved).rectangle((0, 40, 200, 100), fill="navy")  # a block that moved in
    moved.save(tmp_path / "c.png")
    assert changed_share(tmp_path / "b.png", tmp_path / "a.png") == 0
    assert changed_share(tmp_path / "c.png", tmp_path / "a.png") > 0.5
    Image.new("RGB", (200, 300), "white").save(tmp_path / "d.png")
    assert changed_share(tmp_path / "d.png", tmp_path / "a.png") == 1.0
