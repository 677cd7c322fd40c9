"""Pages look like a podcast: cover art, cards with their length and a play control, subscribe buttons, and the
transcript's files named in plain words."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import html as lxml_html

from site_plugins.podcast import build_pages, load_catalog
from site_plugins.podcast.load.settings import parse_settings
from site_plugins.podcast.model import EpisodeAudio, TurnSpan
from site_plugins.podcast.render.i18n import labels_for
from site_plugins.podcast.render.transcripts import clock

from .conftest import DATA, REPO, TEST_SETTINGS

pytestmark = pytest.mark.unit

SITE = "https://pod.example.org/some/prefix/"
"""Where the site is served: links must work under any prefix."""
SETTINGS = replace(TEST_SETTINGS, show=parse_settings({}, site_name="Test Pod", site_url=SITE).show)


def made_audio(episodes) -> dict[str, EpisodeAudio]:
    """What a build's audio stage reports for each episode: its MP3's address and length, one span per turn."""
    audio = {}
    for number, episode in enumerate(episodes):
        spans = tuple(TurnSpan(key=str(n), offset=0, length=1, start=n * 2.0, end=n * 2.0 + 2)
                      for n in range(len(episode.turns)))
        audio[episode.slug] = EpisodeAudio(path=Path(f"{episode.slug}.mp3"), uri=f"audio/{episode.slug}.mp3",
                                           size=1000, duration=125.0 + number, turns=spans, chapters=(),
                                           publishable=True)
    return audio


@pytest.fixture(scope="module")
def catalog():
    found = load_catalog([DATA / "episodes"], TEST_SETTINGS, root=REPO, include_drafts=False)
    assert found.problems == ()
    return found.episodes


def render(catalog, settings=SETTINGS):
    pages = build_pages(catalog, settings, audio=made_audio(catalog), cover_uri="cover.png")
    return {page.src_uri: page for page in pages}


def tree_of(page) -> lxml_html.HtmlElement:
    return lxml_html.fragment_fromstring(page.html, create_parent="main")


def address(page_uri: str, href: str) -> str:
    """A link of the page at `page_uri` as the site-relative address a browser follows."""
    page_url = page_uri.removesuffix("index.md")
    return urljoin(SITE + page_url, href).removeprefix(SITE)


@pytest.mark.parametrize("page_uri", ["index.md", "episodes/why-russia-came-to-the-table/index.md",
                                      "tag/zhi-cai/index.md"])
def test_every_card_shows_its_length_and_a_play_control_the_player_reads(catalog, page_uri):
    pages = render(catalog)
    by_title = {e.title: e for e in catalog}
    audio = made_audio(catalog)
    cards = tree_of(pages[page_uri]).xpath("//li[contains(@class, 'gp-card')]")
    assert cards
    for card in cards:
        episode = by_title[card.xpath("string(.//*[@class='gp-card-title']/a)")]
        page_url = f"episodes/{episode.slug}/"
        assert clock(audio[episode.slug].duration) in card.xpath("string(.//*[@class='gp-card-duration'])")
        [play] = card.xpath(".//a[@class='gp-card-play']")
        assert address(page_uri, play.get("href")) == page_url
        assert play.get("aria-label") == f"{labels_for(episode.language)['play']} {episode.title}"
        data = json.loads(play.get("data-podcast-play"))
        assert list(data) in (["src", "title", "url", "image", "show", "chaptersUrl"],
                              ["src", "title", "url", "image", "show", "chaptersUrl", "next"],
                              ["src", "title", "url", "image", "show", "chaptersUrl", "thumb"],
                              ["src", "title", "url", "image", "show", "chaptersUrl", "thumb", "next"])
        newer = [e for e in catalog if e.published > episode.published]
        if "next" in data:  # the next newer episode, for "up next": itself without a next of its own
            later = min(newer, key=lambda e: e.published)
            assert data["next"]["title"] == later.title and "next" not in data["next"]
            assert address(page_uri, data["next"]["src"]) == f"audio/{later.slug}.mp3"
        else:
            assert not newer, "only the newest episode has none"
        assert address(page_uri, data["chaptersUrl"]) == page_url + "chapters.json"
        assert address(page_uri, data["src"]) == f"audio/{episode.slug}.mp3"
        assert address(page_uri, data["url"]) == page_url
        assert address(page_uri, data["image"]) == "cover.png"
        assert (data["title"], data["show"]) == (episode.title, "Test Pod")
        assert address(page_uri, card.xpath("string(.//img[@class='gp-card-cover']/@src)")) == "cover.png"


def test_the_play_data_is_json_escaped_for_its_attribute(catalog):
    tricky = replace(catalog[0], title='Quotes " and <tags> & \'apostrophes\'')
    pages = render([tricky, *catalog[1:]])
    play = tree_of(pages["index.md"]).xpath("//a[@class='gp-card-play']")[0]
    assert json.loads(play.get("data-podcast-play"))["title"] == tricky.title
    assert "data-podcast-play=\"{&#34;src&#34;" in pages["index.md"].html


@pytest.mark.site  # the sample site's build
def test_an_episodes_own_image_is_published_beside_its_page_and_shown(sample_site):
    site = sample_site.root / "site"
    source = REPO / "episodes/images/tidal-power-pilot.png"
    assert (site / "episodes/tidal-power-pilot/cover.png").read_bytes() == source.read_bytes()
    own = lxml_html.fromstring(sample_site.page("episodes/tidal-power-pilot"))
    assert own.xpath("string(//div[@id='gp-player']/@data-image)") == "cover.png", "the bar shows it whole"
    tides = thumbnails_shown(own, "//header//img[@class='gp-cover']", site, "episodes/tidal-power-pilot/")
    other = lxml_html.fromstring(sample_site.page("episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye"))
    show = thumbnails_shown(other, "//header//img[@class='gp-cover']", site,
                            "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/")
    assert tides != show and (site / "cover.png").is_file()
    home = lxml_html.fromstring(sample_site.page(""))
    assert thumbnails_shown(home, "//img[@class='gp-show-cover']", site, "") == show
    cards = home.xpath("//img[@class='gp-card-cover']")
    assert [thumbnails_shown(card, ".", site, "") for card in cards] == [tides, show]


def thumbnails_shown(tree, path: str, site, page_url: str) -> tuple[str, ...]:
    """The thumbnails an <img> offers (all published, 96, 192 and 384 px wide JPEGs of one picture), by name."""
    from PIL import Image

    [img] = tree.xpath(path)
    offered = [item.rsplit(" ", 1) for item in img.get("srcset").split(", ")]
    assert [width for _, width in offered] == ["96w", "192w", "384w"]
    names = []
    for href, width in offered:
        published = site / address(page_url + "index.md", href)
        with Image.open(published) as picture:
            assert picture.format == "JPEG" and picture.width == int(width[:-1]), href
        names.append(published.name.rsplit("-", 1)[0])
    assert len(set(names)) == 1 and img.get("src") in [href for href, _ in offered]
    return tuple(names)


def test_subscribe_shows_the_configured_directories_in_their_order_and_the_feed_for_other_apps(catalog):
    links = {"spotify": "https://open.spotify.com/show/x", "Fountain": "https://fountain.fm/show/x",
             "apple_podcasts": "https://podcasts.apple.com/podcast/id1", "Pocket Casts": "https://pca.st/x"}
    show = parse_settings({"links": links}, site_name="Test Pod", site_url=SITE).show
    pages = render(catalog, replace(SETTINGS, show=show))
    for uri in ("index.md", "episodes/another-episode/index.md"):
        box = tree_of(pages[uri]).xpath("//section[@class='gp-subscribe']")[0]
        assert [(a.text, a.get("href")) for a in box.xpath(".//a[contains(@class, 'gp-sub-link')]")] == [
            ("Apple Podcasts", links["apple_podcasts"]), ("Spotify", links["spotify"]),
            ("Pocket Casts", links["Pocket Casts"]), ("Fountain", links["Fountain"]), ("RSS", SITE + "feed.xml")]
        assert box.xpath("string(.//input[@id='gp-feed-url']/@value)") == SITE + "feed.xml"
        assert box.xpath("string(.//label[@for='gp-feed-url'])") == "其他应用"
        assert "粘贴这个地址" in box.xpath("string(.//p[@class='gp-feed-help'])")
    plain = tree_of(render(catalog)["index.md"])
    assert plain.xpath("//a[contains(@class, 'gp-sub-link')]/text()") == ["RSS"], "only configured ones"


def test_the_transcripts_files_are_named_in_plain_words_behind_a_menu(catalog):
    page = render(catalog)["episodes/why-russia-came-to-the-table/index.md"]
    files = tree_of(page).xpath("//div[@class='gp-files']")[0]
    assert files.xpath("string(.//a[@class='gp-download'])") == "下载 MP3"
    menu = files.xpath("details[@class='gp-files-menu']")[0]
    assert menu.xpath("string(summary)") == "文件"
    assert [(a.text, a.get("href")) for a in menu.xpath(".//a")] == [("字幕", "transcript.vtt"),
                                                                      ("章节", "chapters.json")]
    assert "WebVTT" not in page.html and "JSON<" not in page.html
