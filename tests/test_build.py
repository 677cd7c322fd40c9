"""End-to-end builds with the real MkDocs and mkdocs-material."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html
from mkdocs.exceptions import Abort

from site_plugins.podcast.audio.builder import AudioReport
from site_plugins.podcast.build import SiteOutput, strict_refusal
from site_plugins.podcast.errors import Problem, Severity

from .conftest import SiteProject, episode_yaml

pytestmark = pytest.mark.site

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def nav_links(page_html: str) -> list[str]:
    tree = lxml_html.fromstring(page_html)
    return tree.xpath("//nav[contains(@class, 'md-nav--primary')]//a/@href")


def test_sample_site_builds_strict_with_every_page(sample_site):
    site = sample_site.root / "site"
    episodes = sorted(p.parent.name for p in (site / "episodes").glob("*/index.html"))
    assert episodes == ["qing-xi-de-tu-shu-guan-wei-he-yao-liang-dao-wu-ye", "tidal-power-pilot"]
    for uri in ("", "archive", "category", "tag", "category/science", "tag/energy"):
        assert (site / uri / "index.html").is_file(), uri


def test_episodes_stay_out_of_the_nav(sample_site):
    home = sample_site.page("")
    assert not [link for link in nav_links(home) if "episodes/" in link]
    assert "episodes/tidal-power-pilot/" in home, "the home page lists the episodes in its content"


def test_home_keeps_the_editors_intro(sample_site):
    tree = lxml_html.fromstring(sample_site.page(""))
    assert tree.xpath("string(//article//h1)") == "Goose Pod"
    assert tree.xpath("//article//h2[@id='latest']")


def test_drafts_only_under_serve(project: SiteProject, caplog):
    project.add_episode("draft.yaml", episode_yaml("草稿节目", extra="slug: a-draft\ndraft: true\n"))
    project.add_episode("public.yaml", episode_yaml("公开节目", extra="slug: public\n"))
    caplog.set_level(logging.INFO)
    site = project.build()
    assert any(m.endswith("1 draft left out (episodes/draft.yaml): drafts are never published; `scripts/site serve` "
                          "shows them") for m in caplog.messages)
    assert (site / "episodes/public/index.html").exists()
    assert not (site / "episodes/a-draft").exists()
    assert "a-draft" not in (site / "index.html").read_text(encoding="utf-8")
    served = project.build(project.root / "served", command="serve")
    assert "草稿" in (served / "episodes/a-draft/index.html").read_text(encoding="utf-8")


def test_strict_build_fails_with_every_problem(project: SiteProject, caplog):
    project.add_episode("good.yaml", episode_yaml("好节目", extra="slug: good\n"))
    project.add_episode("bad1.yaml", episode_yaml("坏节目", turns="      - 卿 姐: 你好。\n"))
    project.add_episode("bad2.yaml", "title: x\ndate: 2025-02-30\nscript: []\n")
    with pytest.raises(Abort):
        project.build(strict=True)
    message = "\n".join(r.getMessage() for r in caplog.records)
    assert "episodes/bad1.yaml:6:9: speaker '卿 姐' is not a host (known: 卿姐, 晓旭)" in message
    assert "episodes/bad2.yaml:2:7: date '2025-02-30' is not a date" in message
    assert "episodes/bad2.yaml:3:9: the script is empty" in message


def output_with(*severities: Severity, fallback: int = 0) -> SiteOutput:
    problems = tuple(Problem("episodes/a.yaml", 3, 1, f"a {s.value}", s) for s in severities)
    return SiteOutput(pages=(), files={}, heads={}, search_order={}, problems=problems,
                      audio=AudioReport(fallback=fallback), episodes=())


@pytest.mark.parametrize("severities, fallback, refused, refused_without_warnings", [
    ((), 0, "", ""),
    ((Severity.NOTE,), 0, "", ""),
    ((Severity.WARNING, Severity.NOTE), 0, "warnings, which a strict build refuses", ""),
    ((Severity.ERROR, Severity.WARNING), 0, "invalid episode files", "invalid episode files"),
    ((), 3, "gtts could not be reached: 3 turns", "gtts could not be reached: 3 turns"),
])
def test_one_rule_says_whether_a_strict_build_may_publish(severities, fallback, refused, refused_without_warnings):
    """`podcast build --strict` counts warnings itself; the MkDocs plugin leaves them to MkDocs' strict mode."""
    output = output_with(*severities, fallback=fallback)
    for count_warnings, expected in ((True, refused), (False, refused_without_warnings)):
        refusal = strict_refusal(output, "gtts", count_warnings=count_warnings)
        assert refusal.startswith(expected) and bool(refusal) == bool(expected), refusal
        assert all(f"a {s.value}" in refusal for s in severities if expected and not fallback)


def test_without_strict_a_bad_episode_is_left_out(project: SiteProject, caplog):
    project.add_episode("good.yaml", episode_yaml("好节目", extra="slug: good\n"))
    project.add_episode("bad.yaml", episode_yaml("坏节目", extra="slug: bad\n", turns="      - 卿 姐: 你好。\n"))
    with caplog.at_level(logging.WARNING):
        site = project.build(strict=False)
    assert (site / "episodes/good/index.html").exists()
    assert not (site / "episodes/bad").exists()
    assert any("episodes/bad.yaml:7:9" in r.getMessage() and "left out" in r.getMessage() for r in caplog.records)


def test_two_builds_are_identical(sample_site, tmp_path):
    first = sample_site.root / "site"
    second = sample_site.build(tmp_path / "again")
    names = sorted(p.relative_to(first).as_posix() for p in first.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(second).as_posix() for p in second.rglob("*") if p.is_file())
    different = [n for n in names if n.endswith((".html", ".json", ".css"))
                 and (first / n).read_bytes() != (second / n).read_bytes()]
    assert different == []


def lookup(site, term: str) -> list[str]:
    """The pages whose index entry holds `term`, as assets/search.js finds them."""
    from site_plugins.podcast.render.search import fnv1a

    root = site / "search-index"
    meta = json.loads((root / "meta.json").read_text(encoding="utf-8"))
    shard = json.loads((root / f"t/{fnv1a(term) % meta['shards']}.json").read_text(encoding="utf-8"))
    pages, number = [], 0
    for part in shard.get(term, "").split(",") if term in shard else []:
        number += int(part.split(":")[0], 36)
        pages.append(json.loads((root / f"p/{meta['files'][number]}.json").read_text(encoding="utf-8"))["url"])
    return pages


def test_search_indexes_articles_and_leaves_out_listings_and_labels(project: SiteProject):
    project.add_episode("zh.yaml", episode_yaml(
        "能源", extra="slug: zh\n", turns="      - 卿姐: 西方国家对俄罗斯实施制裁之后，能源收入锐减。\n"))
    project.add_episode("en.yaml", episode_yaml(
        "Tides", extra="slug: en\nlanguage: en\n", turns="      - 晓旭: The Turbines were installed quietly.\n"))
    site = project.build()
    assert lookup(site, "制裁") == ["episodes/zh/"]  # a word inside a sentence
    assert lookup(site, "制") == ["episodes/zh/"]
    assert lookup(site, "turbines") == ["episodes/en/"]
    # Speaker labels, listings and the search page are not indexed; docs/ pages are.
    assert lookup(site, "卿姐") == lookup(site, "晓旭") == []
    urls = {json.loads(p.read_text(encoding="utf-8"))["url"] for p in (site / "search-index/p").glob("*.json")}
    assert urls == {"episodes/zh/", "episodes/en/"}
    tree = lxml_html.fromstring((site / "episodes/zh/index.html").read_text(encoding="utf-8"))
    assert tree.xpath('//header//form[@role="search"]/@action') == ["../../search/"]
    for listing in ("index.html", "archive/index.html", "tag/index.html", "search/index.html"):
        assert 'role="search"' in (site / listing).read_text(encoding="utf-8"), listing


def test_two_searches_are_named_as_a_mistake(project: SiteProject, caplog):
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("plugins:\n", "plugins:\n  - search\n"),
                      encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        project.build(strict=False)
    assert "remove '- search' from plugins" in caplog.text


def test_search_can_be_left_to_another_plugin(project: SiteProject):
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("  - podcast:\n", "  - podcast:\n      search: false\n"), encoding="utf-8")
    site = project.build()
    assert not (site / "search-index").exists()
    assert not (site / "search/index.html").exists()
    assert 'role="search"' not in (site / "index.html").read_text(encoding="utf-8")


def test_hostile_text_is_shown_never_run(project: SiteProject):
    text = json.dumps(HOSTILE)
    project.add_episode("x.yaml", f"""\
        title: {text}
        date: 2025-12-08
        slug: hostile
        category: {text}
        tags: [{text}]
        listener: {text}
        summary: {text}
        source:
          url: https://news.example.com/x
          title: {text}
          text: {text}
        script:
          - section: {text}
            turns:
              - 卿姐: {text}
        analysis:
          {text}: {text}
        """)
    site = project.build()
    for page in ("episodes/hostile", "", "archive", "tag"):
        raw = project.page(page)
        tree = lxml_html.fromstring(raw)
        assert not tree.xpath("//img[@onerror]"), page
        runnable = tree.xpath("//script[not(@type) or @type='text/javascript' or @type='module']")
        assert not [s for s in runnable if "alert" in (s.text or "")], page
        assert all("<" not in (s.text or "") for s in tree.xpath("//script[@type='application/ld+json']")), page
        assert "<script>alert" not in raw, page
    tree = lxml_html.fromstring(project.page("episodes/hostile"))
    assert tree.xpath("string(//h1)") == HOSTILE
    assert tree.xpath("string(//div[contains(@class, 'gp-turn')]/p[@class='gp-text'])") == HOSTILE
    assert tree.xpath("string(//head/title)").startswith(HOSTILE)
    assert (site / "episodes/hostile/index.html").exists()


@pytest.mark.parametrize(("language", "related", "latest"), [("en", "Related Podcasts", "Latest episodes"),
                                                              ("zh", "相关播客", "最新节目"),
                                                              ("zh-TW", "相關播客", "最新節目")])
def test_labels_follow_the_site_language(tmp_path, language, related, latest):
    project = SiteProject(tmp_path / language, language=language)
    for n in (1, 2):
        project.add_episode(f"{n}.yaml", episode_yaml(f"节目{n}", extra=f"slug: ep{n}\ntags: [同一个]\n"))
    project.build()
    assert f">{related}</h2>" in project.page("episodes/ep1")
    assert f">{latest}</h2>" in project.page("")


def test_pagination_in_a_real_build(tmp_path):
    project = SiteProject(tmp_path / "p", per_page=2)
    for n in range(1, 6):
        project.add_episode(f"{n}.yaml", episode_yaml(f"节目{n}", date=f"2025-12-0{n}", extra=f"slug: ep{n}\n"))
    site = project.build()
    assert (site / "page/2/index.html").exists() and (site / "page/3/index.html").exists()
    last = lxml_html.fromstring(project.page("page/3"))
    assert last.xpath("//ul[@class='gp-cards']/li//*[@class='gp-card-title']/a/text()") == ["节目1"]
    assert last.xpath("//a[@rel='prev']/@href") == ["../2/"]


@pytest.mark.parametrize("name", ["archive.md", "feed.xml", "the episode's MP3"])
def test_a_hand_written_file_at_a_generated_address_is_an_error(project: SiteProject, caplog, name):
    project.add_episode("a.yaml", episode_yaml("节目", extra="slug: a\n"))
    if name == "the episode's MP3":
        project.build()
        name = project.plugin.output.audio.audio["a"].uri
    path = project.root / "docs" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("mine", encoding="utf-8")
    with pytest.raises(Abort):
        project.build()
    assert any(f"docs/{name} would be published at" in r.getMessage() for r in caplog.records)
    assert path.read_text(encoding="utf-8") == "mine"


def test_two_outputs_claiming_one_path_are_an_error_naming_both():
    from site_plugins.podcast.build import check_claims
    from site_plugins.podcast.layout import SiteLayout
    from site_plugins.podcast.render.document import GeneratedPage
    from site_plugins.podcast.writer import OutputError, SiteWriter

    pages = [GeneratedPage("tag/x/index.md", ""), GeneratedPage("feed/index.md", "")]
    folders, files = SiteLayout(directory_urls=True), SiteLayout(directory_urls=False)
    check_claims(pages, {"feed.xml": b""}, layout=folders)
    with pytest.raises(OutputError, match=re.escape("tag/x/index.html would be written by the page tag/x/index.md "
                                                    "and by the file tag/x/index.html")):
        check_claims(pages, {"tag/x/index.html": b""}, layout=folders)
    with pytest.raises(OutputError, match=re.escape("feed/index.html would be written by the page feed/index.md "
                                                    "and by the page feed.md")):
        check_claims([*pages, GeneratedPage("feed.md", "")], {}, layout=folders)
    check_claims([*pages, GeneratedPage("feed.md", "")], {}, layout=files)
    writer = SiteWriter(Path("/nonexistent"))
    writer.claim("a.json", "the search index")
    writer.claim("a.json", "the search index")  # the same owner may write a file again
    with pytest.raises(OutputError, match=re.escape("a.json would be written by the search index and by docs/")):
        writer.claim("a.json", "docs/")


def test_every_episode_page_of_the_sample_site_shows_related_podcasts(sample_site):
    site = sample_site.root / "site"
    pages = sorted((site / "episodes").glob("*/index.html"))
    assert len(pages) >= 2
    for path in pages:
        tree = lxml_html.fromstring(path.read_text(encoding="utf-8"))
        cards = tree.xpath("//section[@class='gp-related']//*[@class='gp-card-title']/a/@href")
        assert cards, f"{path.parent.name} has no related podcasts"
        assert f"../{path.parent.name}/" not in cards, "an episode is never related to itself"


def test_the_listeners_site_has_no_editors_guides_and_its_search_finds_episodes_only(sample_site):
    site = sample_site.root / "site"
    assert not (site / "guide").exists() and not (site / "benchmarks").exists()
    assert "guide/" not in " ".join(nav_links(sample_site.page("")))
    meta = json.loads((site / "search-index/meta.json").read_text(encoding="utf-8"))
    urls = [json.loads((site / f"search-index/p/{n}.json").read_text(encoding="utf-8"))["url"] for n in meta["files"]]
    assert [u for u in urls if not u.startswith(("episodes/", "about/"))] == []
    with_host = [u for u in urls if "卿姐" in (site / f"search-index/p/{meta['files'][urls.index(u)]}.json")
                 .read_text(encoding="utf-8")]
    assert with_host and all(u.startswith("episodes/") for u in with_host), with_host
