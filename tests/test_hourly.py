"""The hourly publishing run asks first whether anything is due or changed since the last publish, and with
nothing ends in seconds, having built nothing (the workflow's `scripts/publish due` step, replayed)."""

from __future__ import annotations

import json
import time

import pytest

from .publishing import ONE, episode, git
from .test_publish import proxy as proxy
from .test_publish import repo as repo

pytestmark = pytest.mark.workflow


def stored_state(repo) -> dict:
    return json.loads(git(repo.remote, "show", "podcast-audio:publish-state.json").stdout)


def test_an_hourly_run_with_nothing_new_builds_nothing(repo, proxy):
    assert repo.publish().status == 0
    before, requests = git(repo.remote, "rev-parse", "podcast-audio").stdout, proxy.requests
    clone = repo.checkout()
    started = time.monotonic()
    publish, said = repo.due(clone, "schedule")
    took = time.monotonic() - started
    assert not publish and "nothing to build" in said
    assert took < 30, f"the run took {took:.1f} s to decide"
    assert not (clone / "site").exists() and not (clone / "build").exists(), "nothing was built"
    assert proxy.requests == requests and git(repo.remote, "rev-parse", "podcast-audio").stdout == before


def test_a_push_or_a_run_by_hand_always_publishes(repo, proxy):
    assert repo.publish().status == 0
    clone = repo.checkout()
    for event in ("push", "workflow_dispatch"):
        publish, said = repo.due(clone, event)
        assert publish and f"a {event} run always publishes" in said


def test_a_commit_since_the_last_publish_is_published_by_the_next_hourly_run(repo, proxy):
    assert repo.publish().status == 0
    repo.push("A typo", {"docs/index.md": "# Test Pod, fixed\n"})
    publish, said = repo.due(repo.checkout(), "schedule")
    assert publish and "the site changed since the last publish" in said
    assert repo.publish().status == 0
    assert not repo.due(repo.checkout(), "schedule")[0], "published: nothing left to do"


def test_a_scheduled_episode_is_published_by_the_first_hourly_run_after_its_time(repo, proxy):
    later = episode("three", ONE).replace("date: 2025-12-08\n", "date: 2099-12-08T07:00:00+08:00\n")
    repo.push("A scheduled episode", {"episodes/three.yaml": later})
    assert repo.publish().status == 0
    assert stored_state(repo)["next_due"] == "2099-12-08T07:00:00+08:00"
    clone = repo.checkout()
    assert not repo.due(clone, "schedule", now="2099-12-08T06:59:00+08:00")[0]
    publish, said = repo.due(clone, "schedule", now="2099-12-08T07:00:00+08:00")
    assert publish and "a scheduled episode went live at 2099-12-08T07:00:00+08:00" in said


def test_a_publish_that_did_not_finish_goes_on_at_the_next_hourly_run(repo, proxy):
    run = repo.build(repo.checkout(), "--minutes", "0")  # the time budget spent before any speech
    assert repo.store(run).returncode == 0
    assert stored_state(repo)["complete"] is False
    publish, said = repo.due(repo.checkout(), "schedule")
    assert publish and "the last publish did not finish" in said


def test_before_the_first_publish_the_hourly_run_publishes(repo, proxy):
    publish, said = repo.due(repo.checkout(), "schedule")
    assert publish and "nothing is published yet" in said
