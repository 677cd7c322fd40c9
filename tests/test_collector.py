"""A build that ends its process holds what it made from the garbage collector's later passes (`collector`);
a preview server, which builds again and again, holds nothing, and a new session gives back what the build
before it in the same process held."""

from __future__ import annotations

import gc

import pytest

from site_plugins.podcast.collector import hold_objects, release_objects

from .conftest import SiteProject, episode_yaml


@pytest.fixture(autouse=True)
def nothing_held_after():
    yield
    release_objects()
    gc.unfreeze()


@pytest.mark.unit
def test_held_objects_are_given_back_and_another_programs_frozen_objects_stay_frozen():
    gc.unfreeze()
    hold_objects()
    assert gc.get_freeze_count() > 0
    release_objects()
    assert gc.get_freeze_count() == 0
    gc.freeze()  # another program's choice: not ours to undo
    frozen = gc.get_freeze_count()
    release_objects()
    assert gc.get_freeze_count() == frozen


@pytest.mark.site
def test_a_build_holds_its_objects_and_a_preview_gives_them_back_and_holds_none(project: SiteProject):
    gc.unfreeze()
    project.add_episode("one.yaml", episode_yaml("第一期"))
    project.build()
    assert gc.get_freeze_count() > 0, "a build that ends the process holds what it made"
    project.build(command="serve")
    assert gc.get_freeze_count() == 0, "a preview's session gives back what the build before it held"
