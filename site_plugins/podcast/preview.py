"""Quick previews: an edit that changes only an episode's own page redoes that page alone.

A preview server rebuilds the whole site on every change: about a minute at 1000 episodes.
Most edits of an episode (a word in a turn, the article, the analysis) change nothing that other
pages show about it: listings, tag and category pages and related podcasts show its title, date,
category, tags, summary and draft state. Such an edit needs only the episode's page, its audio,
its transcript files and the feed. `page_only_edits` finds these edits; any other change (a new
or deleted file, a problem in the file, an edit of a listed field, a change outside episodes/)
gets the full rebuild.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from .catalog import EPISODE_SUFFIXES, read_episode_file, shown_path
from .errors import Problem
from .model import Episode, Settings

PAGE_ONLY_FIELDS = ("sections", "hosts", "listener", "source", "analysis", "positions", "audio", "episode",
                    "season", "explicit", "ai_generated")
"""Fields that appear on the episode's own page, in its audio and in the feed, and nowhere else."""

Snapshot = dict[str, tuple[int, int]]
"""File path -> (modification time in ns, size)."""


def snapshot(paths: Iterable[Path]) -> Snapshot:
    """Every file under the given files and folders, with what tells a change."""
    found: Snapshot = {}
    for path in paths:
        if path.is_file():
            stat = path.stat()
            found[str(path)] = (stat.st_mtime_ns, stat.st_size)
            continue
        for folder, _, names in os.walk(path):
            for name in names:
                full = os.path.join(folder, name)
                try:
                    stat = os.stat(full)
                except OSError:  # removed while walking: the next snapshot tells
                    continue
                found[full] = (stat.st_mtime_ns, stat.st_size)
    return found


def changed_files(before: Snapshot, after: Snapshot) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def page_only_change(old: Episode, new: Episode) -> bool:
    """Whether `new` differs from `old` only in what its own page, audio and feed item show."""
    return replace(new, **{name: getattr(old, name) for name in PAGE_ONLY_FIELDS}) == old


@dataclass(frozen=True, slots=True)
class Edit:
    old: Episode
    new: Episode
    warnings: tuple[Problem, ...]


def page_only_edits(changed: Iterable[str], episodes: Iterable[Episode], settings: Settings, *,
                    episodes_dir: Path, root: Path) -> list[Edit] | None:
    """The edits, when every changed file is a known episode edited in page-only fields; else None."""
    by_path: Mapping[str, Episode] = {e.source_path: e for e in episodes}
    edits = []
    for name in sorted(changed):
        path = Path(name)
        if path.suffix not in EPISODE_SUFFIXES or not path.is_file() or not path.is_relative_to(episodes_dir):
            return None
        shown = shown_path(path, root)
        old = by_path.get(shown)
        if old is None:
            return None
        new, problems = read_episode_file(path, shown, settings)
        if new is not None:
            new = replace(new, scheduled=old.scheduled)  # its date is unchanged, or this is no page-only edit
        if new is None or any(p.is_error for p in problems) or not page_only_change(old, new):
            return None
        edits.append(Edit(old, new, tuple(problems)))
    return edits or None
