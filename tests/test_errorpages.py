"""Error pages of the preview: at the episode's own address, located, escaped; never in a build."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import html as lxml_html

from site_plugins.podcast import Settings, load_catalog
from site_plugins.podcast.layout import SiteLayout
from site_plugins.podcast.model import EpisodeAddress
from site_plugins.podcast.render.errorpages import add_notice, render_problem_pages

from .conftest import TEST_SETTINGS, SiteProject, episode_yaml

pytestmark = pytest.mark.unit

UNKNOWN_SPEAKER = "      - 卿 姐: 大家好。\n      - 晓旭: 你好。\n"


def catalog_of(folder: Path, known: dict[str, EpisodeAddress] | None = None):
    return load_catalog([folder], TEST_SETTINGS, root=folder.parent, include_drafts=True, known_addresses=known)


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")


def test_the_address_comes_from_the_last_good_build_then_the_file(tmp_path):
    folder = tmp_path / "episodes"
    write(folder, "a.yaml", episode_yaml("Good Morning", extra="slug: morning\n"))
    good = catalog_of(folder)
    known = {e.source_path: EpisodeAddress(e.slug, e.date) for e in good.episodes}  # a preview's last build
    assert good.broken == ()
    # Broken, and its slug line gone too: the last good build still knows its address.
    write(folder, "a.yaml", episode_yaml("Good Evening", turns=UNKNOWN_SPEAKER))
    write(folder, "b.yaml", episode_yaml("Ignored", extra="slug: from-slug-line\n", turns=UNKNOWN_SPEAKER))
    write(folder, "c.yaml", episode_yaml("Title Only Here", turns=UNKNOWN_SPEAKER))
    write(folder, "d e.yaml", "title: [unclosed\n")
    broken = catalog_of(folder, known).broken
    pages = render_problem_pages(broken, TEST_SETTINGS).pages
    assert [p.src_uri for p in pages] == ["episodes/morning/index.md", "episodes/from-slug-line/index.md",
                                          "episodes/title-only-here/index.md", "episodes/d-e/index.md"]


def test_a_clash_never_hides_the_good_episode(tmp_path):
    """The taken slug is passed over for the next way to an address: here the title."""
    folder = tmp_path / "episodes"
    write(folder, "first.yaml", episode_yaml("One", extra="slug: same\n"))
    write(folder, "second.yaml", episode_yaml("Two", extra="slug: same\n"))
    broken = catalog_of(folder).broken
    assert [(b.path, b.slug) for b in broken] == [("episodes/second.yaml", "two")]


def test_each_problem_is_located_with_its_line_escaped(tmp_path):
    folder = tmp_path / "episodes"
    write(folder, "x.yaml", episode_yaml("X", extra="slug: x\n", turns="      - <b>卿姐</b>: 大家好。\n"))
    broken = catalog_of(folder).broken
    preview = render_problem_pages(broken, TEST_SETTINGS)
    (page,), notice = preview.pages, preview.notice
    assert page.src_uri == "episodes/x/index.md"
    assert 'search: {"exclude": true}' in page.markdown
    tree = lxml_html.fragment_fromstring(page.html, create_parent="main")
    assert tree.xpath("string(//h1)") == "Errors in x.yaml"
    assert tree.xpath("string(//code[@class='gp-problem-where'])") == "episodes/x.yaml:7:9"
    assert tree.xpath("string(//pre[@class='gp-problem-source'])") == "7      - <b>卿姐</b>: 大家好。"
    assert tree.xpath("string(//pre//mark)") == "<b>卿姐</b>"
    assert not tree.xpath("//pre//b"), "the line is shown as text, never as markup"
    assert "is not a host" in tree.xpath("string(//p[@class='gp-problem-message'])")
    home = lxml_html.fragment_fromstring(notice, create_parent="main")
    assert home.xpath("//a/@href") == ["episodes/x/"] and home.xpath("string(//a)") == "episodes/x.yaml"


@pytest.mark.parametrize("language", ["en", "zh", "zh-TW"])
def test_the_page_speaks_one_language_the_messages_one(tmp_path, language):
    """The messages are English: the page's own words are too, so it never reads half in one, half in another."""
    heading = "Errors in x.yaml"
    folder = tmp_path / "episodes"
    write(folder, "x.yaml", "title: x\n")
    broken = catalog_of(folder).broken
    settings = Settings(language=language, hosts=TEST_SETTINGS.hosts)
    preview = render_problem_pages(broken, settings, layout=SiteLayout(directory_urls=False))
    (page,), notice = preview.pages, preview.notice
    assert f"<h1>{heading}</h1>" in page.html and 'class="gp gp-problems" lang="en"' in page.html
    assert 'href="episodes/x/index.html"' in notice and 'lang="en"' in notice


def test_the_notice_goes_under_the_pages_title():
    assert add_notice("<h1>Pod</h1><p>hi</p>", "<div>N</div>") == "<h1>Pod</h1><div>N</div><p>hi</p>"
    assert add_notice("<p>hi</p>", "<div>N</div>") == "<div>N</div><p>hi</p>"
    assert add_notice("<h1>Pod</h1>", "") == "<h1>Pod</h1>"


def broken_project(project: SiteProject) -> None:
    tomorrow = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=1)).date().isoformat()
    project.add_episode("good.yaml", episode_yaml("好节目", extra="slug: good\n"))
    project.add_episode("later.yaml", episode_yaml("明天的节目", date=tomorrow, extra="slug: later\n"))
    project.add_episode("bad.yaml", episode_yaml("坏节目", extra="slug: bad\n", turns=UNKNOWN_SPEAKER))


def test_a_build_has_no_error_page_and_no_notice(project: SiteProject):
    broken_project(project)
    site = project.build(strict=False)
    assert (site / "episodes/good/index.html").is_file()
    assert not (site / "episodes/bad").exists()
    home = project.page("", site)
    assert "gp-broken" not in home and "gp-problem" not in home


def test_the_preview_has_both_and_still_marks_scheduled_episodes(project: SiteProject):
    broken_project(project)
    site = project.build(strict=False, command="serve")
    assert "episodes/bad.yaml:7:9" in project.page("episodes/bad", site)
    home = lxml_html.fromstring(project.page("", site))
    assert home.xpath("//div[contains(@class, 'gp-broken')]//a/@href") == ["episodes/bad/"]
    assert home.xpath("//h1/following-sibling::*[1][contains(@class, 'gp-broken')]"), "right under the title"
    assert '<span class="gp-badge gp-scheduled">定时发布</span>' in project.page("episodes/later", site)


def test_a_linked_file_is_never_read_for_its_address(tmp_path):
    """A link is refused unread; its error page takes the link's name, never a title from where it points."""
    (tmp_path / "outside.yaml").write_text(episode_yaml("Private Title"), encoding="utf-8")
    folder = tmp_path / "episodes"
    folder.mkdir()
    (folder / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    assert [(b.path, b.slug) for b in catalog_of(folder).broken] == [("episodes/link.yaml", "link")]


def test_a_missing_field_is_not_pinned_on_the_line_that_happens_to_be_first(tmp_path):
    folder = tmp_path / "episodes"
    write(folder, "x.yaml", "# yaml-language-server: $schema=episode.schema.json\ndate: 2025-12-08\n"
                            "script:\n  - section: Intro\n    turns:\n      - 卿姐: 大家好。\n")
    (item,) = catalog_of(folder).broken
    (problem,) = item.problems
    assert (problem.problem.line, problem.problem.column) == (1, 1) and problem.source is None
    page = render_problem_pages([item], TEST_SETTINGS).pages[0]
    assert "<pre" not in page.html and "the episode has no &#39;title&#39;; it is required" in page.html
