"""What a listener sees, in Debian's chromium at a phone's (390 px) and a desktop's (1280 px) width."""

from __future__ import annotations

import json

import pytest

from .browsing import settled
from .checkers import serve

pytestmark = pytest.mark.browser

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

    def opener(url: str, *, width: int, scheme: str = "light", slowdown: float = 1):
        context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
        contexts.append(context)
        page = context.new_page()
        if slowdown > 1:  # a phone's slower processor, whatever else this machine is doing
            context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
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
    assert 0 <= settled(page, "#original")["top"] < 200


def test_the_contents_are_one_tap_away_on_a_phone(site, open_page):
    # Slowed down, the theme's reload of the page in place after the first jump ends after its scroll timer: the
    # list of contents must not move the heading then (see templates/episode.html).
    page = open_page(site + LIBRARIES, width=390, slowdown=6)
    assert not page.is_visible(".md-sidebar--secondary .md-nav__link")
    page.click(".gp-toc > summary")
    assert visible_texts(page, ".gp-toc a") == PARTS
    page.click(".gp-toc a >> text=分析")
    page.wait_for_function("location.hash === '#analysis'")
    top = settled(page, "#analysis")["top"]
    assert 0 <= top < 200, top


WIDTHS = (390, 1280)
CONTRAST = """(selector) => {
    const parse = c => (c.match(/[\\d.]+/g) || []).map(Number);
    const over = (top, below) => { const a = top[3] ?? 1; return [0, 1, 2].map(i => top[i] * a + below[i] * (1 - a)); };
    const lum = rgb => {
        const l = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
        return 0.2126 * l[0] + 0.7152 * l[1] + 0.0722 * l[2]; };
    return [...document.querySelectorAll(selector)].map(el => {
        const layers = [];
        for (let e = el; e; e = e.parentElement) layers.push(parse(getComputedStyle(e).backgroundColor));
        let bg = parse(getComputedStyle(document.body).backgroundColor).slice(0, 3);
        const clear = getComputedStyle(document.body).backgroundColor === 'rgba(0, 0, 0, 0)';
        if (bg.length < 3 || clear) bg = [255, 255, 255];
        for (const layer of layers.reverse()) if (layer.length) bg = over(layer, bg);
        const fg = over(parse(getComputedStyle(el).color), bg);
        const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
        return [el.className || el.tagName, (a + 0.05) / (b + 0.05)];
    });
}"""


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_speaker_names_time_links_and_text_on_the_tints_keep_4_5_to_1(site, open_page, scheme):
    page = open_page(site + TIDES, width=1280, scheme=scheme)
    found = page.evaluate(CONTRAST, ".gp-turn .gp-speaker, .gp-turn .gp-time, .gp-turn .gp-text, .gp-meta, "
                                    ".gp-time-label, .gp-duration, .gp-feed-help")
    assert len(found) > 20
    low = sorted({(name, round(ratio, 2)) for name, ratio in found if ratio < 4.5})
    assert low == []


@pytest.mark.parametrize("width", WIDTHS)
def test_chapter_and_time_links_are_touch_targets_of_24_px(site, open_page, width):
    page = open_page(site + TIDES, width=width)
    sizes = page.eval_on_selector_all(".gp-chapters a, .gp-turn .gp-time", """els => els.map(e => {
        const r = e.getBoundingClientRect(); return [e.textContent, r.width, r.height]; })""")
    assert len(sizes) > 10
    assert [(text, w, h) for text, w, h in sizes if w < 24 or h < 24] == []


def test_on_a_phone_the_header_keeps_the_sites_name_and_search_is_one_tap_away(site, open_page):
    page = open_page(site + LIBRARIES, width=390)
    title = page.eval_on_selector(".md-header__topic .md-ellipsis", "e => [e.textContent.trim(), e.scrollWidth, "
                                                                     "e.clientWidth]")
    assert title[0] == "Goose Pod" and title[1] <= title[2], f"the name is cut: {title}"
    assert not page.is_visible("header .gp-search-form__input")
    page.click("header .gp-search-form__icon")
    page.wait_for_url("**/search/")
    assert page.is_visible("#gp-search input")
    desktop = open_page(site + LIBRARIES, width=1280)
    assert desktop.is_visible("header .gp-search-form__input")
    assert not desktop.is_visible("header .gp-search-form__icon")


@pytest.mark.parametrize("uri", ["", LIBRARIES, "archive/", "about/"])
def test_the_first_tab_reaches_a_skip_link_that_goes_to_the_content(site, open_page, uri):
    page = open_page(site + uri, width=1280)
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.classList.contains('md-skip'), "
                            "document.activeElement.textContent.trim()]")
    assert focused == [True, "跳到正文"]
    assert page.is_visible(".md-skip")
    page.keyboard.press("Enter")
    page.wait_for_function("location.hash !== ''")
    target = settled(page, f"[id='{page.evaluate('decodeURIComponent(location.hash.slice(1))')}']")["top"]
    assert 0 <= target < 250, target


def test_every_control_shows_focus(site, open_page):
    page = open_page(site + LIBRARIES, width=1280)
    page.click(".gp-toc > summary", force=True) if page.is_visible(".gp-toc > summary") else None
    unmarked = []
    for _ in range(60):
        page.keyboard.press("Tab")
        # The theme's scheme switch focuses a hidden radio button and marks its label instead.
        marked = page.evaluate("""() => { const f = document.activeElement;
            const e = f.matches('.md-option') ? f.nextElementSibling : f, s = getComputedStyle(e);
            const ring = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 1;
            return [e.tagName + '.' + e.className, ring || s.boxShadow !== 'none'
                    || s.textDecorationLine.includes('underline') && e.closest('.gp') !== null]; }""")
        if not marked[1]:
            unmarked.append(marked[0])
    assert unmarked == []


def test_searching_a_hosts_name_finds_episodes_only(site, sample_site, open_page):
    page = open_page(site + "search/?q=" + "卿姐", width=1280)
    page.wait_for_selector(".gp-search__title", timeout=30_000)
    hrefs = page.eval_on_selector_all(".gp-search__title", "els => els.map(e => e.href)")
    episodes = [site + p.parent.relative_to(sample_site.root / "site").as_posix() + "/"
                for p in (sample_site.root / "site/episodes").glob("*/index.html")]
    assert hrefs and [h for h in hrefs if h not in episodes] == [], "episodes only: no guide, listing or about page"
    indexed = [json.loads(p.read_text(encoding="utf-8"))["url"]
               for p in (sample_site.root / "site/search-index/p").glob("*.json")]
    assert sorted(indexed) == sorted(["about/", *(e.removeprefix(site) for e in episodes)]), \
        "the index holds the episodes and the hand-written about page, nothing else"
