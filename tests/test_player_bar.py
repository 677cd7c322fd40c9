"""The player bar (assets/player-bar.js) in Debian's chromium, at a phone's and a desktop's width: it stays
in view and keeps playing across instant navigation, follows the transcript, keeps the position, answers
keys, shares a time link, and plays episodes from cards."""

from __future__ import annotations

import math

import pytest

from .browsing import settled, sitemap_read
from .checkers import AXE_JS, require, serve
from .test_html_checks import axe_violations
from .test_player import page as page
from .test_player import player_site as player_site
from .test_player import ready

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
AUDIO = "document.querySelector('audio.gp-audio')"


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def width(request) -> int:
    return request.param


def open_episode(page, base: str, width: int, slug: str = "ep") -> None:
    page.set_viewport_size({"width": width, "height": 800})
    goto(page, base + f"episodes/{slug}/")
    ready(page)


def goto(page, url: str) -> None:
    """Open a page and let mkdocs-material read its sitemap: a link followed before that loads a new page."""
    page.goto(url)
    sitemap_read(page)


def play_turn(page, number: int) -> None:
    page.click(f"#t{number} .gp-text")
    page.wait_for_selector(f"#t{number}.gp-playing")
    page.wait_for_function(f"!{AUDIO}.paused")


def now(page) -> float:
    return page.evaluate(f"{AUDIO}.currentTime")


def assert_advancing(page) -> None:
    start = now(page)
    page.wait_for_function(f"{AUDIO}.currentTime > {start + 0.3}")
    assert page.evaluate(f"!{AUDIO}.paused")


def clear_view(page, selector: str) -> bool:
    """Whether the element is wholly in the window, below the header and above the bar."""
    return page.evaluate("""s => {
        const e = document.querySelector(s), bar = document.querySelector('.gp-bar:not([hidden])');
        if (!e) return false;
        const r = e.getBoundingClientRect(), bottom = bar ? bar.getBoundingClientRect().top : innerHeight;
        return r.height > 0 && r.top >= 48 && r.bottom <= bottom && r.left >= 0 && r.right <= innerWidth;
    }""", selector)


def scroll_to_bottom(page, width: int) -> None:
    """As a listener does, with the wheel; again if the page grew (room for the bar appearing)."""
    page.mouse.move(width / 2, 400)
    for _ in range(10):
        page.mouse.wheel(0, 100_000)
        settled(page)
        if page.evaluate("scrollY + innerHeight >= document.documentElement.scrollHeight - 2"):
            return
    raise AssertionError("the page never scrolled to its bottom")


def test_at_the_bottom_play_and_the_current_turn_are_one_click_away(player_site, page, width):
    _, base = player_site
    open_episode(page, base, width)
    assert page.is_hidden(".gp-bar"), "no bar while the page's own player is in view and nothing plays"
    play_turn(page, 10)
    scroll_to_bottom(page, width)
    box = page.locator(".gp-bar__play").bounding_box()
    assert page.is_visible(".gp-bar__play") and box["y"] >= 0 and box["y"] + box["height"] <= 800
    assert box["width"] >= 44 and box["height"] >= 44
    assert page.text_content(".gp-bar__section") == "Core Event", "the section being spoken"
    current = page.get_attribute(".gp-turn.gp-playing", "id")
    assert not clear_view(page, f"#{current}"), "scrolled away from the playing turn"
    page.click(".gp-bar__turn")
    page.wait_for_function("""() => {
        const e = document.querySelector('.gp-turn.gp-playing'), bar = document.querySelector('.gp-bar');
        const r = e.getBoundingClientRect(), bottom = bar.hidden ? innerHeight : bar.getBoundingClientRect().top;
        return r.top >= 48 && r.bottom <= bottom; }""")
    assert page.is_hidden(".gp-bar__turn"), "following again: nothing to go back to"
    page.click(".gp-bar__play")
    page.wait_for_function(f"{AUDIO}.paused")


def playing_turn_in_view(page) -> None:
    page.wait_for_function("""() => {
        const e = document.querySelector('.gp-turn.gp-playing'), bar = document.querySelector('.gp-bar');
        const r = e.getBoundingClientRect(), bottom = bar.hidden ? innerHeight : bar.getBoundingClientRect().top;
        return r.top >= 48 && r.bottom <= bottom; }""")


def nothing_to_go_back_to(page) -> None:
    page.wait_for_function("document.querySelector('.gp-bar__turn').hidden"
                           " && document.querySelector('.gp-back-to-turn').hidden")


def scrolled_away_while_playing(player_site, page, width: int) -> None:
    """Playing the fourth turn, the listener scrolled to the page's end: the bar offers to go back to it."""
    _, base = player_site
    open_episode(page, base, width)
    play_turn(page, 4)
    scroll_to_bottom(page, width)
    page.wait_for_selector(".gp-bar__turn", state="visible")


def test_scrolling_back_to_the_playing_turn_by_hand_follows_it_again(player_site, page, width):
    scrolled_away_while_playing(player_site, page, width)
    for _ in range(5):  # the wheel, as a listener scrolls; the turn may move on meanwhile
        box = page.locator(".gp-turn.gp-playing").bounding_box()
        page.mouse.wheel(0, box["y"] + box["height"] / 2 - 350)
        settled(page)
        if clear_view(page, ".gp-turn.gp-playing"):
            break
    nothing_to_go_back_to(page)
    playing_turn_in_view(page)


def test_a_play_from_the_bar_brings_the_page_back_to_the_playing_turn(player_site, page, width):
    scrolled_away_while_playing(player_site, page, width)
    page.click(".gp-bar__play")
    page.wait_for_function(f"{AUDIO}.paused")
    assert not clear_view(page, ".gp-turn.gp-playing")
    page.click(".gp-bar__play")
    page.wait_for_function(f"!{AUDIO}.paused")
    playing_turn_in_view(page)
    nothing_to_go_back_to(page)


def test_every_control_of_the_bar_is_44_px_and_shows_its_focus(player_site, page, width):
    _, base = player_site
    open_episode(page, base, width)
    play_turn(page, 2)
    scroll_to_bottom(page, width)
    sizes = page.eval_on_selector_all(".gp-bar button:not([hidden]):not([hidden] *)", """els => els.map(e => {
        const r = e.getBoundingClientRect(); return [e.className, r.width, r.height]; })""")
    assert len(sizes) >= 6
    assert [s for s in sizes if s[1] < 44 or s[2] < 44] == []
    page.keyboard.press("Shift+Tab")  # a keyboard user: focus rings show
    page.focus(".gp-bar__share")
    outline = page.evaluate("""() => { const s = getComputedStyle(document.querySelector('.gp-bar__share'));
        return [s.outlineStyle, parseFloat(s.outlineWidth)]; }""")
    assert outline[0] != "none" and outline[1] >= 2


def test_audio_keeps_playing_through_instant_navigation(player_site, page, width):
    _, base = player_site
    open_episode(page, base, width)
    play_turn(page, 1)
    page.evaluate("window.notReloaded = true")
    # The header's home link (hidden behind the menu on a phone: there, a related episode's link).
    page.click(".md-header__button.md-logo" if width > 1000 else ".gp-related a[href$='episodes/other/']")
    page.wait_for_function("!document.querySelector('#t14')")
    assert page.evaluate("window.notReloaded"), "instant navigation, not a new page load"
    assert page.evaluate("document.querySelectorAll('audio').length") == 1
    assert_advancing(page)
    assert page.is_visible(".gp-bar")
    assert page.text_content(".gp-bar__title") == "ep"
    assert page.get_attribute(".gp-bar__play", "aria-label") == "暂停", "the site's labels, from player-site.js"
    assert page.evaluate("navigator.mediaSession.metadata.title") == "ep"
    page.click(".gp-bar__play")
    page.wait_for_function(f"{AUDIO}.paused")
    page.click(".gp-bar__play")
    assert_advancing(page)


def test_media_session_names_the_episode_and_the_show(player_site, page):
    _, base = player_site
    open_episode(page, base, 1280)
    play_turn(page, 1)
    metadata = page.evaluate("""() => { const m = navigator.mediaSession.metadata;
        return {title: m.title, artist: m.artist}; }""")
    assert metadata == {"title": "ep", "artist": "Test Pod"}
    assert page.evaluate("navigator.mediaSession.playbackState") == "playing"


def test_a_reload_offers_the_kept_position_without_forcing_it(player_site, page, width):
    project, base = player_site
    open_episode(page, base, width)
    assert page.is_hidden(".gp-resume"), "nothing kept yet"
    play_turn(page, 8)
    page.click(".gp-play")
    page.wait_for_function(f"{AUDIO}.paused")
    kept = now(page)
    assert kept >= project.plugin.output.audio.audio["ep"].turns[7].start
    page.reload()
    ready(page)
    minutes, seconds = divmod(math.floor(kept), 60)
    assert page.text_content(".gp-resume") == f"继续播放 {minutes:02d}:{seconds:02d}"
    assert now(page) == 0 and page.evaluate(f"{AUDIO}.paused"), "offered, not forced"
    page.click(".gp-resume")
    page.wait_for_function(f"!{AUDIO}.paused")
    assert now(page) == pytest.approx(kept, abs=0.8)
    assert page.is_hidden(".gp-resume")


def test_keys_play_pause_and_skip_but_never_in_the_search_box(player_site, page, width):
    _, base = player_site
    open_episode(page, base, width)
    page.keyboard.press("Space")
    page.wait_for_function(f"!{AUDIO}.paused")
    page.keyboard.press("k")
    page.wait_for_function(f"{AUDIO}.paused")
    before = now(page)
    page.keyboard.press("l")
    assert now(page) == pytest.approx(before + 30, abs=0.5)
    page.keyboard.press("ArrowLeft")
    assert now(page) == pytest.approx(before + 15, abs=0.5)
    page.keyboard.press("Control+k")  # a modifier: the browser's or another script's key
    assert page.evaluate(f"{AUDIO}.paused")
    box = ".gp-search-form__input"
    if not page.is_visible(box):  # on a phone the header has a search icon: the search page has the box
        page.click(".gp-search-form__icon")
        box = ".gp-search__input"
        page.wait_for_selector(box, state="visible")
    page.click(box)
    page.keyboard.type("能源 k l")
    assert page.input_value(box) == "能源 k l"
    assert page.evaluate(f"{AUDIO}.paused"), "typing a space in the search box plays nothing"
    assert now(page) == pytest.approx(before + 15, abs=0.5)


def test_selecting_text_in_a_turn_neither_plays_nor_seeks(player_site, page, width):
    _, base = player_site
    open_episode(page, base, width)
    text = page.locator("#t4 .gp-text").bounding_box()
    page.mouse.move(text["x"] + 2, text["y"] + text["height"] / 2)
    page.mouse.down()
    page.mouse.move(text["x"] + text["width"] * 0.6, text["y"] + text["height"] / 2, steps=8)
    page.mouse.up()
    assert page.evaluate("getSelection().toString().length") > 2
    page.dblclick("#t5 .gp-text")
    page.wait_for_timeout(700)
    assert page.evaluate(f"{AUDIO}.paused") and now(page) == 0
    assert page.locator(".gp-turn.gp-playing").count() <= 1
    page.click("#t6 .gp-text")  # and a plain click still plays from the turn
    page.wait_for_selector("#t6.gp-playing")
    page.wait_for_function(f"!{AUDIO}.paused")


def test_a_cards_play_button_plays_without_leaving_the_page(player_site, page, width):
    _, base = player_site
    page.set_viewport_size({"width": width, "height": 800})
    goto(page, base)
    page.evaluate("window.notReloaded = true")
    page.evaluate("document.querySelector(\"a[href$='cards/']\").click()")  # instant navigation to it
    # The home page has play buttons too, one for this very episode, and the theme changes the address before it
    # swaps the content: wait for the cards page's own heading with the home's cards gone, or a click may hit the
    # home's button mid-swap (its addresses then read against the new page's: two 404s, and no audio).
    page.wait_for_function("location.pathname.endsWith('/cards/') && !document.querySelector('.gp-card') && "
                           "document.querySelector('.md-content h1')?.textContent.trim() === 'Cards' && "
                           "document.querySelector(\".gp-card-play[href$='episodes/other/']\") !== null")
    assert page.evaluate("window.notReloaded")
    page.click(".gp-card-play")
    page.wait_for_function(f"!{AUDIO}.paused")
    assert page.evaluate("location.pathname").endswith("/cards/")
    assert page.evaluate("window.notReloaded")
    assert_advancing(page)
    assert page.text_content(".gp-bar__title") == "other"
    assert page.evaluate("navigator.mediaSession.metadata.title") == "other"
    page.wait_for_function("document.querySelector('.gp-bar__section').textContent === 'Intro'")  # chapters.json
    page.click(".gp-card-play")  # the same card again: pause
    page.wait_for_function(f"{AUDIO}.paused")
    assert page.evaluate("location.pathname").endswith("/cards/")


def test_an_episode_page_leaves_another_playing_episode_alone(player_site, page):
    _, base = player_site
    goto(page, base + "cards/")
    page.click(".gp-card-play")
    page.wait_for_function(f"!{AUDIO}.paused")
    page.evaluate("document.querySelector('.md-header__button.md-logo').click()")  # home, instantly
    page.wait_for_selector(".gp-cards, .gp-card")
    page.evaluate("document.querySelector(\".gp-card-title a[href$='episodes/ep/']\").click()")
    page.wait_for_selector("#t14")
    assert_advancing(page)
    assert page.text_content(".gp-bar__title") == "other"
    assert page.get_attribute(".gp-play", "aria-label") == "播放", "this page's episode is not the one playing"
    play_turn(page, 3)
    assert page.text_content(".gp-bar__title") == "ep"
    assert page.evaluate("navigator.mediaSession.metadata.title") == "ep"


def test_share_copies_a_link_to_this_second(player_site, browser):
    _, base = player_site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base + "episodes/ep/")
    ready(page)
    play_turn(page, 5)
    page.click(".gp-play")
    page.wait_for_function(f"{AUDIO}.paused")
    second = math.floor(now(page))
    page.click(".gp-share")
    page.wait_for_function("document.querySelector('.gp-controls .gp-share-note').textContent !== ''")
    assert page.is_visible(".gp-controls .gp-share-note")
    assert page.text_content(".gp-controls .gp-share-note") == "链接已复制"
    link = page.evaluate("navigator.clipboard.readText()")
    assert link == f"{base}episodes/ep/#t={second}"
    other = context.new_page()
    other.goto(link)
    ready(other)
    other.wait_for_function(f"{AUDIO}.currentTime === {second}")
    context.close()


def test_without_a_clipboard_share_shows_the_link_selected(player_site, browser):
    _, base = player_site
    context = browser.new_context()
    context.add_init_script("Object.defineProperty(Navigator.prototype, 'clipboard', {get: () => undefined})")
    page = context.new_page()
    page.goto(base + "episodes/ep/")
    ready(page)
    page.click(".gp-share")
    field = ".gp-controls .gp-share-link"
    assert page.is_visible(field)
    assert page.input_value(field) == f"{base}episodes/ep/#t=0"
    assert page.evaluate("""() => { const f = document.activeElement;
        return f.classList.contains('gp-share-link') && f.selectionStart === 0
            && f.selectionEnd === f.value.length; }""")
    context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_bar_adds_no_accessibility_findings(sample_site, browser, width, scheme):
    """axe-core on a real episode page (with a cover), before the bar shows and while it shows."""
    require(AXE_JS)
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    with serve(sample_site.root / "site") as base:
        page.goto(base + "episodes/tidal-power-pilot/")
        ready(page)
        before = axe_violations(page)
        play_turn(page, 3)
        scroll_to_bottom(page, width)
        assert page.is_visible(".gp-bar") and page.is_visible(".gp-bar__turn") and page.is_visible(".gp-bar__cover")
        after = axe_violations(page)
    context.close()
    assert after - before == set()
