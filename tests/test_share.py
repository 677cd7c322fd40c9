"""Shared links preview well: the home page describes the podcast, and every page names its picture and language."""

from __future__ import annotations

import json

import pytest
from lxml import html as lxml_html

pytestmark = pytest.mark.site

SITE = "https://example.github.io/goose-pod/"


def head_of(path) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(path.read_text(encoding="utf-8")).xpath("//head")[0]


def meta(head, name: str) -> list[str]:
    return head.xpath(f"meta[@property='{name}' or @name='{name}']/@content")


def test_the_home_page_describes_the_podcast_series(sample_site):
    head = head_of(sample_site.root / "site/index.html")
    [data] = [json.loads(s) for s in head.xpath("script[@type='application/ld+json']/text()")]
    assert data["@type"] == "PodcastSeries"
    assert (data["name"], data["url"], data["webFeed"]) == ("Goose Pod", SITE, SITE + "feed.xml")
    assert data["image"] == SITE + "cover.png" and data["inLanguage"] == "zh"
    assert (meta(head, "og:type"), meta(head, "og:title"), meta(head, "og:url")) == (["website"], ["Goose Pod"], [SITE])
    assert meta(head, "og:description") == [data["description"]] and data["description"]


def test_every_page_has_a_card_a_described_picture_and_a_locale(sample_site):
    site = sample_site.root / "site"
    # The embed page goes into other sites' <iframe>s, not into shares: it carries no card (and says noindex).
    pages = [p for p in site.rglob("*.html") if p.name not in ("404.html", "embed.html")]
    assert len(pages) > 10
    for page in pages:
        head = head_of(page)
        where = page.relative_to(site)
        assert meta(head, "twitter:card") == ["summary"], where
        assert len(meta(head, "og:locale")) == 1, where
        assert len(meta(head, "og:image")) == 1 and meta(head, "og:image")[0].startswith(SITE), where
        assert len(meta(head, "og:image:alt")) == 1 and meta(head, "og:image:alt")[0], where


def test_an_episode_shares_its_own_picture_and_language(sample_site):
    tides = head_of(sample_site.root / "site/episodes/tidal-power-pilot/index.html")
    assert meta(tides, "og:image") == [SITE + "episodes/tidal-power-pilot/cover.png"]
    assert meta(tides, "og:image:alt") == ["Can a Fishing Town Run on the Tide?"]
    assert meta(tides, "og:locale") == ["en_US"]
    [episode] = [json.loads(s) for s in tides.xpath("script[@type='application/ld+json']/text()")]
    assert episode["image"] == SITE + "episodes/tidal-power-pilot/cover.png"
    libraries = head_of(sample_site.root / "site/episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye/index.html")
    assert meta(libraries, "og:image") == [SITE + "cover.png"] and meta(libraries, "og:image:alt") == ["Goose Pod"]
    assert meta(libraries, "og:locale") == ["zh_CN"]
    assert meta(head_of(sample_site.root / "site/about/index.html"), "og:locale") == ["zh_CN"]
