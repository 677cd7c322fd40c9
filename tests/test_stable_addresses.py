"""Once published, an episode keeps its address: a title edit does not move it, and a copy of it never takes it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_plugins.podcast import load_catalog
from site_plugins.podcast.load.siteconfig import read_site_settings
from site_plugins.podcast.store.record import RECORD_NAME, Published, record_bytes

from .conftest import copy_site

pytestmark = pytest.mark.unit

LIBRARIES = "episodes/city-night-libraries.yaml"
TIDES = "episodes/tidal-power-pilot.yaml"


@pytest.fixture
def published(tmp_path) -> Path:
    """The sample site, both episodes published as they are now."""
    copy_site(tmp_path)
    catalog = catalog_of(tmp_path)
    entries = {e.guid: Published(e.guid, e.source_path, e.slug, e.title, e.date.isoformat(), e.wrote("guid"),
                                 page=f"episodes/{e.slug}/") for e in catalog.episodes}
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / RECORD_NAME).write_bytes(record_bytes(entries))
    return tmp_path


def catalog_of(root: Path, *, preview: bool = False):
    settings = read_site_settings(root / "mkdocs.yml")
    return load_catalog([root / "episodes"], settings, root=root, include_drafts=preview, project_dir=root)


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")


def test_a_title_edit_leaves_a_published_page_where_it_was(published):
    before = {e.source_path: e.slug for e in catalog_of(published).episodes}
    edit(published, LIBRARIES, "title: 青溪的图书馆", "title: 青溪图书馆")
    catalog = catalog_of(published)
    assert {e.source_path: e.slug for e in catalog.episodes} == before
    (note,) = [p for p in catalog.problems if p.path == LIBRARIES]
    assert str(note).startswith(f"{LIBRARIES}:2:8: note: this episode was published at the address "
                                f"'{before[LIBRARIES]}', and its title now makes ")
    assert f"the line 'slug: {before[LIBRARIES]}' in this file keeps it there for good" in str(note)
    assert not note.is_error


def test_a_slug_written_on_purpose_moves_the_page(published):
    edit(published, LIBRARIES, "title:", "slug: night-libraries\ntitle:")
    catalog = catalog_of(published)
    assert "night-libraries" in {e.slug for e in catalog.episodes} and not catalog.problems


@pytest.mark.parametrize("copy", ["a-copy.yaml", "zz-copy.yaml"])
def test_a_copy_of_a_published_episode_is_the_one_told(published, copy):
    shutil.copy(published / TIDES, published / "episodes" / copy)
    for preview in (False, True):
        catalog = catalog_of(published, preview=preview)
        owners = {e.slug: e.source_path for e in catalog.episodes}
        assert owners["tidal-power-pilot"] == TIDES, "the published file keeps its address, in the preview too"
        errors = [str(p) for p in catalog.errors]
        assert len(errors) == 1 and errors[0].startswith(f"episodes/{copy}:7:7: slug 'tidal-power-pilot' is "
                                                         f"already used by {TIDES}"), errors


def test_one_malformed_record_entry_costs_only_itself(published):
    """A renamed episode keeps its published GUID even when another entry of the record is broken; a record
    nested too deep to read is no record, not a crash."""
    import json

    from site_plugins.podcast.store.record import parse_record

    path = published / "audio" / RECORD_NAME
    record = json.loads(path.read_text(encoding="utf-8"))
    record["episodes"]["broken"] = {"slug": None, "former": "not a list", "file": 3}
    path.write_text(json.dumps(record), encoding="utf-8")
    guid = next(e.guid for e in catalog_of(published).episodes if e.source_path == TIDES)
    text = (published / TIDES).read_text(encoding="utf-8")
    (published / TIDES).unlink()
    (published / "episodes/tides-renamed.yaml").write_text(text, encoding="utf-8")
    renamed = next(e for e in catalog_of(published).episodes if e.source_path == "episodes/tides-renamed.yaml")
    assert renamed.guid == guid, "the record's other entries still hold the published GUID"
    assert parse_record(b'{"format": 1, "episodes": ' + b"[" * 100_000 + b"]" * 100_000 + b"}") == {}
