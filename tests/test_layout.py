"""Addresses from patterns: the episode_url setting checked with its fix, every address of an episode
from the layout given the episode, and the redirects that keep former addresses working."""

from __future__ import annotations

import posixpath
from dataclasses import replace
from datetime import date

import pytest
from lxml import html as lxml_html

from site_plugins.podcast import SettingsError, build_pages, load_catalog, parse_settings
from site_plugins.podcast.layout import SiteLayout
from site_plugins.podcast.model import EpisodeAddress
from site_plugins.podcast.render.redirects import former_addresses, redirect_files, render_redirect
from site_plugins.podcast.store.record import Published, parse_record, record_bytes

from .conftest import DATA, REPO, TEST_SETTINGS

pytestmark = pytest.mark.unit

EPISODE = EpisodeAddress("tide", date(2025, 11, 4))

BAD_PATTERNS = [
    ("x/{slug}", "must end with '/': each episode's page and files have a folder of their own"),
    ("/{slug}/", "must not start with '/': addresses are relative to the site, e.g. 'episodes/{slug}/'"),
    ("../{slug}/", "must not have '.' or '..' folders: every address stays inside the site"),
    ("a/./{slug}/", "must not have '.' or '..' folders: every address stays inside the site"),
    ("{date:%Y/}/{slug}/", "must not have an empty folder ('//')"),
    ("{date}/", "must contain {slug}, which makes each episode's address its own"),
    ("{year}/{slug}/", "has an unknown field {year}; known: {slug}, {date} (e.g. {date:%Y/%m})"),
    ("{}/{slug}/", "has an unknown field {}; known: {slug}, {date} (e.g. {date:%Y/%m})"),
    ("{slug!r}/", "writes {slug} with a conversion or format; write {slug}, or {date:%Y/%m}"),
    ("{slug:>9}/", "writes {slug} with a conversion or format; write {slug}, or {date:%Y/%m}"),
    ("{date:%B}/{slug}/", "uses %B in {date:%B}; only %Y, %m, %d, %y and %j are allowed (names of months and "
                          "days would depend on the machine's language)"),
    ("{date:%Y%}/{slug}/", "uses % in {date:%Y%}; only %Y, %m, %d, %y and %j are allowed (names of months and "
                           "days would depend on the machine's language)"),
    ("{date:%Y?}/{slug}/", "has characters in {date:%Y?} that a URL path cannot hold as they are; use digits, "
                           "'-' and '/'"),
    ("{slug/", "has an unmatched '{' or '}'; fields are written {slug} and {date:%Y/%m}"),
    ("news items/{slug}/", "holds characters that a URL path cannot hold as they are; use letters, digits, '-', "
                           "'_', '.', '/' besides the fields"),
    ("节目/{slug}/", "holds characters that a URL path cannot hold as they are; use letters, digits, '-', "
                   "'_', '.', '/' besides the fields"),
]


@pytest.mark.parametrize(("pattern", "message"), BAD_PATTERNS, ids=[p for p, _ in BAD_PATTERNS])
def test_a_wrong_pattern_is_named_with_its_fix(pattern, message):
    with pytest.raises(SettingsError) as raised:
        parse_settings({"episode_url": pattern})
    assert str(raised.value) == f"mkdocs.yml: podcast plugin settings:\n  - episode_url '{pattern}' {message}"
    with pytest.raises(SettingsError) as raised:
        parse_settings({"episode_files_url": pattern})
    assert f"  - episode_files_url '{pattern}' {message}" in str(raised.value)
    with pytest.raises(SettingsError, match="episode_url"):  # a host that skips the settings still learns why
        SiteLayout(pattern)


def test_every_problem_of_a_pattern_is_reported_at_once():
    with pytest.raises(SettingsError) as raised:
        parse_settings({"episode_url": "/../{date}"})
    lines = str(raised.value).splitlines()[1:]
    assert [line.split("' ", 1)[1].split(":")[0] for line in lines] == [
        "must contain {slug}, which makes each episode's address its own",
        "must not start with '/'", "must end with '/'", "must not have '.' or '..' folders"]


@pytest.mark.parametrize(("pattern", "folder"), [
    ("episodes/{slug}/", "episodes/tide/"),
    ("{date:%Y/%m}/{slug}/", "2025/11/tide/"),
    ("{date}/{slug}/", "2025-11-04/tide/"),
    ("{date:%y%j}-{slug}/", "25308-tide/"),
    ("{slug}/", "tide/"),
    ("shows/{slug}/{date:%Y}/", "shows/tide/2025/"),
])
def test_the_pattern_places_an_episodes_page_and_files(pattern, folder):
    layout = SiteLayout(parse_settings({"episode_url": pattern}).episode_url)
    assert layout.episode_page(EPISODE) == folder + "index.md"
    assert layout.episode_page_url(EPISODE) == folder
    assert layout.episode_file(EPISODE, layout.chapters) == folder + "chapters.json"
    assert layout.episode_image(EPISODE, "images/x.PNG") == folder + "cover.png"
    assert layout.episode_audio(EPISODE, "0123456789abcdef") == "audio/tide-0123456789.mp3"
    assert SiteLayout(pattern, directory_urls=False).episode_page_url(EPISODE) == folder + "index.html"


def test_an_episodes_files_can_live_apart_from_its_page():
    layout = SiteLayout.from_settings(parse_settings({"episode_url": "{date:%Y/%m}/{slug}/",
                                                      "episode_files_url": "files/{slug}/"}))
    assert layout.episode_page(EPISODE) == "2025/11/tide/index.md"
    assert layout.episode_file(EPISODE, layout.transcript_vtt) == "files/tide/transcript.vtt"
    assert layout.episode_image(EPISODE, "a.jpg") == "files/tide/cover.jpg"
    assert layout.link(layout.episode_file(EPISODE, layout.chapters), from_page=layout.episode_page(EPISODE)) == \
        "../../../files/tide/chapters.json"


def test_the_default_is_where_episodes_always_were_and_episodes_uri_still_works():
    assert parse_settings({}).episode_url == "episodes/{slug}/"
    assert SiteLayout().episode_page(EPISODE) == "episodes/tide/index.md"
    assert parse_settings({"episodes_uri": "shows"}).episode_url == "shows/{slug}/"
    with pytest.raises(SettingsError) as raised:
        parse_settings({"episodes_uri": "shows", "episode_url": "{slug}/"})
    assert "  - episode_url and episodes_uri are both set; keep episode_url alone (episodes_uri 'shows' is " \
           "episode_url 'shows/{slug}/')" in str(raised.value)


def link_target(from_url: str, href: str) -> str:
    """The site path a relative link from the page at `from_url` leads to ('' is the home page)."""
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_url), href))
    joined = "" if joined == "." else joined
    return joined + "/" if href.endswith("/") and joined else joined


def test_related_cards_link_right_from_pages_at_any_depth_and_folder():
    """A card is shared by the pages its links are the same from, never by a page whose folder holds the
    other episode's files: here the page of the episode 'files', above everyone's files."""
    catalog = load_catalog([DATA / "episodes"], TEST_SETTINGS, root=REPO, include_drafts=False)
    first, second, third = catalog.episodes
    episodes = [replace(first, slug="files"), replace(second, image="images/a.png"), third]
    layout = SiteLayout("{slug}/", episode_files_url="files/{slug}/")
    pages = {p.src_uri: p for p in build_pages(episodes, TEST_SETTINGS, layout=layout)}
    checked = 0
    for episode in episodes:
        here = layout.episode_page_url(episode)
        tree = lxml_html.fragment_fromstring(pages[layout.episode_page(episode)].html, create_parent="main")
        for card in tree.xpath("//section[@class='gp-related']//li"):
            title = card.xpath("string(.//h3)")
            other = next(e for e in episodes if e.title == title)
            assert link_target(here, card.xpath("string(.//h3/a/@href)")) == layout.episode_page_url(other)
            image = card.xpath("string(.//img/@src)")
            assert not image or link_target(here, image) == layout.episode_image(other, other.image)
            checked += 1
    assert checked == 6


def test_a_record_keeps_each_pages_address_and_former_ones():
    entry = Published(guid="g", file="episodes/a.yaml", slug="a", title="A", date="2025-11-04", given=False,
                      audio="audio/a-0123456789.mp3", page="2025/11/a/", former=("episodes/a/",))
    assert parse_record(record_bytes({"g": entry})) == {"g": entry}
    older = b'{"format": 1, "episodes": {"g": {"file": "e/a.yaml", "slug": "a", "title": "A", "date": "2025-11-04",' \
            b' "given": false}}}'
    assert parse_record(older)["g"].page == "" and parse_record(older)["g"].former == ()


def test_a_changed_address_keeps_its_former_ones():
    catalog = load_catalog([DATA / "episodes"], TEST_SETTINGS, root=REPO, include_drafts=False)
    first, second, third = catalog.episodes
    layout, legacy = SiteLayout("{date:%Y/%m}/{slug}/"), SiteLayout()
    record = {
        first.guid: Published(first.guid, first.source_path, first.slug, first.title, "2025-12-08", False,
                              page=f"episodes/{first.slug}/"),
        # From before pages were recorded, under another slug: it was at episodes/<that slug>/.
        second.guid: Published(second.guid, second.source_path, "old-name", second.title, "2025-12-03", False,
                               former=("2024/x/",)),
        third.guid: Published(third.guid, third.source_path, third.slug, third.title, "2025-12-01", False,
                              page=layout.episode_page_url(third)),  # where it still is
    }
    former = former_addresses(catalog.episodes, record, layout=layout, legacy=legacy)
    assert former == {first.slug: (f"episodes/{first.slug}/",), second.slug: ("episodes/old-name/", "2024/x/")}
    taken = {"2024/x/index.html"}  # a page of the site is there now: it stays
    files = redirect_files(catalog.episodes, former, TEST_SETTINGS, layout=layout, taken=taken)
    assert sorted(files) == ["episodes/old-name/index.html", f"episodes/{first.slug}/index.html"]


def test_a_redirect_page_sends_visitors_on_and_search_engines_to_the_new_address():
    catalog = load_catalog([DATA / "episodes"], TEST_SETTINGS, root=REPO, include_drafts=False)
    episode = catalog.episodes[0]
    settings = replace(TEST_SETTINGS, show=replace(TEST_SETTINGS.show, site_url="https://pod.example.org/p/"))
    page = lxml_html.fromstring(render_redirect(episode, settings, from_url="episodes/x/", to_url="2025/12/x/"))
    assert page.xpath("string(//meta[@name='robots']/@content)") == "noindex"
    assert page.xpath("string(//link[@rel='canonical']/@href)") == "https://pod.example.org/p/2025/12/x/"
    assert page.xpath("string(//meta[@http-equiv='refresh']/@content)") == "0; url=../../2025/12/x/"
    assert page.xpath("//a/@href") == ["../../2025/12/x/"] and page.xpath("string(//a)") == episode.title
    assert page.get("lang") == episode.language


def test_relative_urls_are_what_posixpath_relpath_gives_for_every_kind_of_site_path():
    """The quick path of relative_url against the standard library's answer, over pages and files at every
    depth, the site's root, and paths with '.', '..' and empty parts (left to relpath)."""
    import itertools

    from site_plugins.podcast.layout import _relpath

    parts = ["", ".", "..", "a", "b", "episodes", "episodes/x", "episodes/x/y", "a/b/c", "tag/energy",
             "assets/podcast/thumbs", "a//b", "/abs", "./a", "a/..", "épisodes/中文"]
    for target, start in itertools.product(parts, repeat=2):
        target, start = target or ".", start or "."
        assert _relpath(target, start) == posixpath.relpath(target, start), (target, start)
