"""Broken episode files: each one's problems with the lines they are on, and the address it shows them at.

A build leaves a bad episode out, so its address would answer 404 while an editor looks at it. A
preview shows the file's problems there instead; this finds the address (the last good build's slug,
else the file's own `slug:` or `title:` line, else its name) and the text of each problem's line.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import yaml

from ..errors import Problem
from ..model import BrokenFile, Episode, EpisodeAddress, LocatedProblem
from .validate import slug_from_title

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as PyYAML counts them, so a problem's line number finds its line."""


def find_broken_files(problems: Iterable[Problem], episodes: Sequence[Episode], *, files: Mapping[str, Path],
                      known_addresses: Mapping[str, EpisodeAddress], today: date | None) -> tuple[BrokenFile, ...]:
    """Files with an error and no episode, each with the address it shows its problems at.

    `files`: where each file that problems name (as they name it) is; `known_addresses`: file -> the
    address it had in the last good build, so that a broken file keeps its address; else its own slug
    and date, `today` for a file without a readable date.
    """
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.path].append(problem)
    good = {e.source_path for e in episodes}
    taken = {e.slug for e in episodes}
    broken = []
    for path in sorted(by_file):
        if path in good or not any(p.is_error for p in by_file[path]):
            continue
        text = _read_text(files.get(path))
        known = known_addresses.get(path)
        slug = _free_slug(_slug_candidates(path, text, known.slug if known else None), taken)
        taken.add(slug)
        lines = _LINE_BREAK.split(text)
        located = tuple(LocatedProblem(p, lines[p.line - 1] if 0 < p.line <= len(lines) and not p.missing else None)
                        for p in by_file[path])
        day = known.date if known else _file_date(text) or today or date(1970, 1, 1)
        broken.append(BrokenFile(path, slug, day, located))
    return tuple(broken)


def _read_text(path: Path | None) -> str:
    """The file's text; '' for a link or anything else that is not read as an episode file."""
    if path is None or path.is_symlink() or not path.is_file():
        return ""
    try:
        return path.read_bytes().decode("utf-8-sig", errors="replace")
    except OSError:
        return ""


def _slug_candidates(path: str, text: str, known: str | None) -> list[str]:
    """Where the episode is or would be: its last good slug, its own `slug:` or `title:`, its file name."""
    found = [known] if known else []
    for key in ("slug", "title"):
        value = _top_level_value(text, key)
        if value:
            found.append(slug_from_title(value))
    found.append(slug_from_title(PurePosixPath(path).stem) or "episode")
    return [slug for slug in found if slug]


def _top_level_value(text: str, key: str) -> str | None:
    value = _top_level(text, key)
    return str(value) if value is not None else None


def _file_date(text: str) -> date | None:
    value = _top_level(text, "date")
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else None


def _top_level(text: str, key: str) -> object:
    """A top-level `key: value` line read on its own: the rest of the file may not parse."""
    match = re.search(rf"^{key}:[^\n]*", text, re.MULTILINE)
    if match is None:
        return None
    try:
        value = yaml.safe_load(match[0])
    except (yaml.YAMLError, ValueError):  # a date like 2024-02-30 is a ValueError
        return None
    return value.get(key) if isinstance(value, dict) else None


def _free_slug(candidates: list[str], taken: set[str]) -> str:
    """The first candidate no episode and no other error page uses (a clash must not hide a good page)."""
    for slug in candidates:
        if slug not in taken:
            return slug
    base, number = candidates[-1], 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"
