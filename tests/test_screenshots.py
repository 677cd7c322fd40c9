"""Screenshots of the episode, home and search pages at a phone's and a desktop's width, light and dark, written to
tests/screenshots/ so a reviewer can look at the pages without building the site."""

from __future__ import annotations

import struct

import pytest

from .checkers import serve
from .conftest import REPO

SHOTS = REPO / "tests" / "screenshots"
PAGES = {"episode": "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/", "home": "",
         "search": "search/?q=%E5%9B%BE%E4%B9%A6%E9%A6%86"}
MOST_HEIGHT = 2000
"""Pixels from the top of a page: enough to see its parts, small enough to commit."""


@pytest.fixture(scope="module")
def site(sample_site):
    with serve(sample_site.root / "site") as base:
        yield base


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [390, 1280])
@pytest.mark.parametrize("name", list(PAGES))
def test_screenshot(site, browser, name, width, scheme):
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site + PAGES[name])
    if name == "search":
        page.wait_for_selector(".gp-search__title", timeout=30_000)
    page.evaluate("document.fonts.ready")
    # The theme fades its tabs in: a capture mid-fade shows them half drawn.
    page.add_style_tag(content="*, *::before, *::after { transition: none !important; animation: none !important; }")
    page.wait_for_timeout(200)
    height = min(page.evaluate("document.documentElement.scrollHeight"), MOST_HEIGHT)
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}-{width}-{scheme}.png"
    path.write_bytes(page.screenshot(full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}))
    context.close()
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert struct.unpack(">II", data[16:24]) == (width, height)
