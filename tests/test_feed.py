"""The feed, read back by Podcast Index's parser (podcast-partytime), by feedparser, and by XPath."""

from __future__ import annotations

import json
import re
import subprocess
import uuid
from dataclasses import replace
from email.utils import parsedate_to_datetime

import feedparser
import pytest
from lxml import etree
from lxml import html as lxml_html

from .checkers import NODE_MODULES, require
from .conftest import REPO, SiteProject, site_mp3, square_png
from .test_audio import SAY, script_episode

pytestmark = pytest.mark.unit

NS = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd", "podcast": "https://podcastindex.org/namespace/1.0"}
SHOW = """
      title: Test Pod
      author: The Test Team
      owner_name: Ada Owner
      owner_email: owner@pod.example.org
      category: News > Politics
      explicit: false
      show_type: episodic
      cover: cover.png
      links:
        Apple Podcasts: https://podcasts.apple.com/podcast/id1
        Spotify: https://open.spotify.com/show/x"""
HOSTILE_TITLE = 'A & B <b>bold</b> "quotes" \x07bell 🎙️ שלום עולם \u202eRLO'
HOSTILE_CLEAN = HOSTILE_TITLE.replace("\x07", "")


def yaml_quote(text: str) -> str:
    """A YAML double-quoted scalar; control characters as escapes, which YAML allows there."""
    return '"' + "".join(f"\\x{ord(c):02x}" if ord(c) < 32 else c.replace("\\", "\\\\").replace('"', '\\"')
                         for c in text) + '"'


def show_project(root, show: str) -> SiteProject:
    """A project whose plugin settings gain `show` (indented option lines), with a 1400 px cover.png."""
    project = SiteProject(root)
    (project.root / "cover.png").write_bytes(square_png(1400))
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("tts: espeak", "tts: espeak" + show),
                      encoding="utf-8")
    return project


@pytest.fixture(scope="module")
def feed_site(tmp_path_factory):
    project = show_project(tmp_path_factory.mktemp("feed") / "pod", SHOW)
    project.add_episode("one.yaml", script_episode("one", SAY[:4]).replace("date: 2025-12-08", "date: 2025-12-01"))
    project.add_episode("two.yaml", script_episode("two", SAY[4:]) + "episode: 2\nseason: 1\nai_generated: true\n"
                        "source:\n  url: https://news.example.com/a?x=1&y=2\n  title: Some <article>\n"
                        "  publisher: Example News\n")
    project.add_episode("draft.yaml", script_episode("draft", SAY[:2]) + "draft: true\n")
    project.add_episode("hostile.yaml", script_episode("hostile", SAY[:2]).replace(
        "title: hostile", f"title: {yaml_quote(HOSTILE_TITLE)}").replace(
        "summary: 关于能源的一期。", f"summary: {yaml_quote(HOSTILE_TITLE)}"))
    site = project.build(strict=False)  # the bell is warned about (a strict build stops) and removed
    return project, site


def partytime(path) -> dict:
    require("node", NODE_MODULES / "podcast-partytime")
    result = subprocess.run(["node", str(REPO / "tests/parse_feed.cjs"), str(path)], capture_output=True, text=True,
                            check=True)
    return json.loads(result.stdout)


def test_podcast_index_parser_reads_every_episode(feed_site):
    project, site = feed_site
    feed = partytime(site / "feed.xml")
    report = project.plugin.output.audio
    assert feed["title"] == "Test Pod" and feed["guid"] == str(
        uuid.uuid5(uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6"), "pod.example.org/feed.xml"))
    assert feed["itunesImage"] == "https://pod.example.org/cover.png"
    assert feed["explicit"] is False and feed["author"] == "The Test Team"
    assert feed["owner"] == {"name": "Ada Owner", "email": "owner@pod.example.org"}
    assert feed["itunesCategory"] == ["News > Politics"]
    assert feed["locked"] is False and feed["podcastOwner"] == "owner@pod.example.org"
    assert [p["name"] for p in feed["podcastPeople"]] == ["卿姐", "晓旭"]
    assert set(feed["pc20support"]["1"]) == {"locked", "transcript", "chapters"}
    items = {item["link"].split("/")[-2]: item for item in feed["items"]}
    assert sorted(items) == ["hostile", "one", "two"], "drafts never appear"
    for slug, item in items.items():
        audio = report.audio[slug]
        mp3 = site_mp3(site, slug)
        assert item["enclosure"] == {"url": f"https://pod.example.org/audio/{mp3.name}",
                                     "length": mp3.stat().st_size, "type": "audio/mpeg"}
        assert item["duration"] == round(audio.duration)
        assert [t["type"] for t in item["podcastTranscripts"]] == ["text/vtt", "application/json"]
        assert item["podcastTranscripts"][0]["rel"] == "captions"
        assert item["podcastChapters"]["url"] == f"https://pod.example.org/episodes/{slug}/chapters.json"
        for transcript in item["podcastTranscripts"]:
            assert (site / transcript["url"].removeprefix("https://pod.example.org/")).is_file()
    assert items["two"]["itunesEpisode"] == 2 and items["two"]["itunesSeason"] == 1
    link = '<a href="https://news.example.com/a?x=1&y=2">Some <article></a> (Example News)'
    assert link in items["two"]["description"]
    raw = (site / "feed.xml").read_text(encoding="utf-8")
    assert '<a href="https://news.example.com/a?x=1&amp;y=2">Some &lt;article&gt;</a>' in raw, "escaped in the HTML"
    assert items["hostile"]["title"] == HOSTILE_CLEAN
    raw = (site / "feed.xml").read_text(encoding="utf-8")
    escaped = HOSTILE_CLEAN.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    assert f"<![CDATA[<p>{escaped}</p>" in raw
    assert items["hostile"]["description"].startswith("<p>A & B <b>bold</b>"), "partytime decodes the entities"


def test_feedparser_reads_the_same(feed_site):
    project, site = feed_site
    parsed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.feed.title == "Test Pod"
    entries = {e.link.split("/")[-2]: e for e in parsed.entries}
    assert sorted(entries) == ["hostile", "one", "two"]
    assert entries["hostile"].title == HOSTILE_CLEAN
    summary = lxml_html.fragment_fromstring(entries["hostile"].summary, create_parent="div")
    assert summary.xpath("string(p[1])") == HOSTILE_CLEAN, "the summary's text, markup shown as text"
    for slug, entry in entries.items():
        enclosure = entry.enclosures[0]
        assert int(enclosure.length) == site_mp3(site, slug).stat().st_size
        assert entry.id == next(e.guid for e in project_episodes(project) if e.slug == slug)
        assert entry.itunes_duration == str(round(project.plugin.output.audio.audio[slug].duration))


def project_episodes(project):
    from site_plugins.podcast import load_catalog
    from site_plugins.podcast.load.siteconfig import read_site_settings

    settings = read_site_settings(project.root / "mkdocs.yml")
    return load_catalog([project.root / "episodes"], settings, root=project.root, include_drafts=True).episodes


def test_xpath_of_our_own(feed_site):
    project, site = feed_site
    root = etree.parse(str(site / "feed.xml")).getroot()
    channel = root.find("channel")
    assert channel.findtext("itunes:type", namespaces=NS) == "episodic"
    category = channel.find("itunes:category", NS)
    assert category.get("text") == "News" and category.find("itunes:category", NS).get("text") == "Politics"
    assert channel.find("itunes:image", NS).get("href") == "https://pod.example.org/cover.png"
    assert [p.text for p in channel.findall("podcast:person", NS)] == ["卿姐", "晓旭"]
    assert channel.find("podcast:locked", NS).get("owner") == "owner@pod.example.org"
    published = {e.slug: e for e in project_episodes(project)}
    for item in channel.findall("item"):
        slug = item.findtext("link").split("/")[-2]
        assert item.find("guid").get("isPermaLink") == "false"
        assert parsedate_to_datetime(item.findtext("pubDate")) == published[slug].published
        assert len(item.findtext("description").encode()) <= 4000
        assert [p.get("role") for p in item.findall("podcast:person", NS)] == ["host", "host"]
    assert root.getroottree().docinfo.encoding == "UTF-8"


def test_renaming_title_and_slug_keeps_the_guid(tmp_path):
    project = SiteProject(tmp_path / "pod")
    project.add_episode("story.yaml", script_episode("first-slug", SAY[:2]))
    first = feedparser.parse((project.build() / "feed.xml").read_bytes()).entries[0]
    renamed = script_episode("first-slug", SAY[:2]).replace("title: first-slug", "title: A new title").replace(
        "slug: first-slug", "slug: a-new-slug")
    project.add_episode("story.yaml", renamed)
    second = feedparser.parse((project.build() / "feed.xml").read_bytes()).entries[0]
    assert second.title == "A new title" and second.link.endswith("/a-new-slug/")
    assert second.id == first.id


def test_episode_pages_carry_json_ld_open_graph_and_the_feed(feed_site):
    _project, site = feed_site
    tree = lxml_html.fromstring((site / "episodes/two/index.html").read_text(encoding="utf-8"))
    data = json.loads(tree.xpath("string(//script[@type='application/ld+json'])"))
    assert data["@type"] == "PodcastEpisode" and data["name"] == "two"
    mp3 = "https://pod.example.org/audio/" + site_mp3(site, "two").name
    assert data["associatedMedia"]["contentUrl"] == mp3
    assert data["partOfSeries"] == {"@type": "PodcastSeries", "name": "Test Pod", "url": "https://pod.example.org/",
                                    "webFeed": "https://pod.example.org/feed.xml"}
    og = {m.get("property"): m.get("content") for m in tree.xpath("//meta[starts-with(@property, 'og:')]")}
    assert og["og:audio"] == mp3 and og["og:audio:type"] == "audio/mpeg"
    for page, href in (("", "feed.xml"), ("episodes/one/", "../../feed.xml"), ("archive/", "../feed.xml")):
        page_tree = lxml_html.fromstring((site / page / "index.html").read_text(encoding="utf-8"))
        assert page_tree.xpath("//link[@rel='alternate'][@type='application/rss+xml']/@href") == [href]
        assert (site / page / href).resolve() == (site / "feed.xml").resolve()
    assert tree.xpath("string(//p[@class='gp-ai-note'])") == "本期节目由 AI 撰写并配音。"
    subscribe = tree.xpath("//section[@class='gp-subscribe']//a[contains(@class, 'gp-sub-link')]/text()")
    assert subscribe == ["Apple Podcasts", "Spotify", "RSS"]
    assert tree.xpath("string(//a[@class='gp-read-original']/@href)") == "https://news.example.com/a?x=1&y=2"


def test_media_base_url_moves_the_audio_out_of_the_site(tmp_path):
    project = SiteProject(tmp_path / "pod")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "tts: espeak", "tts: espeak\n      media_base_url: https://media.example.org/pod"), encoding="utf-8")
    project.add_episode("a.yaml", script_episode("a", SAY[:2]))
    site = project.build()
    assert not (site / "audio").exists() and (project.root / "audio/a.mp3").exists()
    item = feedparser.parse((site / "feed.xml").read_bytes()).entries[0]
    name = project.plugin.output.audio.audio["a"].uri.removeprefix("audio/")
    assert re.fullmatch(r"a-[0-9a-f]{10}\.mp3", name)
    assert item.enclosures[0].href == f"https://media.example.org/pod/{name}"
    assert int(item.enclosures[0].length) == (project.root / "audio/a.mp3").stat().st_size
    assert f'src="https://media.example.org/pod/{name}"' in project.page("episodes/a")


def test_a_long_summary_is_cut_to_apples_4000_bytes_after_escaping():
    from site_plugins.podcast.render.feed import item_description

    from .conftest import TEST_SETTINGS

    episode = next(e for e in project_episodes_of_samples() if e.source is not None)
    long = replace(episode, summary="R&D [link](https://e.org) " * 400)
    html = item_description(long, TEST_SETTINGS)
    assert len(html.encode()) <= 4000 and "[link]" not in html and "R&amp;D link" in html


def project_episodes_of_samples():
    from site_plugins.podcast import load_catalog

    from .conftest import TEST_SETTINGS

    return load_catalog([REPO / "episodes"], TEST_SETTINGS, root=REPO, include_drafts=False).episodes


def test_no_episodes_folder_builds_an_empty_show(tmp_path):
    project = SiteProject(tmp_path / "pod")
    (project.root / "episodes").rmdir()
    site = project.build()
    assert feedparser.parse((site / "feed.xml").read_bytes()).entries == []
