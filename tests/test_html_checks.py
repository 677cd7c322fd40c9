"""The built site passes the Nu HTML checker and axe-core in a real browser.

axe finds nothing on any page, the theme's parts included. mkdocs-material's own templates
produce two Nu checker findings on any plain Markdown page: they are named below one by one;
each must also occur on a plain Markdown page of the same build (so it is the theme's, not
ours), and any finding not named fails the test.
"""

from __future__ import annotations

import json
import subprocess
from collections import defaultdict

import pytest

from .checkers import AXE_JS, VNU_JAR, require, serve

pytestmark = pytest.mark.browser

PLAIN_PAGES = ("about/",)
"""Pages written as plain Markdown in docs/: their findings are the theme's."""

THEME_VNU_ERRORS = {
    # <input type="checkbox" autocomplete="off"> for the drawer and search toggles.
    "Attribute “autocomplete” is only allowed when the input type is “color”, “date”, “datetime-local”, "
    "“email”, “hidden”, “month”, “number”, “password”, “range”, “search”, “tel”, “text”, “time”, “url”, "
    "or “week”.",
    # <label class="md-nav__link" tabindex=""> for a nav section without an index page.
    "Bad value “” for attribute “tabindex” on element “label”: The empty string is not a valid integer.",
}
PAGES = ("", "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/", "episodes/tidal-power-pilot/",
         "archive/", "category/", "tag/energy/", "search/?q=tide", *PLAIN_PAGES)


def page_of(url: str) -> str:
    return url.split("/site/", 1)[1].removesuffix("index.html") if "/site/" in url else url


def test_nu_html_checker_finds_nothing_of_ours(sample_site):
    require("java", VNU_JAR)
    site = sample_site.root / "site"
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--skip-non-html", "--format", "json",
                             str(site)], capture_output=True, text=True, check=False)
    messages = json.loads(result.stderr)["messages"]
    where: dict[str, set[str]] = defaultdict(set)
    for m in messages:
        where[m["message"]].add(page_of(m["url"]))
    ours = {msg: sorted(pages) for msg, pages in where.items() if msg not in THEME_VNU_ERRORS}
    assert ours == {}
    for msg, pages in where.items():
        assert pages & set(PLAIN_PAGES), f"named as the theme's but not on a plain page: {msg}"


def test_nu_html_checker_does_report_errors(tmp_path):
    """Guard for the test above: the checker, run the same way, does find a broken page."""
    require("java", VNU_JAR)
    (tmp_path / "bad.html").write_text("<!DOCTYPE html><html lang=en><title>x</title><p><div></span>", encoding="utf-8")
    result = subprocess.run(["java", "-jar", str(VNU_JAR), "--errors-only", "--format", "json", str(tmp_path)],
                            capture_output=True, text=True, check=False)
    assert json.loads(result.stderr)["messages"]


def axe_violations(page) -> set[tuple[str, str]]:
    page.add_script_tag(path=str(AXE_JS))
    found = page.evaluate("""async () => (await axe.run(document, {resultTypes: ['violations']}))
        .violations.flatMap(v => v.nodes.map(n => [v.id, n.target.join(' ')]))""")
    return {(rule, target) for rule, target in found}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_of_ours(sample_site, browser, tmp_path, scheme):
    """Every page kind in both colour schemes, with no exception; the 404 page as a host serves it, under its path."""
    require(AXE_JS)
    by_page = {}
    (tmp_path / "goose-pod").symlink_to(sample_site.root / "site")  # the 404 page's links are absolute paths
    with serve(tmp_path) as root:
        base = root + "goose-pod/"
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        for uri in (*PAGES, "404.html"):
            page.goto(base + uri)
            assert page.get_attribute("body", "data-md-color-scheme") == ("slate" if scheme == "dark" else "default")
            if "?q=" in uri:  # the search page, with its results drawn and its "more results" button shown
                page.wait_for_selector(".gp-search__title", timeout=30_000)
                page.evaluate("document.querySelector('.gp-search__more').hidden = false")
            assert page.locator(".md-copyright").count() == 1, "the footer line is checked too"
            by_page[uri] = axe_violations(page)
        context.close()
    assert {uri: sorted(v) for uri, v in by_page.items() if v} == {}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_nothing_on_the_embed_page(sample_site, browser, scheme):
    """The embed page is ours alone (no theme): no finding at all, playing or not."""
    require(AXE_JS)
    with serve(sample_site.root / "site") as base:
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        page.goto(base + "episodes/tidal-power-pilot/embed.html")
        assert axe_violations(page) == set()
        page.click(".p")
        page.wait_for_function("!document.querySelector('audio').paused")
        assert axe_violations(page) == set()
        context.close()


@pytest.mark.parametrize(("query", "expected"), [
    ("预算", "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/"),
    ("turbines", "episodes/tidal-power-pilot/"),
    ("TURBINES", "episodes/tidal-power-pilot/"),  # case is ignored
    ("图书馆", "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/"),  # three characters: two pairs
])
def test_search_finds_words_inside_sentences(sample_site, browser, query, expected):
    """From the header's search box of any page to results on the search page (the index read in the browser)."""
    with serve(sample_site.root / "site") as base:
        page = browser.new_page()
        errors = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(base + "about/")
        page.fill("header input[type=search]", query)
        page.press("header input[type=search]", "Enter")
        page.wait_for_selector(".gp-search__title", timeout=30_000)
        hrefs = page.eval_on_selector_all(".gp-search__title", "els => els.map(e => e.href)")
        marked = page.eval_on_selector_all(".gp-search__excerpt mark", "els => els.map(e => e.textContent)")
        status = page.text_content(".gp-search__status")
        page.close()
    assert [h for h in hrefs if h.startswith(base + "episodes/")] == [base + expected]
    # Other hits may be pages of docs/ that quote the word; listings repeat summaries and are not indexed.
    listings = [base + uri for uri in ("", "archive/", "category/", "tag/", "page/", "search/")]
    assert [h for h in hrefs if h in listings or h.startswith(tuple(listings[1:]))] == []
    assert query.lower() in " ".join(marked).lower()
    assert str(len(hrefs)) in status
    assert errors == []
