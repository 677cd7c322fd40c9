"""What a listener sees, in Debian's chromium at a phone's (390 px) and a desktop's (1280 px) width."""

from __future__ import annotations

import pytest

from .checkers import serve

LIBRARIES = "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/"
TIDES = "episodes/tidal-power-pilot/"
PARTS = ["文字稿", "Intro", "Core Event", "Background", "Conflict", "Impact", "Future", "Conclusion",
         "摘要", "原文", "分析", "相关播客"]


@pytest.fixture(scope="module")
def site(sample_site):
    with serve(sample_site.root / "site") as base:
        yield base


@pytest.fixture
def open_page(browser):
    contexts = []

    def opener(url: str, *, width: int, scheme: str = "light"):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        page.goto(url)
        return page

    yield opener
    for context in contexts:
        context.close()


def visible_texts(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, """els => els.filter(e => e.offsetParent !== null)
        .map(e => e.textContent.trim())""")


def test_the_contents_are_in_the_themes_sidebar_on_a_desktop(site, open_page):
    page = open_page(site + LIBRARIES, width=1280)
    assert visible_texts(page, ".md-sidebar--secondary .md-nav__link") == PARTS
    assert not page.is_visible(".gp-toc"), "the page's own list is for narrow screens only"
    page.click(".md-sidebar--secondary .md-nav__link >> text=原文")
    page.wait_for_function("location.hash === '#original'")
    assert page.evaluate("document.getElementById('original').getBoundingClientRect().top") < 200


def test_the_contents_are_one_tap_away_on_a_phone(site, open_page):
    page = open_page(site + LIBRARIES, width=390)
    assert not page.is_visible(".md-sidebar--secondary .md-nav__link")
    page.click(".gp-toc > summary")
    assert visible_texts(page, ".gp-toc a") == PARTS
    page.click(".gp-toc a >> text=分析")
    page.wait_for_function("location.hash === '#analysis'")
    top = page.evaluate("document.getElementById('analysis').getBoundingClientRect().top")
    assert 0 <= top < 200, top
