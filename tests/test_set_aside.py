"""Before a build, the last build's files leave the site folder in one rename each, and are removed while the
build goes on: MkDocs, which empties the folder first, finds nothing to wait for (8 000 files took it 0.7 s of
a rebuild). Hidden entries stay, as MkDocs keeps them; nothing is left behind in the cache."""

from __future__ import annotations

import pytest

from site_plugins.podcast.writer import OLD_SITE, SetAside, remove_stale_parts

from .conftest import SiteProject
from .test_audio import script_episode


def _old_site(tmp_path):
    site = tmp_path / "site"
    (site / "episodes/a").mkdir(parents=True)
    (site / "episodes/a/index.html").write_text("old page")
    (site / "feed.xml").write_text("old feed")
    (site / ".git").mkdir()
    (site / ".nojekyll").write_text("")
    return site


@pytest.mark.unit
def test_the_old_files_are_moved_out_and_removed_and_hidden_ones_stay(tmp_path):
    site, old = _old_site(tmp_path), tmp_path / "cache" / OLD_SITE
    (old / "site.stopped/episodes").mkdir(parents=True)  # what a build that was stopped left
    aside = SetAside(site, old)
    aside.start()
    assert sorted(p.name for p in site.iterdir()) == [".git", ".nojekyll"]
    aside.wait()
    assert list(old.iterdir()) == [], "the moved files and the stopped build's are removed"


@pytest.mark.unit
def test_where_the_old_files_cannot_go_they_stay_for_the_host(tmp_path):
    site = _old_site(tmp_path)
    (tmp_path / "cache").write_text("a file where the cache folder would be")
    aside = SetAside(site, tmp_path / "cache" / OLD_SITE)
    aside.start()
    aside.wait()
    assert (site / "feed.xml").read_text() == "old feed" and (site / "episodes/a/index.html").exists()


@pytest.mark.unit
def test_a_missing_site_folder_is_nothing_to_move(tmp_path):
    aside = SetAside(tmp_path / "no-site", tmp_path / OLD_SITE)
    aside.start()
    aside.wait()
    assert not (tmp_path / "no-site").exists()


@pytest.mark.unit
def test_stale_parts_are_not_looked_for_among_the_old_files(tmp_path):
    (tmp_path / OLD_SITE / "site.x").mkdir(parents=True)
    (tmp_path / OLD_SITE / "site.x/.page.html.part").write_text("an old site's file, removed with it")
    (tmp_path / "turns").mkdir()
    (tmp_path / "turns/.a.mp3.part").write_text("half a file")
    assert remove_stale_parts(tmp_path) == 1
    assert not (tmp_path / "turns/.a.mp3.part").exists()


@pytest.mark.site
def test_a_rebuild_publishes_no_old_file_and_leaves_none_in_the_cache(tmp_path):
    project = SiteProject(tmp_path / "pod")
    project.add_episode("a.yaml", script_episode("ep", ["第一句话。", "第二句话。"]))
    site = project.build()
    (site / "stale.html").write_text("a page of a site long gone")
    (site / ".nojekyll").write_text("")
    first = sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.name != "stale.html")
    project.build()
    assert sorted(str(p.relative_to(site)) for p in site.rglob("*")) == first
    assert list((project.root / ".cache/podcast" / OLD_SITE).iterdir()) == []
