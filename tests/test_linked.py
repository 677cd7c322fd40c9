"""Published files the build derives (MP3s, the search index's page texts) go into the site as
hard links, not copies: a site of 300 twenty-minute recordings would otherwise copy 1.4 GB on every build.
The project's own files (an episode's image, the site's scripts) are copied, so a tool that later rewrites
the site in place cannot change them. Where a link cannot be made (another filesystem), the file is copied;
either way the target is replaced, never written in place."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from site_plugins.podcast.writer import link_or_copy

from .conftest import REPO, SiteProject
from .test_audio import script_episode

pytestmark = pytest.mark.site

OTHER_FILESYSTEM = Path("/dev/shm")


def test_the_sites_mp3s_are_links_of_the_audio_folders_files(tmp_path):
    project = SiteProject(tmp_path / "pod")
    project.add_episode("a.yaml", script_episode("ep", ["第一句话。", "第二句话。"]))
    site = project.build()
    audio = project.plugin.output.audio.audio["ep"]
    published = site / audio.uri
    built = [path for path in (project.root / "audio").rglob("*.mp3") if path.samefile(published)]
    assert built, "the site's MP3 is the audio folder's file, linked"
    before = built[0].read_bytes()
    site = project.build()  # a second build replaces the link, and leaves the audio folder's file as it was
    assert (site / audio.uri).samefile(built[0])
    assert built[0].read_bytes() == before


def test_replacing_a_linked_file_never_changes_its_source(tmp_path):
    source, target = tmp_path / "a.mp3", tmp_path / "site" / "a.mp3"
    source.write_bytes(b"first")
    link_or_copy(source, target)
    assert target.samefile(source)
    other = tmp_path / "b.mp3"
    other.write_bytes(b"second")
    link_or_copy(other, target)
    assert target.read_bytes() == b"second" and source.read_bytes() == b"first"
    assert [p.name for p in target.parent.iterdir()] == ["a.mp3"], "no temporary file is left"


def test_across_filesystems_the_file_is_copied(tmp_path):
    if not OTHER_FILESYSTEM.is_dir() or os.stat(OTHER_FILESYSTEM).st_dev == os.stat(tmp_path).st_dev:
        pytest.skip(f"{OTHER_FILESYSTEM} is not another filesystem here")
    source = OTHER_FILESYSTEM / f"podcast-link-test-{os.getpid()}.mp3"
    try:
        source.write_bytes(b"audio bytes")
        link_or_copy(source, tmp_path / "a.mp3")
        assert (tmp_path / "a.mp3").read_bytes() == b"audio bytes"
        assert not (tmp_path / "a.mp3").samefile(source)
        assert oct((tmp_path / "a.mp3").stat().st_mode & 0o777) == "0o644"
    finally:
        source.unlink(missing_ok=True)


def test_the_projects_own_files_are_copied_never_linked(tmp_path):
    project = SiteProject(tmp_path / "pod")
    project.copy_samples()
    site = project.build()
    image = project.root / "episodes/images/tidal-power-pilot.png"
    published = [path for path in site.rglob("*.png") if path.read_bytes() == image.read_bytes()]
    assert published, "the episode's image is published"
    assert not [path for path in published if path.samefile(image)], "an image of the project is copied"
    script = site / "assets/podcast/player.js"
    assert script.read_bytes() == (REPO / "site_plugins/podcast/render/assets/player.js").read_bytes()
    assert not script.samefile(REPO / "site_plugins/podcast/render/assets/player.js")


def test_a_copy_an_earlier_build_made_is_kept_while_it_and_its_source_are_unchanged(tmp_path):
    project = SiteProject(tmp_path / "pod")
    project.copy_samples()
    image = project.root / "episodes/images/tidal-power-pilot.png"
    site = project.build()
    (published,) = [path for path in site.rglob("*.png") if path.read_bytes() == image.read_bytes()]
    first = published.stat()
    site = project.build()  # nothing changed: the copy is not made again (a recording's is gigabytes)
    assert published.stat().st_ino == first.st_ino and published.stat().st_mtime_ns == first.st_mtime_ns
    assert not published.samefile(image)
    with open(published, "r+b") as file:  # a tool rewrites the built site in place
        file.write(b"not the image")
    project.build()
    assert published.read_bytes() == image.read_bytes(), "a copy changed after the build is copied again"
    image.write_bytes(image.read_bytes() + b"\0")  # the editor's file changes: the site gets the new bytes
    project.build()
    assert published.read_bytes() == image.read_bytes() and not published.samefile(image)


@pytest.mark.unit
def test_a_copy_is_made_again_when_its_record_or_either_file_is_not_as_recorded(tmp_path):
    from site_plugins.podcast.copies import SiteCopies

    source, target, record = tmp_path / "a.mp3", tmp_path / "site/a.mp3", tmp_path / "copies.json"
    source.write_bytes(b"recording")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(source, ns=(an_hour_ago, an_hour_ago))

    def copied() -> bool:  # whether this build made the copy anew
        before = target.stat().st_ino if target.exists() else None
        copies = SiteCopies(record)
        copies.put(str(source), str(target))
        copies.save()
        assert target.read_bytes() == source.read_bytes() and not target.samefile(source)
        return target.stat().st_ino != before

    assert copied()
    assert not copied()
    os.link(target, tmp_path / "elsewhere")  # a copy linked elsewhere could be written through: copied anew
    assert copied()
    os.utime(source, ns=(an_hour_ago + 1, an_hour_ago + 1))  # the source's times move: copied anew
    assert copied()
    assert not copied()
    record.write_text("{not json")  # a record that cannot be read is empty
    assert copied()
    assert not copied()
    record.unlink()
    record.symlink_to("/dev/zero")  # no record read from a device
    assert copied()
    record.unlink()
    assert copied() and not copied()
    source.write_bytes(b"RECORDING")  # changed just now: a coarse clock could show the next change with the
    assert copied()  # same times, so this copy is not trusted next time
    assert copied()


@pytest.mark.unit
def test_builds_into_two_site_folders_keep_each_others_copies(tmp_path):
    """A preview's site folder beside the built one: going from one to the other copies nothing again; a copy
    that is gone leaves the record."""
    import json

    from site_plugins.podcast.copies import SiteCopies

    source, record = tmp_path / "a.mp3", tmp_path / "copies.json"
    source.write_bytes(b"recording")
    an_hour_ago = time.time_ns() - 3600 * 10**9
    os.utime(source, ns=(an_hour_ago, an_hour_ago))

    def build(site: str) -> int:
        copies = SiteCopies(record)
        copies.put(str(source), str(tmp_path / site / "a.mp3"))
        copies.save()
        return (tmp_path / site / "a.mp3").stat().st_ino

    built, served = build("site"), build("served")
    assert build("site") == built and build("served") == served, "neither copied again"
    (tmp_path / "served/a.mp3").unlink()
    build("site")
    assert list(json.loads(record.read_text())) == [str(tmp_path / "site/a.mp3")]


@pytest.mark.unit
def test_only_files_inside_a_derived_folder_are_linkable_whatever_path_leads_there(tmp_path):
    from site_plugins.podcast.writer import LinkRule

    cache, project_file = tmp_path / "cache", tmp_path / "episodes" / "cover.jpg"
    for folder in (cache / "turns", tmp_path / "cache2", project_file.parent):
        folder.mkdir(parents=True)
    for path in (cache / "turns" / "a.mp3", tmp_path / "cache2" / "b.mp3", project_file):
        path.write_bytes(b"x")
    (cache / "leads-out.jpg").symlink_to(project_file)  # inside by its name, outside by what it is
    (tmp_path / "way-in").symlink_to(cache / "turns")  # outside by its name, inside by what it is
    linkable = LinkRule([cache.resolve()])
    assert linkable(cache / "turns" / "a.mp3")
    assert linkable(tmp_path / "way-in" / "a.mp3")
    assert linkable(cache / "turns" / ".." / "turns" / "a.mp3")
    assert not linkable(tmp_path / "cache2" / "b.mp3")  # a folder whose name only starts like the cache's
    assert not linkable(cache / "leads-out.jpg")
    assert not linkable(project_file)
    assert not linkable(cache / "missing.mp3")
