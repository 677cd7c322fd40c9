"""A published episode keeps its GUID when its file is renamed.

Without `guid:`, an episode's GUID is made from its file's name, so a rename would make podcast apps
list the episode twice. The publish record (`published.json` in the audio folder, brought from the
audio branch) says which GUID each file was published with: an episode whose own GUID was never
published, but which matches a published entry no other file has (same slug, or same title and
date), keeps that entry's GUID, and a note prints the `guid:` line that keeps it for good.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import Problem, Severity
from ..model import Episode
from ..store.record import RECORD_NAME, Published


def record_path(project_dir: Path, audio_dir: str) -> Path:
    return project_dir / audio_dir / RECORD_NAME


def keep_published_guids(episodes: list[Episode], problems: list[Problem], record: dict[str, Published]
                         ) -> list[Episode]:
    if not record:
        return episodes
    used = {e.guid for e in episodes}
    orphans = [entry for guid, entry in record.items() if guid not in used and not entry.given]
    kept = []
    for episode in episodes:
        entry = None if episode.guid in record or episode.wrote("guid") else _match(episode, orphans)
        if entry is None:
            kept.append(episode)
            continue
        orphans.remove(entry)
        line, column = episode.position("title")
        where = f" from {entry.file}" if entry.file != episode.source_path else ""
        problems.append(Problem(
            episode.source_path, line, column,
            f"this episode was published{where} with the GUID {entry.guid}, which podcast apps know it by, "
            f"and a GUID made from this file's name would differ; the publish record keeps the published "
            f"one, and the line 'guid: {entry.guid}' in this file keeps it for good", Severity.NOTE))
        kept.append(replace(episode, guid=entry.guid))
    return kept


def keep_published_slugs(episodes: list[Episode], problems: list[Problem], record: dict[str, Published]
                         ) -> list[Episode]:
    """An episode without `slug:` whose title changed after it was published keeps its published address
    (its slug came from the old title); a note prints the `slug:` line that keeps it for good."""
    kept = []
    for episode in episodes:
        entry = record.get(episode.guid)
        if entry is None or episode.wrote("slug") or not entry.slug or entry.slug == episode.slug:
            kept.append(episode)
            continue
        line, column = episode.position("title")
        problems.append(Problem(
            episode.source_path, line, column,
            f"this episode was published at the address '{entry.slug}', and its title now makes '{episode.slug}'; "
            f"the page stays where listeners and links know it, and the line 'slug: {entry.slug}' in this file "
            "keeps it there for good (to move it on purpose, write the new 'slug:': the old address then sends "
            "visitors on)", Severity.NOTE))
        kept.append(replace(episode, slug=entry.slug))
    return kept


def published_first(episodes: list[Episode], record: dict[str, Published]) -> list[Episode]:
    """The episodes, those already published first (in file order otherwise): of two files that claim one slug
    or GUID, the one published with it keeps it and the newcomer (a copy) is the one told."""
    def published(episode: Episode) -> bool:
        entry = record.get(episode.guid)
        return entry is not None and entry.file == episode.source_path
    return sorted(episodes, key=lambda episode: not published(episode))


def _match(episode: Episode, orphans: list[Published]) -> Published | None:
    same = [e for e in orphans if e.slug == episode.slug] or \
        [e for e in orphans if e.title == episode.title and e.date == episode.date.isoformat()]
    return same[0] if len(same) == 1 else None
