"""Episode pages finished from a stencil of the theme are the pages the theme renders: byte for byte the site of a
build that renders every page whole (`PODCAST_STENCIL=0`), and no stencil at all when the theme shows more of a
page than the stencil's fields."""

from __future__ import annotations

import logging

import pytest

from site_plugins.podcast.render.document import page_document
from site_plugins.podcast.render.stencil import STENCIL_FROM, Stencil, marker_page, shape, stencil_pages

from .conftest import SiteProject, episode_yaml
from .test_kept_builds import differing, forget, snapshot

TITLES = ["能源 & 电网", "Tom <b>&amp;</b> Jerry", '他说："潮汐"', "It's a 'quoted' title", "风电 — 海上",
          "A plain English title", "标题里有#号和~波浪~", "Ünïcödé café"]


def varied_project(root, episode_url: str = "") -> SiteProject:
    """More episodes than a stencil needs, whose titles, summaries and tables of contents all differ; the first a
    month before the others (a folder of its own with `episode_url: "{date:%Y/%m}/{slug}/"`)."""
    project = SiteProject(root)
    if episode_url:
        config = project.root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "      per_page:", f'      episode_url: "{episode_url}"\n      per_page:'), encoding="utf-8")
    for number in range(STENCIL_FROM + 2):
        sections = "".join(f"  - section: 第{n}部分 {TITLES[(number + n) % len(TITLES)]}\n    turns:\n"
                           f"      - 卿姐: 第{n}段，第{number}期。\n" for n in range(number % 3))
        extra = f"summary: 摘要 {number}：{TITLES[number % len(TITLES)]} <i>斜体</i> & more\n" \
                f"slug: ep-{number:02d}\n"
        date = f"2025-{11 if number else 10}-{number + 1:02d}"
        text = episode_yaml(f"{TITLES[number % len(TITLES)]} {number}", date=date, extra=extra) + sections
        project.add_episode(f"ep-{number:02d}.yaml", text)
    return project


@pytest.mark.site
@pytest.mark.parametrize("episode_url", ["", "{date:%Y/%m}/{slug}/"])
def test_stencilled_pages_are_the_pages_the_theme_renders(tmp_path, monkeypatch, caplog, episode_url):
    project = varied_project(tmp_path / "pod", episode_url)
    with caplog.at_level(logging.INFO):
        stencilled = snapshot(project.build())
    side_by_side = STENCIL_FROM + 1 if episode_url else STENCIL_FROM + 2  # the month with the most of them
    assert f"{side_by_side} pages finished from a stencil of the theme" in caplog.text
    page = project.root / ("site/2025/11/ep-03/index.html" if episode_url else "site/episodes/ep-03/index.html")
    assert any(page.samefile(path) for path in (project.root / ".cache/podcast/build/finished").iterdir()), \
        "the page is the file the stencil finished, linked"
    stencilled_file = page.stat().st_ino
    monkeypatch.setenv("PODCAST_STENCIL", "0")
    project.build()
    assert page.stat().st_ino != stencilled_file, "PODCAST_STENCIL=0 renders again a page kept from a stencil"
    forget(project)
    caplog.clear()
    with caplog.at_level(logging.INFO):
        whole = snapshot(project.build())
    assert "a stencil of the theme" not in caplog.text
    assert differing(stencilled, whole) == []
    monkeypatch.delenv("PODCAST_STENCIL")
    assert differing(stencilled, snapshot(project.build())) == [], "kept from the build that rendered them whole"


@pytest.mark.site
def test_a_theme_that_shows_more_of_a_page_gets_no_stencil(tmp_path, monkeypatch, caplog):
    """An override that prints the page's address (not one of the stencil's fields) would give every page the
    marker page's: the two marker pages differ there, so every page is rendered whole, and right."""
    project = varied_project(tmp_path / "pod")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("theme:\n", "theme:\n  custom_dir: overrides\n"),
                      encoding="utf-8")
    (project.root / "overrides").mkdir()
    (project.root / "overrides/main.html").write_text(
        '{% extends "base.html" %}\n{% block footer %}<p class="where">{{ page.url }}</p>{% endblock %}\n',
        encoding="utf-8")
    with caplog.at_level(logging.INFO):
        site = project.build()
    assert "pages rendered whole: no stencil of the theme holds for them" in caplog.text
    assert '<p class="where">episodes/ep-03/</p>' in (site / "episodes/ep-03/index.html").read_text(encoding="utf-8")
    made = snapshot(site)
    forget(project)
    monkeypatch.setenv("PODCAST_STENCIL", "0")
    assert differing(made, snapshot(project.build())) == []


def episode_page(uri: str, title: str, description: str, *, toc=((2, "a", "A"),), html='<h1 id="t">T</h1>'):
    return page_document(uri, {"title": title, "description": description, "hide": ["navigation"]}, html, toc=toc)


@pytest.mark.unit
def test_only_pages_of_one_shape_with_every_field_are_stencilled():
    pages = [episode_page(f"episodes/e{n}/index.md", f"T{n}", f"D{n}") for n in range(STENCIL_FROM)]
    odd = [episode_page("episodes/x/index.md", "T", ""),  # no description: the theme prints the site's
           episode_page("episodes/y/index.md", "T", "D", toc=()),  # no table of contents: no skip link
           episode_page("episodes/z/index.md", "T", "D", html="<p>no heading</p>"),  # the theme adds an h1
           page_document("tags/index.md", {"title": "T", "description": "D"}, "<h1>x</h1>", toc=((2, "a", "A"),),
                         in_nav=True)]
    assert stencil_pages(pages + odd) == {page.src_uri for page in pages}
    assert all(shape(page) is None for page in odd[:3]) and shape(odd[3]) is None
    assert stencil_pages(pages[1:]) == set(), "too few to pay for the two marker pages"


@pytest.mark.unit
def test_a_stencil_is_the_marker_pages_text_without_their_fields():
    page = episode_page("episodes/e1/index.md", "T", "D")
    markers = [marker_page(page, which) for which in (0, 1)]
    assert markers[0].src_uri == "episodes/podcaststencilfirst/index.md" and shape(markers[0]) == shape(page)
    assert markers[1].src_uri == "episodes/zzmarkersecond/index.md"

    def theme(fields, extra=""):  # a theme printing each field once, the title twice, the toc's first link in it
        return (f"<head><meta d='{fields[0]}'><title>{fields[2]}</title></head><a href='{fields[4]}'>skip</a>"
                f"<header>{fields[3]}</header><nav>{fields[5]}</nav><main>{fields[6]}</main>{extra}")

    def fields(token):
        return [f"{token} d", f"https://x/{token}/", f"{token} t & m", f"{token} t &amp; m", f"#{token}-first",
                f"<a href='#{token}-first'>{token} first</a>", f"<h1>{token}</h1>"]

    first, second = fields("podcaststencilfirst"), fields("zzmarkersecond")
    stencil = Stencil.of(theme(first), first, theme(second), second)
    assert stencil is not None
    real = ["D", "https://x/e1/", "T", "T", "#a", "<a href='#a'>A</a>", "<h1>T</h1>"]
    assert stencil.fill(real) == theme(real)
    # What differs between the marker pages outside their fields, or a token left outside them: no stencil.
    assert Stencil.of(theme(first, "built 12:00:01"), first, theme(second, "built 12:00:02"), second) is None
    assert Stencil.of(theme(first, "podcaststencilfirst"), first, theme(second, "zzmarkersecond"),
                      second) is None
    # A field the site has none of (no canonical address) holds no token: it is not looked for.
    first[1] = second[1] = "None"
    assert Stencil.of(theme(first, "None"), first, theme(second, "None"), second).fill(real[:1] + ["None"] + real[2:]) \
        == theme(real[:1] + ["None"] + real[2:], "None")


SETTINGS = {
    "no site address (no canonical links)": ("site_url: https://pod.example.org/\n", ""),
    "pages as .html files": ("theme:\n", "use_directory_urls: false\ntheme:\n"),
    "a repository, edit buttons and more theme features": (
        "theme:\n", "repo_url: https://github.com/example/pod\nedit_uri: edit/main/docs/\ntheme:\n"
        "  features: [content.action.edit, navigation.tabs, toc.follow, navigation.top]\n"),
}


@pytest.mark.site
@pytest.mark.parametrize("setting", list(SETTINGS))
def test_stencils_under_other_settings_are_the_pages_the_theme_renders(tmp_path, monkeypatch, caplog, setting):
    project = varied_project(tmp_path / "pod")
    config = project.root / "mkdocs.yml"
    old, new = SETTINGS[setting]
    config.write_text(config.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with caplog.at_level(logging.INFO):
        stencilled = snapshot(project.build())
    assert "pages finished from a stencil of the theme" in caplog.text
    forget(project)
    monkeypatch.setenv("PODCAST_STENCIL", "0")
    assert differing(stencilled, snapshot(project.build())) == []


@pytest.mark.site
def test_an_episode_page_the_navigation_names_is_rendered_by_mkdocs(tmp_path, caplog):
    """MkDocs checks the navigation's and the editor's links to its pages: a page named there stays one of its
    pages (a strict build would stop on a link to a file it does not know), the others are stencilled."""
    project = varied_project(tmp_path / "pod")
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "  - archive/index.md\n", "  - archive/index.md\n  - Pilot: episodes/ep-03/index.md\n"), encoding="utf-8")
    (project.root / "docs/about.md").write_text("# About\n\n[The fifth](episodes/ep-05/index.md)\n", encoding="utf-8")
    with caplog.at_level(logging.INFO):
        site = project.build()  # strict: a warning would stop it
    assert f"{STENCIL_FROM} pages finished from a stencil of the theme" in caplog.text
    assert "episodes/ep-05/" in (site / "about/index.html").read_text(encoding="utf-8")
