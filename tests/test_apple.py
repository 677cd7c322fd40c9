"""Apple's and Podcasting 2.0's rules: synthetic speech disclosed, an RGB cover, episode types, a show that
moves, labels in each episode's language; read back by podcast-partytime and by podcastparser."""

from __future__ import annotations

import subprocess
import sys

import podcastparser
import pytest
from lxml import html as lxml_html

from site_plugins.podcast.speech import EspeakEngine, Voice

from .conftest import SiteProject, square_png
from .test_audio import SAY, script_episode
from .test_feed import partytime, show_project

pytestmark = pytest.mark.site

SHOW = """
      author: The Test Team
      owner_name: Ada Owner
      owner_email: owner@pod.example.org
      category: News
      cover: cover.png
      copyright: © 2026 The Test Team
      new_feed_url: https://new.example.org/feed.xml"""
SYNTHETIC_ZH = "本期节目中主播的声音由语音合成生成。"
SYNTHETIC_EN = "The hosts' voices in this episode are synthetic speech."


@pytest.fixture(scope="module")
def apple_site(tmp_path_factory):
    project = show_project(tmp_path_factory.mktemp("apple") / "pod", SHOW)
    (project.root / "rec.mp3").write_bytes(EspeakEngine().synthesize("这是一段录音。", Voice("zh-CN")))
    project.add_episode("spoken.yaml", script_episode("spoken", SAY[:2]))
    project.add_episode("trailer.yaml", script_episode("trailer", SAY[2:4]) + "language: en\nepisode_type: trailer\n"
                        "source:\n  url: https://news.example.com/b\n  title: An English story\n")
    project.add_episode("recorded.yaml", script_episode("recorded", SAY[:2]) + "audio: rec.mp3\n")
    site = project.build()
    return project, site


def test_the_feed_discloses_synthetic_speech_in_each_episodes_language(apple_site):
    _, site = apple_site
    items = {item["link"].split("/")[-2]: item for item in partytime(site / "feed.xml")["items"]}
    assert SYNTHETIC_ZH in items["spoken"]["description"]
    english = items["trailer"]["description"]
    assert SYNTHETIC_EN in english and "Source:" in english and "来源" not in english
    assert "synthetic" not in items["recorded"]["description"] and "语音合成" not in items["recorded"]["description"]


def test_the_page_discloses_synthetic_speech_but_not_on_a_recording(apple_site):
    project, _ = apple_site
    notes = {slug: lxml_html.fromstring(project.page(f"episodes/{slug}")).xpath("string(//p[@class='gp-ai-note'])")
             for slug in ("spoken", "recorded")}
    assert notes == {"spoken": SYNTHETIC_ZH, "recorded": ""}


def test_episode_type_copyright_and_a_moved_feed_reach_both_parsers(apple_site):
    _, site = apple_site
    feed = partytime(site / "feed.xml")
    types = {item["link"].split("/")[-2]: item.get("itunesEpisodeType") for item in feed["items"]}
    assert types == {"spoken": "full", "trailer": "trailer", "recorded": "full"}
    raw = (site / "feed.xml").read_text(encoding="utf-8")
    assert "<copyright>© 2026 The Test Team</copyright>" in raw
    assert "<itunes:new-feed-url>https://new.example.org/feed.xml</itunes:new-feed-url>" in raw
    with open(site / "feed.xml", "rb") as stream:
        parsed = podcastparser.parse("https://pod.example.org/feed.xml", stream)
    assert parsed["new_url"] == "https://new.example.org/feed.xml"
    episodes = {e["link"].rstrip("/").rsplit("/", 1)[-1]: e for e in parsed["episodes"]}
    assert sorted(episodes) == ["recorded", "spoken", "trailer"]
    for slug, entry in episodes.items():
        [enclosure] = entry["enclosures"]
        assert enclosure["url"].startswith(f"https://pod.example.org/audio/{slug}-") and enclosure["file_size"] > 0
        assert entry["guid"] and entry["total_time"] > 0 and entry["title"] == slug
    assert "voices in this episode are synthetic speech." in episodes["trailer"]["description_html"]


def test_an_rgba_cover_is_refused_with_its_place_in_mkdocs_yml(tmp_path):
    from mkdocs.exceptions import Abort

    project = SiteProject(tmp_path / "pod")
    (project.root / "cover.png").write_bytes(square_png(1400, alpha=True))
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("tts: espeak", "tts: espeak\n      cover: cover.png"),
                      encoding="utf-8")
    line = next(n for n, text in enumerate(config.read_text(encoding="utf-8").splitlines(), 1) if "cover:" in text)
    expected = (f"mkdocs.yml:{line}:14: podcast plugin settings: cover 'cover.png' is RGBA; Apple Podcasts wants "
                "RGB colour without transparency")
    check = subprocess.run([sys.executable, "-m", "site_plugins.podcast.cli", "check"], cwd=project.root,
                           capture_output=True, text=True)
    assert check.returncode == 2 and expected in check.stderr, check.stderr
    assert "Traceback" not in check.stderr
    with pytest.raises(Abort):
        project.build()
    (project.root / "cover.png").write_bytes(square_png(1400))
    assert subprocess.run([sys.executable, "-m", "site_plugins.podcast.cli", "check"], cwd=project.root,
                          capture_output=True).returncode == 0


def test_an_episodes_own_image_is_its_items_itunes_image(sample_site):
    site = sample_site.root / "site"
    with open(site / "feed.xml", "rb") as stream:
        parsed = podcastparser.parse("https://example.github.io/goose-pod/feed.xml", stream)
    images = {e["link"].rstrip("/").rsplit("/", 1)[-1]: e.get("episode_art_url") for e in parsed["episodes"]}
    assert images["tidal-power-pilot"] == "https://example.github.io/goose-pod/episodes/tidal-power-pilot/cover.png"
    assert (site / "episodes/tidal-power-pilot/cover.png").is_file()
    assert not [slug for slug, url in images.items() if url and slug != "tidal-power-pilot"], "others use the show's"
    items = {item["link"].split("/")[-2]: item for item in partytime(site / "feed.xml")["items"]}
    assert items["tidal-power-pilot"]["image"] == images["tidal-power-pilot"]
