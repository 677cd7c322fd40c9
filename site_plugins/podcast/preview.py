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
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from .build import BuildRequest, SiteOutput, rebuild_episodes
from .errors import Problem
from .load.catalog import EPISODE_SUFFIXES, read_episode_file, shown_path
from .load.fields import EPISODE_FIELDS
from .model import Episode, Settings
from .writer import SiteWriter

PAGE_ONLY_FIELDS = ("positions", *(spec.attribute or key for key, spec in EPISODE_FIELDS.items() if spec.page_only))
"""Episode attributes that appear on its own page, in its audio and in the feed, and nowhere else: the
field table says which (and where each field was written, which only messages use)."""

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
        new, problems = read_episode_file(path, shown, settings, project_dir=root)
        if new is not None:
            new = replace(new, scheduled=old.scheduled)  # its date is unchanged, or this is no page-only edit
        if new is None or any(p.is_error for p in problems) or not page_only_change(old, new):
            return None
        edits.append(Edit(old, new, tuple(problems)))
    return edits or None


class QuickPreview:
    """A preview server's shortcut: page-only edits redo their episodes' pages and files, nothing else.

    Made at the start of each full build: its snapshot is taken before anything is read, so a change
    made during that build shows in the next one.
    """

    def __init__(self, watched: list[Path], project_dir: Path) -> None:
        self.watched = watched
        self.project_dir = project_dir
        self.before = snapshot(watched)

    def run(self, output: SiteOutput, request: BuildRequest,
            redo: Callable[[SiteOutput, SiteOutput, list[str]], None]) -> list[str]:
        """The slugs previewed, after `redo(new, old, pages)` put the new output and its redone pages (source
        URIs) in place; [] means: build it all."""
        started = time.perf_counter()
        now = snapshot(self.watched)
        edits = page_only_edits(changed_files(self.before, now), output.episodes, request.settings,
                                episodes_dir=self.project_dir / request.settings.episodes_dir, root=self.project_dir)
        if edits is None:
            return []
        self.before = now
        for problem in (p for edit in edits for p in edit.warnings):
            request.warn(str(problem))
        new = rebuild_episodes(output, [edit.new for edit in edits], request)
        redo(new, output, [request.layout.episode_page(edit.new) for edit in edits])
        slugs = [edit.new.slug for edit in edits]
        request.progress(f"previewed {', '.join(slugs)} in {time.perf_counter() - started:.2f} s (only "
                         f"{'its page' if len(edits) == 1 else 'their pages'} changed: no full rebuild)")
        return slugs


def write_changed(previous: SiteOutput, output: SiteOutput, site_dir: Path, *, link_from: Sequence[Path] = ()
                  ) -> None:
    """Write into a built site the files a quick preview made anew (those in `link_from` linked)."""
    writer = SiteWriter(site_dir, link_from=link_from)
    for uri, content in output.files.items():
        if previous.files.get(uri) is not content:
            writer.write(uri, content, owner="the podcast's files")
