"""A build that ends its process holds what it made from the garbage collector's later passes (`collector`);
a preview server, which builds again and again, holds nothing, and a new session gives back what the build
before it in the same process held, and collects the cycles among it."""

from __future__ import annotations

import gc
import weakref

import pytest

from site_plugins.podcast.collector import hold_objects, reading, release_objects

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
def test_reading_leaves_the_full_passes_out_until_it_ends_however_it_ends():
    before = gc.get_threshold()
    with reading(True):
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2], "the quick passes go on"
        assert full > 1_000_000, "no full pass while the catalog is read"
        node = _Node()
        ref = weakref.ref(node)
        del node
        gc.collect(1)
        assert ref() is None, "a cycle dropped while reading is still freed by a quick pass"
    assert gc.get_threshold() == before, "the full passes are back"
    with pytest.raises(ValueError), reading(True):
        raise ValueError("an episode file could not be read")
    assert gc.get_threshold() == before, "also when reading fails"
    with reading(False):
        assert gc.get_threshold() == before, "a process that goes on (a preview) keeps its full passes"
    try:
        with reading(True):
            gc.set_threshold(500, 5, gc.get_threshold()[2])  # another program's choice meanwhile
        assert gc.get_threshold() == (500, 5, before[2]), "only the full passes' threshold is given back"
    finally:
        gc.set_threshold(*before)


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
    seen, thresholds = watching_thresholds(project.build)
    assert (10, 10, 1 << 30) in seen, "no full pass while the catalog was read; the quick ones as they were"
    assert seen[-1] == thresholds, "the full passes back by the build's end"
    assert gc.get_freeze_count() > 0, "a build that ends the process holds what it made"
    del node
    gc.collect()
    assert ref() is not None
    project.build(command="serve")
    assert ref() is None, "the next session collects the cycles the build before it held"
    assert gc.get_freeze_count() == 0, "a preview holds nothing"


@pytest.mark.site
def test_podcast_build_holds_what_it_reads_and_ends_with_the_full_passes_back(project: SiteProject, monkeypatch):
    """`podcast build`, whose process ends after it, holds as a MkDocs build does: its catalog read with the full
    passes left out, given back once the episodes and their audio are read."""
    from site_plugins.podcast.cli import main

    gc.unfreeze()
    project.add_episode("one.yaml", episode_yaml("第一期"))
    monkeypatch.chdir(project.root)
    monkeypatch.setenv("PODCAST_TTS", "espeak")

    def build() -> None:
        assert main(["build", "--out", str(project.root / "staged")]) == 0

    seen, thresholds = watching_thresholds(build)
    assert (10, 10, 1 << 30) in seen, "no full pass while the catalog was read; the quick ones as they were"
    assert seen[-1] == thresholds, "the full passes back by the build's end"
    assert gc.get_freeze_count() > 0, "what the command read is held"


def watching_thresholds(build) -> tuple[list[tuple[int, int, int]], tuple[int, int, int]]:
    """(the collector's thresholds at each of its passes while `build()` ran, the thresholds it ran with): a quick
    pass every few objects, so that some fall while the catalog is read, however small."""
    before = gc.get_threshold()
    thresholds = (10, 10, 10)
    seen: list[tuple[int, int, int]] = []

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            seen.append(gc.get_threshold())

    gc.set_threshold(*thresholds)
    gc.callbacks.append(watch)
    try:
        build()
        seen.append(gc.get_threshold())
    finally:
        gc.callbacks.remove(watch)
        gc.set_threshold(*before)
    return seen, thresholds


@pytest.mark.unit
def test_a_worker_reads_ahead_with_no_full_pass_then_holds_what_it_read(tmp_path):
    """What a worker reads ahead lives as long as the worker (`memo.read_ahead_to_keep`): read with the full passes
    left out, then held from the later ones, which walked all of it again (at 10 000 episodes the worker's reading
    and later work took twice ten times what they took at 1000)."""
    from site_plugins.podcast.memo import Memo, _read_kept, memo_path, read_ahead_to_keep

    with Memo(tmp_path, "episodes") as memo:
        for number in range(200):
            memo.put(f"e{number}", [{"turn": str(turn)} for turn in range(20)])
    path = memo_path(tmp_path, "episodes")
    passes: list[tuple[int, int]] = []  # (generation, the full passes' threshold) of each pass

    def watch(phase: str, info: dict) -> None:
        if phase == "start":
            passes.append((info["generation"], gc.get_threshold()[2]))

    gc.callbacks.append(watch)
    try:
        seen, thresholds = watching_thresholds(lambda: read_ahead_to_keep(str(path)))
        gc.callbacks.remove(watch)
        reading = [generation for generation, full in passes if full == 1 << 30]
        assert len(reading) > 10 and max(reading) < 2, "quick passes only, while reading"
        assert seen[-1] == thresholds, "the full passes back once read"
        value = _read_kept(path, "e7")
        assert value == [{"turn": str(turn)} for turn in range(20)]
        assert not any(found is value for found in gc.get_objects()), "held: out of the collector's passes"
    finally:
        if watch in gc.callbacks:
            gc.callbacks.remove(watch)
        release_objects()
    assert any(found is value for found in gc.get_objects()), "given back"
