"""The repository's own site built with date-based addresses ('{date:%Y/%m}/{slug}/'), its episodes'
files beside their pages or apart from them: every address the build writes finds its file, former
addresses send visitors on, and a card's play button finds the chapters where the layout put them."""

from __future__ import annotations

import json
import posixpath
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree
from lxml import html as lxml_html

from site_plugins.podcast import load_catalog
from site_plugins.podcast.load.siteconfig import read_site_settings
from site_plugins.podcast.manifest import read_manifest
from site_plugins.podcast.store.record import RECORD_NAME, Published, record_bytes

from .checkers import serve
from .conftest import SiteProject, copy_site

pytestmark = pytest.mark.site

DATED = "{date:%Y/%m}/{slug}/"
SCHEMES = {"beside": "", "apart": "files/{slug}/"}
"""Where the episodes' own files go: beside their pages, or under a folder of their own."""
SITE_URL = "https://example.github.io/goose-pod/"
OLD_SLUG = "an-older-name"
GONE = "a-deleted-episode"


class DatedSite:
    def __init__(self, root: Path, files_url: str) -> None:
        copy_site(root)
        config = root / "mkdocs.yml"
        options = f'      episode_url: "{DATED}"\n' + (f'      episode_files_url: "{files_url}"\n' if files_url else "")
        config.write_text(config.read_text(encoding="utf-8").replace("  - podcast:\n", "  - podcast:\n" + options, 1),
                          encoding="utf-8")
        self.settings = read_site_settings(config)
        self.episodes = load_catalog([root / "episodes"], self.settings, root=root, include_drafts=False).episodes
        self.moved = self._published_before(root)
        second = root / self.episodes[1].source_path
        if "\nslug:" not in second.read_text(encoding="utf-8"):  # its slug was changed on purpose, by a `slug:` line
            second.write_text(second.read_text(encoding="utf-8") + f"slug: {self.episodes[1].slug}\n",
                              encoding="utf-8")
        self.project = SiteProject.__new__(SiteProject)
        self.project.root = root
        self.site = self.project.build()

    def _published_before(self, root: Path) -> dict[str, str]:
        """A publish record from before the scheme changed; returns old address -> the page it moved to."""
        first, second = self.episodes
        entries = [Published(first.guid, first.source_path, first.slug, first.title, first.date.isoformat(), False,
                             page=f"episodes/{first.slug}/"),
                   # Recorded before pages were, under the slug it had then; and at an address before that.
                   Published(second.guid, second.source_path, OLD_SLUG, second.title, second.date.isoformat(), False,
                             former=(f"2024/old/{second.slug}/",)),
                   # An episode published, then deleted: its file is gone.
                   Published("gone-guid", "episodes/gone.yaml", GONE, "一期已下架的节目", "2025-01-02", False,
                             page=f"episodes/{GONE}/")]
        (root / "audio").mkdir()
        (root / "audio" / RECORD_NAME).write_bytes(record_bytes({e.guid: e for e in entries}))
        return {f"episodes/{first.slug}/": page_of(first), f"episodes/{OLD_SLUG}/": page_of(second),
                f"2024/old/{second.slug}/": page_of(second)}


def page_of(episode) -> str:
    """Where the pattern puts an episode's page, worked out here rather than by the layout."""
    return f"{episode.date:%Y/%m}/{episode.slug}/"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    built: dict[str, DatedSite] = {}

    def site(scheme: str) -> DatedSite:
        if scheme not in built:
            built[scheme] = DatedSite(tmp_path_factory.mktemp(scheme), SCHEMES[scheme])
        return built[scheme]

    return site


@pytest.fixture(params=SCHEMES)
def dated(sites, request) -> DatedSite:
    return sites(request.param)


def target(from_url: str, href: str) -> str:
    """The site path (a page's URL, or a file) that a link on the page at `from_url` leads to."""
    if href.startswith(SITE_URL):
        return unquote(href[len(SITE_URL):])
    assert not urlsplit(href).scheme and not href.startswith("/"), f"{href} on {from_url} is not relative"
    path = unquote(urlsplit(href).path)
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_url), path))
    joined = "" if joined == "." else joined
    return joined + "/" if path.endswith("/") and joined else joined


def assert_exists(site: Path, path: str, where: str) -> Path:
    file = site / (path + "index.html" if path.endswith("/") or not path else path)
    assert file.is_file(), f"{where} links to {path}, which the site does not have"
    return file


def page_tree(site: Path, url: str):
    return lxml_html.fromstring(assert_exists(site, url, "the test").read_bytes())


def listing_urls(site: Path) -> list[str]:
    """The home page and every tag and category page."""
    folders = [p for kind in ("tag", "category") for p in (site / kind).iterdir() if p.is_dir()]
    assert len(folders) >= 3
    return ["", *sorted(p.relative_to(site).as_posix() + "/" for p in folders)]


def test_episode_pages_are_where_the_pattern_puts_them_with_their_files(dated):
    site = dated.site
    assert sorted(p.relative_to(site).as_posix() for p in site.glob("2025/*/*/index.html")) == \
        sorted(page_of(e) + "index.html" for e in dated.episodes)
    assert not (site / "episodes").exists() or {p.name for p in (site / "episodes").iterdir()} == \
        {dated.episodes[0].slug, OLD_SLUG, GONE}, "only the redirects and the removal page are left under episodes/"
    for episode in dated.episodes:
        url = page_of(episode)
        tree = page_tree(site, url)
        player = tree.xpath("//div[@id='gp-player']")[0]
        links = [*tree.xpath("//audio/@src"), *tree.xpath("//details[@class='gp-files-menu']//a/@href"),
                 *tree.xpath("//img[@class='gp-cover']/@src"), player.get("data-chapters-url")]
        assert len(links) == 5, links
        for href in links:
            assert_exists(site, target(url, href), url)
        chapters = target(url, player.get("data-chapters-url"))
        assert chapters.endswith("/chapters.json") and json.loads((site / chapters).read_text())["chapters"]
        beside = posixpath.dirname(chapters) + "/" == url
        assert beside == (not dated.settings.episode_files_url), chapters


def test_the_feeds_enclosures_transcripts_chapters_and_images_exist(dated):
    feed = etree.parse(str(dated.site / "feed.xml"))
    items = feed.findall("channel/item")
    assert len(items) == len(dated.episodes)
    urls = [u for item in items for u in (
        item.findtext("link"), item.find("enclosure").get("url"),
        *item.xpath("*[local-name()='transcript' or local-name()='chapters']/@url"),
        *item.xpath("*[local-name()='image']/@href"))]
    assert len(urls) == 2 * 5 + 1, "page, audio, two transcripts and chapters of each; one episode's own cover"
    for url in urls:
        assert url.startswith(SITE_URL), url
        assert_exists(dated.site, target("", url), "the feed")
    assert sorted(item.findtext("link") for item in items) == sorted(SITE_URL + page_of(e) for e in dated.episodes)


def test_every_card_on_listing_and_episode_pages_points_at_what_exists(dated):
    site, checked = dated.site, 0
    for url in [*listing_urls(site), *(page_of(e) for e in dated.episodes)]:
        for card in page_tree(site, url).xpath("//li[contains(@class, 'gp-card')]"):
            play = json.loads(card.xpath("string(.//a[@class='gp-card-play']/@data-podcast-play)"))
            assert play["chaptersUrl"], f"a card on {url} has no chapters address"
            links = [*card.xpath(".//a/@href"), *card.xpath(".//img/@src"),
                     *(play[key] for key in ("src", "url", "image", "chaptersUrl", "thumb") if key in play)]
            for href in links:
                assert_exists(site, target(url, href), f"a card on {url}")
            assert target(url, play["chaptersUrl"]).endswith("/chapters.json")
            checked += 1
    assert checked >= len(listing_urls(site)) + len(dated.episodes), "each listing and episode page has a card"


def test_the_search_index_and_the_404_page_point_at_pages_that_exist(dated):
    site = dated.site
    pages = [json.loads(p.read_text(encoding="utf-8"))["url"] for p in (site / "search-index/p").glob("*.json")]
    assert {page_of(e) for e in dated.episodes} <= set(pages)
    for url in pages:
        assert_exists(site, url, "the search index")
    missing = lxml_html.fromstring((site / "404.html").read_bytes())
    latest = missing.xpath("//ul[@class='gp-not-found__latest']//a/@href")
    assert sorted(latest) == sorted(urlsplit(SITE_URL).path + page_of(e) for e in dated.episodes)
    for href in latest:
        assert_exists(site, href[len(urlsplit(SITE_URL).path):], "the 404 page")


def test_former_addresses_send_visitors_on_to_the_pages_as_they_are_now(dated):
    for old, new in dated.moved.items():
        page = page_tree(dated.site, old)
        assert page.xpath("string(//meta[@name='robots']/@content)") == "noindex"
        assert page.xpath("string(//link[@rel='canonical']/@href)") == SITE_URL + new
        refresh = page.xpath("string(//meta[@http-equiv='refresh']/@content)")
        assert refresh.startswith("0; url=") and target(old, refresh[len("0; url="):]) == new
        assert [target(old, href) for href in page.xpath("//a/@href")] == [new]
    sitemap = (dated.site / "sitemap.xml").read_text(encoding="utf-8")
    assert not [old for old in dated.moved if SITE_URL + old in sitemap], "former addresses are not listed"


def test_publishing_records_each_pages_address_and_the_former_ones(dated):
    first, second = dated.episodes
    published = {entry.slug: entry for entry in read_manifest(dated.project.root, dated.settings).published()}
    assert published[first.slug].page == page_of(first)
    assert published[first.slug].former == (f"episodes/{first.slug}/",)
    assert published[second.slug].former == (f"episodes/{OLD_SLUG}/", f"2024/old/{second.slug}/")


def test_a_cards_play_button_reads_the_chapters_where_the_layout_put_them(sites, browser):
    """On the home page, the first card's episode plays in the bar, which names the chapter being spoken,
    from the chapters file that the card's data names (chaptersUrl): not beside the episode's page here."""
    dated = sites("apart")
    with serve(dated.site) as base:
        page = browser.new_page()
        page.set_default_timeout(15_000)
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(base)
        button = page.locator(".gp-card-play").first
        play = json.loads(button.get_attribute("data-podcast-play"))
        chapters = json.loads((dated.site / target("", play["chaptersUrl"])).read_text(encoding="utf-8"))
        first_chapter = chapters["chapters"][0]["title"]
        assert not (dated.site / target("", play["url"]) / "chapters.json").exists(), "not beside the page"
        button.click()
        page.wait_for_function("!document.querySelector('audio.gp-audio').paused")
        page.wait_for_function("name => document.querySelector('.gp-bar__section').textContent === name",
                               arg=first_chapter)
        assert base + target("", play["chaptersUrl"]) in requested
        assert errors == []
        page.close()


def test_a_deleted_episodes_address_says_it_was_removed_and_offers_the_latest(dated):
    url = f"episodes/{GONE}/"
    page = page_tree(dated.site, url)
    assert page.xpath("string(//h1)") == "一期已下架的节目"
    assert "本期节目已下架" in page.xpath("string(//p)")
    assert page.xpath("string(//meta[@name='robots']/@content)") == "noindex"
    latest = [target(url, href) for href in page.xpath("//ul//a/@href")]
    assert latest == [page_of(e) for e in sorted(dated.episodes, key=lambda e: e.published, reverse=True)]
    for path in latest:
        assert_exists(dated.site, path, "the removal page")
    assert SITE_URL + url not in (dated.site / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.browser
def test_a_renamed_slugs_old_address_takes_a_visitor_to_the_page_and_a_deleted_one_says_so(sites, browser):
    dated = sites("beside")
    second = dated.episodes[1]
    with serve(dated.site) as base:
        page = browser.new_page()
        page.set_default_timeout(15_000)
        page.goto(f"{base}episodes/{OLD_SLUG}/")
        page.wait_for_url(base + page_of(second))
        assert page.locator("h1").first.inner_text() == second.title
        page.goto(f"{base}episodes/{GONE}/")
        assert "本期节目已下架" in page.locator("p").first.inner_text()
        page.locator("ul a").first.click()
        page.wait_for_url(base + page_of(sorted(dated.episodes, key=lambda e: e.published)[-1]))
        page.close()
