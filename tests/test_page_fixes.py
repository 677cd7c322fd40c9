"""Page faults a listener saw, checked in Debian's chromium at a phone's and a desktop's width."""

from __future__ import annotations

import pytest

from .checkers import serve

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)


@pytest.fixture(scope="module")
def site(sample_site):
    with serve(sample_site.root / "site") as base:
        yield base


@pytest.mark.parametrize("width", WIDTHS)
def test_more_results_shows_only_when_there_are_more(site, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.goto(site + "search/")
    page.wait_for_selector(".gp-search__more", state="attached")
    assert not page.is_visible(".gp-search__more"), "an empty search offers no more results"
    page.goto(site + "search/?q=zzzzqqq")
    page.wait_for_function("document.querySelector('.gp-search__status').textContent !== ''")
    assert not page.is_visible(".gp-search__more"), "no results, no more results"
    page.close()


@pytest.mark.parametrize("scheme, expected", [("dark", "slate"), ("light", "default")])
def test_the_colour_scheme_follows_the_system_setting(site, browser, scheme, expected):
    context = browser.new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(site)
    assert page.get_attribute("body", "data-md-color-scheme") == expected
    context.close()
