"""The episode page in the reference's shape, in Debian's chromium at a phone's and a desktop's width: the
analysis as tabs the keyboard works, a shared #t= link that lands on its passage, find in the transcript, the
episode's own art in the player bar and on the lock screen, and chapter and time links that work without
scripts."""

from __future__ import annotations

import re

import pytest

from .checkers import serve
from .conftest import REPO, SiteProject, copy_site

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
SHOTS = REPO / "tests" / "output" / "screenshots"
"""Pictures of states the committed screenshots do not show, for a reviewer to look at (not committed)."""
ASPECTS = ["Core Event", "Background", "Conflict", "Impact", "Future", "Related Info"]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The sample site, built for these tests alone: its build's output (audio, episodes) stays theirs, whatever
    other tests do with the shared sample site."""
    root = tmp_path_factory.mktemp("episode-page")
    copy_site(root)
    project = SiteProject.__new__(SiteProject)
    project.root = root
    project.build()
    with serve(root / "site") as base:
        yield base, project


def open_page(browser, width: int, address: str):
    page = browser.new_page(viewport={"width": width, "height": 844 if width < 600 else 900})
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(address)
    return page


def selected(page) -> list:
    """The selected tab's name and the names of the panels shown."""
    return page.evaluate("""() => [
        document.querySelector('.gp-tab[aria-selected=true]').textContent,
        [...document.querySelectorAll('.gp-aspect')].filter(p => !p.hidden)
            .map(p => document.getElementById(p.getAttribute('aria-labelledby')).textContent)]""")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_analysis_is_tabs_the_keyboard_works(site, browser, width):
    base, _ = site
    page = open_page(browser, width, base + "episodes/tidal-power-pilot/")
    page.wait_for_selector(".gp-tablist")
    assert page.locator(".gp-analysis [role=tab]").all_text_contents() == ASPECTS
    assert selected(page) == ["Core Event", ["Core Event"]]
    page.focus(".gp-tab >> nth=0")
    for key, name in (("ArrowRight", "Background"), ("End", "Related Info"), ("ArrowRight", "Core Event"),
                      ("ArrowLeft", "Related Info"), ("Home", "Core Event")):
        page.keyboard.press(key)
        assert selected(page) == [name, [name]], key
        assert page.evaluate("document.activeElement.textContent") == name
    page.click(".gp-tab >> text=Impact")
    assert selected(page) == ["Impact", ["Impact"]]
    heights = page.eval_on_selector_all(".gp-tab", "els => els.map(e => e.getBoundingClientRect().height)")
    assert min(heights) >= 44
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_shared_time_link_lands_on_its_passage(site, browser, width):
    base, project = site
    turns = project.plugin.output.audio.audio["tidal-power-pilot"].turns
    index = len(turns) - 3  # far down the page
    at = int(turns[index].start) + 1
    assert turns[index].end > at
    page = open_page(browser, width, base + f"episodes/tidal-power-pilot/#t={at // 60:02d}:{at % 60:02d}")
    playing = f"#t{index + 1}"
    page.wait_for_selector(f"{playing}.gp-playing")
    page.wait_for_function(f"""() => {{
        const box = document.querySelector('{playing}').getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight; }}""")
    assert page.evaluate("document.querySelector('audio.gp-audio').paused"), "a link never plays by itself"
    assert page.errors == []
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name, word", [("city-night-libraries", "图书馆"), ("tidal-power-pilot", "TURBINE")])
def test_find_in_the_transcript_marks_the_turns_and_steps_through_them(site, browser, width, name, word):
    base, project = site
    episode = next(e for e in project.plugin.output.episodes if e.source_path.endswith(f"/{name}.yaml"))
    slug = episode.slug
    holding = [n for n, turn in enumerate(episode.turns, start=1) if word.lower() in turn.text.lower()]
    assert len(holding) >= 2, "the sample episode says the word in two turns at least"
    page = open_page(browser, width, base + f"episodes/{slug}/")
    page.wait_for_selector("form.gp-find[data-ready]")  # the script has wired the box
    page.fill(".gp-find-input", word)
    found = page.eval_on_selector_all(".gp-turn.gp-found", "els => els.map(e => e.id)")
    assert found == [f"t{n}" for n in holding]
    status = page.text_content(".gp-find-status")
    assert re.search(rf"\b1\b.*\b{len(holding)}\b", status), status
    page.press(".gp-find-input", "Enter")
    assert page.eval_on_selector(".gp-found-current", "e => e.id") == f"t{holding[1]}"
    page.wait_for_function("""() => { const box = document.querySelector('.gp-found-current').getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight; }""")
    page.fill(".gp-find-input", "zzqqxx")
    assert page.locator(".gp-turn.gp-found").count() == 0 and page.text_content(".gp-find-status")
    assert page.errors == []
    page.close()


def test_the_bar_and_the_lock_screen_show_the_episodes_own_art(site, browser):
    base, _ = site
    page = open_page(browser, 390, base + "episodes/tidal-power-pilot/")
    page.wait_for_function("document.querySelector('audio.gp-audio') && "
                           "document.querySelector('audio.gp-audio').readyState >= 1")
    page.click(".gp-play")
    page.wait_for_function("navigator.mediaSession.metadata !== null")
    artwork = page.evaluate("navigator.mediaSession.metadata.artwork.map(a => a.src)")
    own = page.evaluate("document.querySelector('.gp-player').dataset.image")
    assert own and all(src.endswith(own.split("/")[-1]) for src in artwork) and artwork
    # The bar shows the small picture made of the same art: one that the page's own header offers too.
    thumb = page.evaluate("document.querySelector('.gp-player').dataset.thumb").split("/")[-1]
    assert thumb.endswith("-192.jpg") and thumb in page.get_attribute(".gp-cover", "srcset")
    assert page.evaluate("document.querySelector('.gp-bar__cover').src").endswith(thumb)
    page.close()


def test_without_scripts_chapter_and_time_links_go_to_the_page(site, browser):
    base, _ = site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base + "episodes/tidal-power-pilot/")
    chapters = page.eval_on_selector_all(".gp-chapters a", "els => els.map(e => e.getAttribute('href'))")
    assert chapters and all(page.locator(href).count() == 1 for href in chapters), chapters
    assert page.get_attribute("#t2 .gp-time", "href") == "#t2"
    assert page.locator(".gp-find").is_hidden(), "the find box needs scripts, so it is hidden without them"
    assert page.locator(".gp-aspect-name").all_text_contents() == ASPECTS, "the analysis reads as headings"
    context.close()


def test_the_bar_waits_for_a_play_and_then_seeks_on_a_phone(site, browser):
    base, project = site
    duration = project.plugin.output.audio.audio["tidal-power-pilot"].duration
    page = open_page(browser, 390, base + "episodes/tidal-power-pilot/")
    page.wait_for_selector(".gp-controls")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    page.wait_for_function("document.querySelector('.gp-bar') !== null")
    assert page.locator(".gp-bar").is_hidden(), "nothing played yet: the bar takes no room"
    page.evaluate("window.scrollTo(0, 0)")
    page.click(".gp-play")
    page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight / 2)")
    page.wait_for_selector(".gp-bar", state="visible")
    box = page.locator(".gp-bar__seek").bounding_box()
    assert box and box["height"] >= 24 and box["width"] > 300, box
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] / 2)
    page.wait_for_function(f"document.querySelector('audio.gp-audio').currentTime > {duration * 0.6}")
    assert page.errors == []
    page.close()


def older_and_newer(project):
    """(older, newer): the sample site's two episodes by date."""
    episodes = sorted(project.plugin.output.episodes, key=lambda e: e.published)
    return episodes[0], episodes[-1]


def near_the_end(page, slug_duration: float) -> None:
    page.wait_for_function("document.querySelector('audio.gp-audio').readyState >= 1")
    page.click(".gp-play")
    page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
    page.evaluate(f"document.querySelector('audio.gp-audio').currentTime = {slug_duration - 1.5}")


@pytest.mark.parametrize("width", WIDTHS)
def test_up_next_plays_the_next_newer_episode_unless_cancelled(site, browser, width):
    base, project = site
    older, newer = older_and_newer(project)
    audio = project.plugin.output.audio.audio
    SHOTS.mkdir(parents=True, exist_ok=True)
    for cancel in (False, True):
        page = browser.new_page(viewport={"width": width, "height": 844 if width < 600 else 900})
        page.clock.install()
        page.goto(base + f"episodes/{older.slug}/")
        near_the_end(page, audio[older.slug].duration)
        page.wait_for_selector(".gp-bar__next:not([hidden])")
        assert newer.title in page.text_content(".gp-bar__next-play")
        heights = page.eval_on_selector_all(".gp-bar__next button", "els => els.map(e => e.offsetHeight)")
        assert min(heights) >= 44, heights
        if not cancel:
            page.screenshot(path=str(SHOTS / f"up-next-{width}.png"))
        if cancel:
            page.click(".gp-bar__next-cancel")
            assert page.locator(".gp-bar__next").is_hidden()
        page.clock.run_for(11_000)
        src = page.evaluate("document.querySelector('audio.gp-audio').src")
        if cancel:
            assert src.endswith(audio[older.slug].uri), "cancelled: the ended episode stays"
        else:
            assert src.endswith(audio[newer.slug].uri)
            page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
            assert page.evaluate("navigator.mediaSession.metadata.title") == newer.title
        page.close()


def test_the_sleep_timer_stops_the_audio_and_can_end_with_the_episode(site, browser):
    base, project = site
    older, _ = older_and_newer(project)
    audio = project.plugin.output.audio.audio
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.clock.install()
    page.goto(base + f"episodes/{older.slug}/")
    page.wait_for_function("document.querySelector('audio.gp-audio').readyState >= 1")
    page.click(".gp-play")
    page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    page.wait_for_selector(".gp-bar__sleep", state="visible")
    page.click(".gp-bar__sleep")  # 15 minutes
    label = page.get_attribute(".gp-bar__sleep", "aria-label")
    assert "15:00" in label and page.get_attribute(".gp-bar__sleep", "aria-pressed") == "true", label
    page.clock.run_for(15 * 60_000 + 2_000)
    page.wait_for_function("document.querySelector('audio.gp-audio').paused")
    assert page.get_attribute(".gp-bar__sleep", "aria-pressed") == "false"
    for _ in range(4):  # 15, 30, 60, then the end of the episode
        page.click(".gp-bar__sleep")
    assert page.get_attribute(".gp-bar__sleep", "aria-label") == "睡眠定时：本期结束时停止"
    near_the_end(page, audio[older.slug].duration)
    page.wait_for_function("document.querySelector('audio.gp-audio').ended")
    page.clock.run_for(11_000)
    assert page.locator(".gp-bar__next").is_hidden(), "the timer ends the listening: nothing comes next"
    assert page.evaluate("document.querySelector('audio.gp-audio').src").endswith(audio[older.slug].uri)
    page.close()


def test_the_contents_sidebar_is_titled_in_the_episodes_language(site, browser):
    base, _ = site
    page = open_page(browser, 1280, base + "episodes/tidal-power-pilot/")
    page.wait_for_function("document.querySelector('.md-sidebar--secondary .md-nav__title').textContent.trim()"
                           " === 'Contents'")
    assert page.get_attribute(".md-sidebar--secondary .md-nav__title", "lang") == "en"
    assert page.locator(".md-sidebar--primary").is_hidden(), "no navigation sidebar beside an episode"
    page.close()


def test_the_embed_page_plays_in_an_iframe_of_another_site(site, browser, tmp_path):
    base, _ = site
    embed = base + "episodes/tidal-power-pilot/embed.html"
    (tmp_path / "index.html").write_text(
        f'<!doctype html><title>A blog</title><p>Listen:</p><iframe src="{embed}" width="100%" height="160"></iframe>',
        encoding="utf-8")
    with serve(tmp_path) as blog:
        other = blog.replace("127.0.0.1", "localhost")  # another origin
        page = open_page(browser, 390, other)
        frame = page.frame_locator("iframe")
        assert frame.locator(".t a").text_content() == "Can a Fishing Town Run on the Tide?"
        assert frame.locator(".t a").get_attribute("target") == "_blank"
        frame.locator(".p").click()
        page.wait_for_function("""() => { const a = document.querySelector('iframe').contentDocument;
            return a === null; }""")  # the blog cannot reach into the player: another origin
        embedded = next(f for f in page.frames if f.url == embed)
        embedded.wait_for_function("document.querySelector('audio').currentTime > 0.3")
        assert embedded.get_attribute(".p", "aria-label") == "Pause"
        box = frame.locator(".r").bounding_box()
        assert box and box["height"] >= 24
        page.close()


def test_share_offers_the_embed_code_and_the_page_names_its_oembed(site, browser):
    base, project = site
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    page.goto(base + "episodes/tidal-power-pilot/")
    page.click(".gp-embed")
    page.wait_for_function("document.querySelector('.gp-controls .gp-share-note').textContent !== ''")
    code = page.evaluate("navigator.clipboard.readText()")
    assert code.startswith(f'<iframe src="{base}episodes/tidal-power-pilot/embed.html" title="Can a Fishing Town')
    context.close()
    import json

    html = (project.root / "site/episodes/tidal-power-pilot/index.html").read_text(encoding="utf-8")
    site_url = "https://example.github.io/goose-pod/"
    link = f'<link rel="alternate" type="application/json+oembed" href="{site_url}oembed-tidal-power-pilot.json"'
    assert link in html
    answer = json.loads((project.root / "site/oembed-tidal-power-pilot.json").read_text(encoding="utf-8"))
    assert answer["version"] == "1.0" and answer["type"] == "rich" and answer["height"] == 160
    assert f'src="{site_url}episodes/tidal-power-pilot/embed.html"' in answer["html"]
    assert answer["thumbnail_url"] == f"{site_url}episodes/tidal-power-pilot/cover.png"
    assert answer["thumbnail_width"] == answer["thumbnail_height"] >= 1400


@pytest.mark.parametrize("width", WIDTHS)
def test_the_home_pages_first_screen_plays_the_latest_and_offers_to_continue(site, browser, width):
    base, project = site
    _, newer = older_and_newer(project)
    page = open_page(browser, width, base)
    button = page.locator(".gp-play-latest")
    box = button.bounding_box()
    assert box and box["y"] + box["height"] <= page.viewport_size["height"], "on the first screen"
    assert box["height"] >= 44 and newer.title in button.text_content()
    assert page.locator(".gp-continue").is_hidden(), "nothing in progress yet"
    button.click()
    page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
    assert page.evaluate("location.pathname") == "/", "it plays here, in the bar"
    page.goto(base + f"episodes/{newer.slug}/")
    page.wait_for_function("document.querySelector('audio.gp-audio').readyState >= 1")
    page.click(".gp-play")
    page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
    page.evaluate("document.querySelector('audio.gp-audio').currentTime = 60")
    page.evaluate("document.querySelector('audio.gp-audio').pause()")
    page.wait_for_function("document.querySelector('audio.gp-audio').paused")
    page.goto(base)
    page.wait_for_selector(".gp-continue:not([hidden])")
    assert page.locator(".gp-continue-title").all_text_contents() == [newer.title]
    assert "01:00" in page.text_content(".gp-continue-play")
    page.click(".gp-continue-play")
    page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
    assert page.evaluate("document.querySelector('audio.gp-audio').currentTime") >= 59.5
    assert page.errors == []
    page.close()


HOME_MOST = 150_000
"""Bytes the home page may cost a phone, as a host that compresses text (GitHub Pages does) sends them."""


def test_the_home_page_costs_a_phone_at_most_150_kb(site, browser):
    import gzip

    base, _ = site
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=3)
    sent: dict[str, int] = {}

    def count(response) -> None:
        if response.status != 200:
            return
        body = response.body()
        text = re.match(r"(text/|application/(javascript|json|xml))", response.headers.get("content-type", ""))
        sent[response.url] = len(gzip.compress(body, 6)) if text else len(body)

    page.on("response", count)
    page.goto(base)
    page.wait_for_load_state("networkidle")
    page.close()
    pictures = [url for url in sent if url.endswith((".png", ".jpg"))]
    assert pictures and all("/thumbs/" in url for url in pictures if "favicon" not in url), pictures
    assert sum(sent.values()) <= HOME_MOST, sorted(sent.items(), key=lambda item: -item[1])[:8]


TARGETS = """() => [...document.querySelectorAll('a[href], button, input, select, summary, [role=tab]')]
    .filter(e => e.getClientRects().length && getComputedStyle(e).visibility !== 'hidden')
    .filter(e => !e.matches('input.md-option'))  /* the theme's hidden radio: its label is the button */
    .filter(e => { const d = e.closest('details'); return !d || d.open || e.closest('summary'); })
    .filter(e => !e.closest('.md-typeset p, .md-typeset li > p, .md-typeset td, .gp-excerpt, .gp-text, .gp-feed-help'))
    .map(e => { const r = e.getBoundingClientRect();
        return [e.outerHTML.slice(0, 90), Math.round(r.width), Math.round(r.height)]; })
    .filter(([, w, h]) => w < 24 || h < 24)"""
"""Interactive elements smaller than 24 x 24 px, except links inside running text (WCAG 2.5.8's inline
exception): what a thumb cannot hit."""


MAIN_CONTROLS = """() => [...document.querySelectorAll(`.gp-play, .gp-seek, .gp-speed, .gp-speed-options button,
    .gp-share, .gp-back-to-turn, .gp-resume, .gp-chapters a, .gp-find button, .gp-tab, .gp-play-latest, .gp-card-play,
    .gp-continue-play, .gp-sub-link, .gp-copy, main.e button.p`)]
    .filter(e => e.getClientRects().length)
    .map(e => { const r = e.getBoundingClientRect();
        return [e.outerHTML.slice(0, 90), Math.round(r.width), Math.round(r.height)]; })"""
"""The show's main controls (the bar's are measured in test_player_bar.py): each 44 x 44 px at least."""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("uri", ["", "episodes/tidal-power-pilot/", "archive/", "tag/energy/", "search/?q=tide",
                                 "episodes/tidal-power-pilot/embed.html"])
def test_main_controls_are_44_px_and_every_other_target_24_px(site, browser, width, uri):
    base, _ = site
    page = open_page(browser, width, base + uri)
    page.wait_for_load_state("networkidle")
    small = page.evaluate(TARGETS)
    main = page.evaluate(MAIN_CONTROLS)
    page.close()
    assert small == []
    if "search" not in uri:
        assert main, "the page's main controls were found"
    assert [control for control in main if control[1] < 44 or control[2] < 44] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_the_hosts_chips_are_level_and_tags_of_a_row_alike(site, browser, width):
    base, _ = site
    page = open_page(browser, width, base + "episodes/tidal-power-pilot/")
    rows = page.evaluate("""() => ['.gp-hosts > li', '.gp-tags > li'].map(s => [...document.querySelectorAll(s)]
        .map(e => { const r = e.getBoundingClientRect(); return [Math.round(r.top), Math.round(r.height)]; }))""")
    avatars = page.eval_on_selector_all(".gp-avatar", "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
    page.close()
    hosts, tags = rows
    assert len(hosts) == 2 and len(set(map(tuple, hosts))) == 1, hosts
    assert len(avatars) == 2 and len(set(avatars)) == 1, avatars
    assert len(tags) >= 2 and len({height for _, height in tags}) == 1, tags  # on a phone they may wrap
