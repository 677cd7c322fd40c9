"""Episode pages carry every part of the reference page, in the author's order, escaped."""

from __future__ import annotations

import pytest
from lxml import html as lxml_html

from site_plugins.podcast import build_pages, load_catalog

from .conftest import DATA, REPO, TEST_SETTINGS, UPDATE_GOLDEN

pytestmark = pytest.mark.unit

EPISODES = DATA / "episodes"
GOLDEN = DATA / "golden"


@pytest.fixture(scope="module")
def pages():
    catalog = load_catalog([EPISODES], TEST_SETTINGS, root=REPO, include_drafts=False)
    assert catalog.problems == ()
    return {page.src_uri: page for page in build_pages(catalog.episodes, TEST_SETTINGS)}


def body(page) -> lxml_html.HtmlElement:
    """The HTML block of a generated Markdown page (after its front matter)."""
    return lxml_html.fragment_fromstring(page.html, create_parent="main")


def texts(tree, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in tree.xpath(xpath)]


def test_every_turn_in_order_under_its_section_and_speaker(pages):
    tree = body(pages["episodes/why-russia-came-to-the-table/index.md"])
    sections = tree.xpath("//section[@class='gp-section']")
    assert [s.xpath("string(h3)") for s in sections] == ["Intro", "Core Event", "Conclusion"]
    turns = [[(t.xpath("string(p[@class='gp-speaker'])"), t.xpath("string(p[@class='gp-text'])"))
              for t in s.xpath("div[contains(@class, 'gp-turn')]")] for s in sections]
    assert turns == [
        [("卿姐", "亲爱的蕭睿，早上好。我是卿姐。"), ("晓旭", "我是晓旭。今天我们谈谈谈判桌。")],
        [("卿姐", "就如同古人所说，兵马未动，粮草先行。"), ("晓旭", "G7对钻石的禁令影响很大。")],
        [("卿姐", "今天就到这里，请看原文。")],
    ]
    ids = tree.xpath("//div[contains(@class, 'gp-turn')]/@id")
    assert ids == ["t1", "t2", "t3", "t4", "t5"]


def test_hosts_are_visually_distinct(pages):
    tree = body(pages["episodes/why-russia-came-to-the-table/index.md"])
    classes = {t.xpath("string(p[@class='gp-speaker'])"): t.get("class")
               for t in tree.xpath("//div[contains(@class, 'gp-turn')]")}
    assert classes == {"卿姐": "gp-turn gp-voice-1", "晓旭": "gp-turn gp-voice-2"}


def test_header_summary_article_analysis(pages):
    tree = body(pages["episodes/why-russia-came-to-the-table/index.md"])
    assert texts(tree, "//h1") == ["俄罗斯为何走上谈判桌?"]
    assert texts(tree, "//header//p[@class='gp-meta']") == ["2025-12-08 · Business"]
    assert texts(tree, "//p[@class='gp-listener']") == ["专属于蕭睿"]
    assert tree.xpath("//ul[@class='gp-hosts']/li/text()") == ["卿姐", "晓旭"]
    assert tree.xpath("//div[@id='gp-player']"), "the player's slot is on the page"
    assert texts(tree, "//section[@class='gp-summary']/p") == ["严峻的经济压力与持续的制裁。"]
    assert tree.xpath("//section[@class='gp-summary']/p/em/text()") == ["持续的制裁"]
    article = tree.xpath("//section[@class='gp-article']")[0]
    assert texts(article, "p[@class='gp-article-title']") == ["Why Russia has come to the table"]
    assert article.xpath("string(.//a[@class='gp-read-original']/@href)") == "https://news.example.com/russia-table"
    assert texts(article, "div[@class='gp-article-text']/p") == [
        "First paragraph of the article, written over two lines.", "Second paragraph.",
        "Third & last paragraph <b>with a tag</b>."]
    aspects = texts(tree, "//section[@class='gp-aspect']/h3")
    assert aspects == ["Core Event", "Background", "Conflict", "Impact", "Future", "Related Info"]
    assert texts(tree, "//section[h3='Background']//ul/li") == ["2014年的制裁", "2022年的全面制裁"]


def test_related_puts_the_editors_pick_first(pages):
    tree = body(pages["episodes/why-russia-came-to-the-table/index.md"])
    assert texts(tree, "//section[@class='gp-related']//h3") == ["另一期节目", "能源与制裁的新一轮博弈"]
    links = tree.xpath("//section[@class='gp-related']//h3/a/@href")
    assert links == ["../another-episode/", "../neng-yuan-yu-zhi-cai-de-xin-yi-lun-bo-yi/"]


def test_site_pages_exist_and_only_index_pages_go_in_the_nav(pages):
    in_nav = sorted(uri for uri, page in pages.items() if page.in_nav)
    assert in_nav == ["archive/index.md", "category/index.md", "index.md", "tag/index.md"]
    assert {"category/business/index.md", "category/society/index.md", "tag/zhi-cai/index.md"} <= set(pages)
    archive = body(pages["archive/index.md"])
    assert texts(archive, "//h2") == ["2025年12月"]
    assert texts(archive, "//li//h3/a") == ["俄罗斯为何走上谈判桌?", "能源与制裁的新一轮博弈", "另一期节目"]
    assert not archive.xpath("//*[@class='gp-excerpt']"), "compact cards: no excerpts"


def test_episode_page_golden(pages):
    """The whole generated document, so any change to the markup is seen in review."""
    produced = pages["episodes/why-russia-came-to-the-table/index.md"].document
    golden = GOLDEN / "why-russia-came-to-the-table.md"
    if UPDATE_GOLDEN:
        golden.write_text(produced, encoding="utf-8")
    assert produced == golden.read_text(encoding="utf-8")


def test_home_pages_paginate(pages):
    from dataclasses import replace

    catalog = load_catalog([EPISODES], TEST_SETTINGS, root=REPO, include_drafts=False)
    paged = {p.src_uri: p for p in build_pages(catalog.episodes, replace(TEST_SETTINGS, per_page=2))}
    assert {"index.md", "page/2/index.md"} <= set(paged) and "page/3/index.md" not in paged
    first, second = body(paged["index.md"]), body(paged["page/2/index.md"])
    assert first.xpath("//a[@rel='next']/@href") == ["page/2/"]
    assert second.xpath("//a[@rel='prev']/@href") == ["../../"]
    assert texts(second, "//nav[@class='gp-pagination']/span") == ["第 2 页，共 2 页"]


def test_tags_that_make_the_same_url_name_get_their_own_pages():
    from dataclasses import replace

    catalog = load_catalog([EPISODES], TEST_SETTINGS, root=REPO, include_drafts=False)
    first, second, *rest = catalog.episodes
    episodes = [replace(first, tags=("C++",), category="C#"), replace(second, tags=("C", "c"), category="C"), *rest]
    pages = {p.src_uri: p for p in build_pages(episodes, TEST_SETTINGS)}
    assert texts(body(pages["tag/c/index.md"]), "//h1") == ["标签：C"]
    assert texts(body(pages["tag/c-2/index.md"]), "//h1") == ["标签：C++"]
    assert texts(body(pages["category/c-2/index.md"]), "//h1") == ["分类：C#"]
    assert body(pages[f"episodes/{first.slug}/index.md"]).xpath("//ul[@class='gp-tags']//a/@href") == [
        "../../tag/c-2/"]


def test_the_sample_sites_pages_golden():
    """Every generated page of the repository's own site, as the core renders it (without audio, whose bytes
    the offline voice varies): a restructuring must leave them byte-identical."""
    from site_plugins.podcast.load.show import site_cover
    from site_plugins.podcast.load.siteconfig import read_site_settings

    settings = read_site_settings(REPO / "mkdocs.yml")
    catalog = load_catalog([REPO / "episodes"], settings, root=REPO, include_drafts=False)
    folder = GOLDEN / "sample-site"
    cover = site_cover(REPO, settings.cover)
    produced = {page.src_uri.replace("/", "__"): page.document
                for page in build_pages(catalog.episodes, settings, cover_uri=cover.uri if cover else "")}
    if UPDATE_GOLDEN:
        for old in folder.glob("*.md"):
            old.unlink()
        folder.mkdir(exist_ok=True)
        for name, text in produced.items():
            (folder / name).write_text(text, encoding="utf-8")
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(produced)
    for name, text in produced.items():
        assert text == (folder / name).read_text(encoding="utf-8"), name
