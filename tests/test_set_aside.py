"""Before a build, the last build's files leave the site folder in one rename each, and are removed while the
build goes on: MkDocs, which empties the folder first, finds nothing to wait for (8 000 files took it 0.7 s of
a rebuild). The folders of the podcast's own files are taken back, less what the build no longer makes: a site
rebuilt over them is the site built afresh. Hidden entries stay, as MkDocs keeps them; nothing is left behind in
the cache."""

from __future__ import annotations

import hashlib

import pytest

from site_plugins.podcast.writer import OLD_SITE, SetAside, link_or_copy, remove_stale_parts, write_over

from .conftest import SiteProject
from .test_audio import script_episode
from .test_kept_builds import differing, edit, forget, snapshot


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


@pytest.mark.unit
def test_the_folders_of_the_builds_own_files_are_taken_back_less_what_it_no_longer_makes(tmp_path):
    site, old = _old_site(tmp_path), tmp_path / "cache" / OLD_SITE
    (site / "episodes/gone").mkdir()
    (site / "episodes/gone/index.html").write_text("an episode removed since")
    (site / "episodes/a/.index.html.1a2b.part").write_text("half a file of a stopped build")
    kept = tmp_path / "kept.html"  # a page the last build published as a kept file, linked
    kept.write_text("kept page")
    (site / "episodes/a/index.html").unlink()
    (site / "episodes/a/index.html").hardlink_to(kept)
    (site / "episodes/a/transcript.vtt").write_text("WEBVTT")
    (site / "assets/x").mkdir(parents=True)
    (site / "assets/x/theme.js").write_text("the host's")
    folder = (site / "episodes/a").stat().st_ino
    aside = SetAside(site, old)
    aside.start()
    assert aside.take_back(host={"assets/x/theme.js", "index.html"}) == site
    aside.keep({"episodes/a/index.html": False, "episodes/a/transcript.vtt": True, "episodes/b/index.html": False,
                "assets/x/podcast.js": True, "feed.xml": True})
    aside.wait()
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == [
        ".git", ".nojekyll", "episodes", "episodes/a", "episodes/a/transcript.vtt"]
    assert (site / "episodes/a").stat().st_ino == folder, "the folder is the last build's, not a new one"
    assert kept.read_text() == "kept page", "a page the host writes in place is a new file, not the kept one"
    assert list(old.iterdir()) == [], "the rest is removed: root files, the host's folders"


@pytest.mark.unit
def test_a_linked_file_taken_back_is_left_when_it_is_the_one_to_link_and_replaced_when_not(tmp_path):
    site, old = _old_site(tmp_path), tmp_path / "cache" / OLD_SITE
    same, other = tmp_path / "same.json", tmp_path / "other.json"
    same.write_text("same")
    other.write_text("new text")
    (site / "episodes/a/index.html").unlink()
    (site / "episodes/a/index.html").hardlink_to(same)
    (site / "episodes/a/chapters.json").write_text("old text")
    aside = SetAside(site, old)
    aside.start()
    aside.take_back()
    aside.keep({"episodes/a/index.html": True, "episodes/a/chapters.json": True})
    aside.wait()
    link_or_copy(same, site / "episodes/a/index.html")
    link_or_copy(other, site / "episodes/a/chapters.json")
    assert (site / "episodes/a/index.html").samefile(same) and (site / "episodes/a/chapters.json").samefile(other)
    assert sorted(p.name for p in (site / "episodes/a").iterdir()) == ["chapters.json", "index.html"], "no part left"


@pytest.mark.site
def test_a_site_rebuilt_over_the_last_one_is_the_site_built_afresh(tmp_path):
    """An episode removed, one renamed, one edited, a file put into an episode's folder by hand: the rebuild, over
    the last build's folders, publishes what a build into an empty folder without kept work does."""
    project = SiteProject(tmp_path / "pod")
    for slug in ("ep-a", "ep-b", "ep-c"):
        project.add_episode(f"{slug}.yaml", script_episode(slug, ["第一句话。", f"{slug}的第二句话。"]))
    site = project.build()
    folder, stamp = (site / "episodes/ep-a").stat().st_ino, (site / "episodes/ep-a/transcript.vtt").stat().st_ino
    (project.root / "episodes/ep-c.yaml").unlink()
    edit(project.root / "episodes/ep-b.yaml", "slug: ep-b", "slug: ep-renamed")
    edit(project.root / "episodes/ep-a.yaml", "summary: 关于能源的一期。", "summary: 关于电网的一期。")
    (site / "episodes/ep-a/notes.txt").write_text("put here by hand")
    rebuilt = snapshot(project.build())
    assert (site / "episodes/ep-a").stat().st_ino == folder, "the episode's folder was taken back"
    forget(project)
    afresh = snapshot(project.build(tmp_path / "afresh"))
    assert differing(rebuilt, afresh) == []
    assert "episodes/ep-c/index.html" not in rebuilt and "episodes/ep-a/notes.txt" not in rebuilt
    forget(project)  # cold, over the last build's files: each made again is written over the old one in its place
    assert differing(snapshot(project.build()), afresh) == []
    transcript = site / "episodes/ep-a/transcript.vtt"
    assert transcript.stat().st_nlink == 2 and transcript.stat().st_ino == stamp, "written over, linked to the cache"
    for path in (project.root / ".cache/podcast/build/files").iterdir():  # named by their bytes: none written through
        assert hashlib.sha256(path.read_bytes()).hexdigest()[:40] == path.stem, path


@pytest.mark.unit
def test_a_file_made_for_the_site_is_written_over_the_old_one_in_its_place_unless_that_is_linked(tmp_path):
    """A cache file the site will link is written into the site's file of a build before, in the place it will be
    linked to, and that file linked into the cache: no new file. Never through a file linked elsewhere."""
    lone, linked, kept = tmp_path / "lone.vtt", tmp_path / "linked.html", tmp_path / "kept.html"
    lone.write_text("the last build's transcript, longer than the new one")
    kept.write_text("a page kept by the cache")
    linked.hardlink_to(kept)
    write_over(tmp_path / "cache/a.vtt", b"WEBVTT new", old=lone)
    assert (tmp_path / "cache/a.vtt").samefile(lone) and lone.read_bytes() == b"WEBVTT new"
    write_over(tmp_path / "cache/b.html", b"new page", old=linked)
    assert (tmp_path / "cache/b.html").read_bytes() == b"new page" and kept.read_text() == "a page kept by the cache"
    assert not (tmp_path / "cache/b.html").samefile(linked)
    write_over(tmp_path / "cache/c.json", b"{}", old=tmp_path / "none.json")
    assert (tmp_path / "cache/c.json").read_bytes() == b"{}"
    stale, page = tmp_path / "cache/d.html", tmp_path / "page.html"  # a kept page found stale: replaced, not kept
    stale.write_text("a page changed since")
    page.write_text("the last build's page")
    write_over(stale, b"the page made now", old=page)
    assert stale.samefile(page) and stale.read_bytes() == b"the page made now"
    private, pointer = tmp_path / "private.json", tmp_path / "pointer.json"
    private.write_text("{}")
    private.chmod(0o600)
    write_over(tmp_path / "cache/e.json", b'{"a": 1}', old=private)  # published as `write_atomic` makes files
    assert private.read_bytes() == b'{"a": 1}' and private.stat().st_mode & 0o777 == 0o644
    pointer.symlink_to(kept)
    write_over(tmp_path / "cache/f.html", b"through a link", old=pointer)  # never written through a symbolic link
    assert kept.read_text() == "a page kept by the cache"
    assert (tmp_path / "cache/f.html").read_bytes() == b"through a link"


@pytest.mark.site
def test_files_the_host_leaves_out_are_not_kept_from_the_last_build(tmp_path):
    """Settings that leave files out (`exclude_docs`) apply to the podcast's files after they are made: a rebuild
    over the last build's folders keeps only what the host writes."""
    project = SiteProject(tmp_path / "pod")
    project.add_episode("ep-a.yaml", script_episode("ep-a", ["第一句话。", "第二句话。"]))
    assert (project.build() / "episodes/ep-a/transcript.vtt").is_file()
    edit(project.root / "mkdocs.yml", "theme:\n", 'exclude_docs: "*.vtt"\ntheme:\n')
    rebuilt = snapshot(project.build())
    forget(project)
    afresh = snapshot(project.build(tmp_path / "afresh"))
    assert differing(rebuilt, afresh) == [] and "episodes/ep-a/transcript.vtt" not in rebuilt
