"""Every label follows the language of what it labels; parts in another language say so; excerpts end cleanly."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from site_plugins.podcast.markup import cut_text, plain_text

pytestmark = pytest.mark.unit

TIDES = "episodes/tidal-power-pilot"
LIBRARIES = "episodes/qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye"


def episode_part(sample_site, uri: str) -> lxml_html.HtmlElement:
    return lxml_html.fromstring(sample_site.page(uri)).xpath("//div[contains(@class, 'gp-episode')]")[0]


def words(element) -> str:
    return " ".join(element.text_content().split())


@pytest.mark.site  # the sample site's build
def test_an_english_episode_on_a_chinese_site_is_labelled_in_english(sample_site):
    page = episode_part(sample_site, TIDES)
    assert page.get("lang") == "en"
    assert words(page.xpath(".//a[@class='gp-download']")[0]) == "Download MP3"
    assert [words(h) for h in page.xpath(".//h2")] == ["Transcript", "Summary", "Original article", "Analysis",
                                                        "Subscribe", "Related Podcasts"]
    assert words(page.xpath(".//details[@class='gp-toc']/summary")[0]) == "Contents"
    assert words(page.xpath(".//details[@class='gp-files-menu']/summary")[0]) == "Files"
    assert [words(a) for a in page.xpath(".//details[@class='gp-files-menu']//a")] == ["Subtitles", "Chapters"]
    assert page.xpath("string(.//ul[@class='gp-hosts']/@aria-label)") == "Hosts"
    assert words(page.xpath(".//a[@class='gp-read-original']")[0]) == "Read original"
    for card in page.xpath(".//section[@class='gp-related']//li"):  # each card speaks its own episode's language
        card.drop_tree()
    assert not re.search(r"[\u4e00-\u9fff]", " ".join(page.xpath(".//h2//text() | .//summary//text() | "
                                                                  ".//@aria-label | .//label//text()"))), \
        "no Chinese label on an English episode's page"
    chinese = episode_part(sample_site, LIBRARIES)
    assert words(chinese.xpath(".//a[@class='gp-download']")[0]) == "下载 MP3"


@pytest.mark.site  # the sample site's build
def test_cards_are_labelled_in_their_episodes_language(sample_site):
    home = lxml_html.fromstring(sample_site.page(""))
    cards = {card.get("lang"): card for card in home.xpath("//li[contains(@class, 'gp-card')]")}
    assert words(cards["en"].xpath(".//a[@class='gp-card-play']")[0]) == "▶ Play"
    assert cards["en"].xpath("string(.//span[@class='gp-card-duration'])").startswith("Length ")
    assert words(cards["zh-CN"].xpath(".//a[@class='gp-card-play']")[0]) == "▶ 播放"
    assert cards["zh-CN"].xpath("string(.//span[@class='gp-card-duration'])").startswith("时长 ")


@pytest.mark.site  # the sample site's build
def test_parts_in_another_language_than_the_page_carry_lang(sample_site):
    chinese = episode_part(sample_site, LIBRARIES)
    assert chinese.xpath("string(.//p[@class='gp-article-title']/@lang)") == "en"
    assert chinese.xpath("string(.//div[@class='gp-article-text']/@lang)") == "en"
    assert chinese.xpath(".//h3[@id='s-core-event']/@lang") == ["en"], "section names written in English"
    assert chinese.xpath(".//section[@class='gp-summary']/@lang | .//section[@class='gp-summary']//*/@lang") == []
    english = episode_part(sample_site, TIDES)
    assert english.xpath(".//div[@class='gp-article-text']/@lang | .//h3/@lang") == [], "English on an English page"


@pytest.mark.site  # the sample site's build
def test_the_404_page_speaks_the_sites_language_and_offers_search_and_the_latest(sample_site):
    page = lxml_html.fromstring((sample_site.root / "site/404.html").read_text(encoding="utf-8"))
    assert "404 - Not found" not in page.text_content()
    content = page.xpath("//div[contains(@class, 'gp-not-found')]")[0]
    assert words(content.xpath("h1")[0]) == "找不到这个页面"
    assert content.xpath("string(.//form/@action)") == "/goose-pod/search/", "absolute: served at any depth"
    assert content.xpath(".//form//input[@name='q']")
    assert content.xpath(".//ul[@class='gp-not-found__latest']//a/@href") == [
        "/goose-pod/episodes/tidal-power-pilot/", f"/goose-pod/{LIBRARIES}/"]
    assert page.xpath("string(//header//form[@role='search']/@action)") == "/goose-pod/search/"


SUMMARY = ("Two small turbines in the channel off Port Alder produced 1.6 gigawatt-hours in their first year, "
           "more than expected and enough for about 550 homes, with output that matched the tide tables.")


@pytest.mark.parametrize("limit", range(12, len(SUMMARY)))
def test_an_english_excerpt_never_ends_inside_a_word(limit):
    cut = cut_text(SUMMARY, limit)
    kept = cut.removesuffix("…")
    assert len(cut) <= limit and SUMMARY.startswith(kept)
    assert not (SUMMARY[len(kept) - 1].isalnum() and SUMMARY[len(kept)].isalnum()), cut


def test_an_excerpt_ends_after_a_sentence_when_one_ends_late_enough():
    text = "青溪市用六个月的试点，让三家公共图书馆开放到午夜。吸引了14.8万夜间到馆人次，其中不少是轮班工人。"
    assert plain_text(text, limit=40) == "青溪市用六个月的试点，让三家公共图书馆开放到午夜。"
    assert plain_text("One. " + "word " * 30, limit=40).endswith("word…")
