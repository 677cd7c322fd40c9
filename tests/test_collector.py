"""A build that ends its process holds what it made from the garbage collector's later passes (`collector`);
a preview server, which builds again and again, holds nothing, and a new session gives back what the build
before it in the same process held, and collects the cycles among it."""

from __future__ import annotations

import gc
import weakref

import pytest

from site_plugins.podcast.collector import hold_objects, release_objects

from .conftest import SiteProject, episode_yaml


class _Node:
    """An object in a cycle with itself: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture(autouse=True)
def nothing_held_after():
    yield
    release_objects()
    gc.unfreeze()


@pytest.mark.unit
def test_held_objects_are_given_back_with_their_cycles_collected():
    gc.unfreeze()
    node = _Node()
    ref = weakref.ref(node)
    hold_objects()
    assert gc.get_freeze_count() > 0
    del node
    gc.collect()
    assert ref() is not None, "a held cycle waits for the release"
    release_objects()
    assert gc.get_freeze_count() == 0
    assert ref() is None, "the release collects what it gives back"


@pytest.mark.unit
def test_a_hold_while_reading_leaves_the_full_passes_out_until_the_next_hold():
    gc.unfreeze()
    before = gc.get_threshold()
    hold_objects(reading=True)
    young, middle, full = gc.get_threshold()
    assert (young, middle) == before[:2], "the quick passes go on"
    assert full > 1_000_000, "no full pass while the catalog is read"
    node = _Node()
    ref = weakref.ref(node)
    del node
    gc.collect(1)
    assert ref() is None, "a cycle dropped while reading is still freed by a quick pass"
    hold_objects()
    assert gc.get_threshold() == before, "the next hold gives the full passes back"
    hold_objects(reading=True)
    release_objects()
    assert gc.get_threshold() == before, "so does the release"


@pytest.mark.unit
def test_another_programs_frozen_objects_stay_frozen_when_nothing_was_held():
    gc.unfreeze()
    release_objects()  # nothing of ours held
    node = _Node()
    ref = weakref.ref(node)
    gc.freeze()  # another program's choice: not ours to undo
    del node
    release_objects()
    gc.collect()
    assert ref() is not None, "still frozen: the collector did not get it back"
    assert gc.get_freeze_count() > 0


@pytest.mark.site
def test_a_build_holds_what_it_made_and_the_next_session_collects_its_cycles(project: SiteProject):
    gc.unfreeze()
    project.add_episode("one.yaml", episode_yaml("第一期"))
    node = _Node()
    ref = weakref.ref(node)
    thresholds = gc.get_threshold()
    project.build()
    assert gc.get_freeze_count() > 0, "a build that ends the process holds what it made"
    assert gc.get_threshold() == thresholds, "and has the collector's full passes back by its end"
    del node
    gc.collect()
    assert ref() is not None
    project.build(command="serve")
    assert ref() is None, "the next session collects the cycles the build before it held"
    assert gc.get_freeze_count() == 0, "a preview holds nothing"



@pytest.mark.site
def test_podcast_build_holds_what_it_reads_and_ends_with_the_full_passes_back(project: SiteProject, monkeypatch):
    """`podcast build`, whose process ends after it, holds as a MkDocs build does: its catalog read with the full
    passes left out (seen from the collector's own passes), given back once the episodes and their audio are read."""
    from site_plugins.podcast.cli import main

    gc.unfreeze()
    project.add_episode("one.yaml", episode_yaml("第一期"))
    before = gc.get_threshold()
    thresholds = (10, 10, 10)  # a quick pass every few objects: some while the catalog is read, however small
    seen: list[tuple[int, int, int]] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(gc.get_threshold())

    monkeypatch.chdir(project.root)
    monkeypatch.setenv("PODCAST_TTS", "espeak")
    gc.set_threshold(*thresholds)
    gc.callbacks.append(watch)
    try:
        assert main(["build", "--out", str(project.root / "staged")]) == 0
        found = gc.get_threshold()
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*before)
    assert (10, 10, 1 << 30) in seen, "no full pass while the catalog was read; the quick ones as they were"
    assert found == thresholds, "the full passes given back by the end"
    assert seen[-1] == thresholds, "and before the build's end: its pages are made with them"
    assert gc.get_freeze_count() > 0, "what the command read is held"
