"""A build keeps what it made (checked episode files, rendered pages, transcripts, pages as MkDocs finished
them) and the next build takes it again when every input is the same. The rule that makes a wrong hit
impossible: the site a build makes from kept work is byte for byte the site a build makes without it, and
each kind of input, changed, changes the site exactly as it changes a build that keeps nothing."""

from __future__ import annotations

import contextlib
import shutil
import struct
import zlib
from pathlib import Path

import pytest

from site_plugins.podcast import memo
from site_plugins.podcast.session import template_folder
from site_plugins.podcast.store.record import RECORD_NAME, Published, record_bytes

from .conftest import SiteProject, square_png
from .test_audio import script_episode

pytestmark = pytest.mark.site


def snapshot(site: Path) -> dict[str, bytes]:
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def differing(one: dict[str, bytes], other: dict[str, bytes]) -> list[str]:
    return sorted(name for name in one.keys() | other.keys() if one.get(name) != other.get(name))


def forget(project: SiteProject) -> None:
    """What makes the next build cold: the kept work and the search index's cache (the audio stays made)."""
    for name in ("build", "search"):
        shutil.rmtree(project.root / ".cache/podcast" / name, ignore_errors=True)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def other_png(path: Path) -> None:
    """The same picture size, other pixels: an image file changed in place."""
    data = square_png(1400)
    start = data.index(b"IDAT")
    body = zlib.compress(b"".join(b"\x00" + bytes([200, 40, 40]) * 1400 for _ in range(1400)))
    chunk = struct.pack(">I", len(body)) + b"IDAT" + body + struct.pack(">I", zlib.crc32(b"IDAT" + body))
    end = start + 4 + struct.unpack(">I", data[start - 4:start])[0] + 4
    path.write_bytes(data[:start - 4] + chunk + data[end:])


CHANGES = {
    "a word of a turn": lambda root: edit(root / "episodes/city-night-libraries.yaml", "图书馆", "书店"),
    "the podcast's settings": lambda root: edit(root / "mkdocs.yml", "per_page: 10",
                                                   "per_page: 10\n      owner_name: 另一个团队"),
    "the theme's settings": lambda root: edit(root / "mkdocs.yml", "  font: false\n",
                                              "  font: false\n  palette: {primary: teal}\n"),
    "an editor's page in the navigation": lambda root: (root / "docs/about.md").write_text(
        "# 关于本节目\n\nAbout.\n", encoding="utf-8"),
    "a theme override": lambda root: (root / "overrides/main.html").write_text(
        '{% extends "base.html" %}\n{% block footer %}<p>override</p>{% endblock %}\n', encoding="utf-8"),
    "an episode's summary (its cards in every listing)": lambda root: edit(
        root / "episodes/city-night-libraries.yaml", "summary: |\n  ", "summary: |\n  午夜之后，"),
    "the image an episode names": lambda root: other_png(root / "episodes/images/tidal-power-pilot.png"),
    # A value the catalog sets after checking the file: the GUID it was published with under another file name.
    "the publish record": lambda root: (root / "audio" / RECORD_NAME).write_bytes(record_bytes({
        "urn:podcast:renamed": Published("urn:podcast:renamed", "episodes/tide.yaml", "tidal-power-pilot",
                                         "Can a Fishing Town Run on the Tide?", "2025-11-24", False)})),
}


@pytest.fixture(scope="module")
def kept_project(tmp_path_factory) -> SiteProject:
    project = SiteProject(tmp_path_factory.mktemp("kept") / "pod")
    project.copy_samples()
    edit(project.root / "mkdocs.yml", "  - archive/index.md\n", "  - archive/index.md\n  - about.md\n")
    (project.root / "docs/about.md").write_text("# 关于\n\nAbout.\n", encoding="utf-8")
    edit(project.root / "mkdocs.yml", "theme:\n", "theme:\n  custom_dir: overrides\n")
    (project.root / "overrides").mkdir()
    return project


def test_a_build_from_kept_work_is_the_build_made_without_it(kept_project):
    project = kept_project
    cold = snapshot(project.build())
    warm = snapshot(project.build())
    assert differing(cold, warm) == []
    # The episode pages were published as the first build finished them: files of the cache, linked.
    kept = list((project.root / ".cache/podcast/build/finished").iterdir())
    page = project.root / "site/episodes/tidal-power-pilot/index.html"
    assert any(page.samefile(path) for path in kept)
    # The theme's templates as the first build compiled them: in this user's own folder, never in the project's
    # cache, whose values are read back as data only (a compiled template is code).
    folder = template_folder()
    assert folder is not None and any(path.name.startswith("__jinja2_") for path in folder.rglob("*")), folder
    assert not any(path.name.startswith("__jinja2_") for path in (project.root / ".cache").rglob("*"))


@pytest.mark.parametrize("change", list(CHANGES))
def test_each_input_changed_changes_the_site_as_a_build_without_kept_work_does(kept_project, change):
    project = kept_project
    shutil.rmtree(project.root / "overrides", ignore_errors=True)
    (project.root / "overrides").mkdir()
    before = snapshot(project.build())
    CHANGES[change](project.root)
    warm = snapshot(project.build())
    forget(project)
    cold = snapshot(project.build())
    assert differing(warm, cold) == [], "the build from kept work differs from one without it"
    assert differing(before, cold), "the change changed nothing: the test would not see a stale page"


def test_another_version_of_the_code_keeps_nothing(kept_project, monkeypatch):
    project = kept_project
    project.build()
    monkeypatch.setattr(memo, "code_digest", lambda: b"another version")
    made: list[memo.Memo] = []
    monkeypatch.setattr(memo.Memo, "save", lambda self: made.append(self))
    project.build()
    assert made and all(m.hits == 0 for m in made), [(m.path.name, m.hits) for m in made]


def test_an_mp3_changed_on_disk_is_checked_again_not_reused_as_kept(kept_project):
    """The kept decision to reuse a finished MP3 holds for that file as it was: bytes written into it since
    (its time moves) send it through every check again, and the damaged file is made anew."""
    project = kept_project
    project.build()  # the MP3s made, then reused: now kept as reused
    before = snapshot(project.build())
    mp3 = project.root / "audio/tidal-power-pilot.mp3"
    with mp3.open("r+b") as file:  # damaged in place: same file, same size
        file.seek(mp3.stat().st_size // 2)
        file.write(b"\0" * 4096)
    warm = snapshot(project.build())
    assert differing(before, warm) == [], "the MP3 was made again from the turns, as it was"
    forget(project)
    assert differing(warm, snapshot(project.build())) == []


def test_after_one_episodes_edit_only_what_shows_it_is_made_again(tmp_path, monkeypatch):
    """Listings keep their cards one by one, through builds that take the listings whole: an edited summary
    makes again that episode's page, its cards and the pages and listings that show it, nothing else."""
    project = SiteProject(tmp_path / "pod")
    for day in range(1, 9):
        episode = script_episode(f"day-{day}", ["第一句话。", "第二句话。"]).replace("2025-12-08", f"2025-11-0{day}")
        project.add_episode(f"day-{day}.yaml", episode.replace("tags: []", "") + "tags: [能源]\ncategory: 新闻\n")
    project.build()
    project.build()  # nothing changed: every listing taken whole (and its cards kept with it)
    edit(project.root / "episodes/day-1.yaml", "summary: ", "summary: 改过的。")  # the oldest: no card shows it
    saved: dict[str, memo.Memo] = {}
    save = memo.Memo.save
    monkeypatch.setattr(memo.Memo, "save", lambda self: (saved.setdefault(self.path.stem, self), save(self)))
    project.build()
    kept = memo.Memo(project.root / ".cache/podcast", "pages")
    cards = sum(len(kept.get(key)) for key in kept.entries if key.endswith(".cards"))  # in the listings
    # Made again: the cards of the edited episode in its listings (home, archive, its tag and category: 4), the
    # listings (4), its own page and the pages that list it as related; every other card was kept.
    assert cards >= 32 and saved["pages"].misses <= 4 + 4 + 1 + 5, (cards, saved["pages"].misses)


def test_a_kept_page_changed_in_place_through_the_site_is_rendered_again(kept_project):
    """A finished page is kept as the site's own file, linked: a tool that rewrites that file in place changes
    the kept one too, and the next build renders the page again rather than publish the changed file."""
    project = kept_project
    before = snapshot(project.build())
    page = project.root / "site/episodes/tidal-power-pilot/index.html"
    kept = [path for path in (project.root / ".cache/podcast/build/finished").iterdir() if page.samefile(path)]
    assert kept, "the page is not kept as the site's file"
    with page.open("r+b") as file:  # same size, other bytes
        file.write(b"<!-- rewritten in place -->")
    assert kept[0].read_bytes().startswith(b"<!-- rewritten")
    assert differing(before, snapshot(project.build())) == []


def test_a_dirty_build_never_writes_into_a_kept_page(kept_project):
    """`mkdocs build --dirty` writes over the site's files, which are links of kept pages: each page it renders
    again is a new file, and a kept page keeps the bytes it was kept with."""
    project = kept_project
    project.build()
    with contextlib.ExitStack() as opened:  # each kept file held open: read after the build even if it removed it
        kept = {path.name: (opened.enter_context(path.open("rb")), path.read_bytes())
                for path in (project.root / ".cache/podcast/build/finished").iterdir()}
        edit(project.root / "episodes/city-night-libraries.yaml", "summary: |\n  ", "summary: |\n  深夜，")
        project.build(dirty=True, strict=False)  # MkDocs warns that a dirty build is for development only
        changed = [name for name, (file, data) in kept.items() if file.seek(0) or file.read() != data]
    assert changed == []
