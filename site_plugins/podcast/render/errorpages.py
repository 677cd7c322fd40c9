"""The preview's error pages: a broken episode file shows its problems at the episode's own address.

A build leaves a bad episode out, so its address would answer 404 while an editor looks at it.
In the preview the address shows each problem instead: where it is, the line it is on, and the
message with its fix. The home page lists every broken file. Nothing here runs in a build.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path, PurePosixPath

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..errors import Problem
from ..layout import SiteLayout
from ..load.validate import slug_from_title
from ..model import Episode, EpisodeAddress, Settings
from .i18n import labels_for
from .pages import TEMPLATES, GeneratedPage, page_document

_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")
"""Line breaks as PyYAML counts them, so a problem's line number finds its line."""
_TOKEN = re.compile(r"[^:\n]{0,40}?\S(?=:(?:\s|$))|[^\s:,\[\]{}]+|.")
"""What a column points at: a mapping key ('卿 姐' in '- 卿 姐: ...'), else a word, else one character."""


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    problem: Problem
    source: str | None
    """The text of the problem's line, as in the file; None when the problem is about the whole file."""

    @property
    def marked(self) -> tuple[str, str, str]:
        """The line cut around what the column points at: (before, the word there, after)."""
        text = self.source or ""
        before, rest = text[: max(self.problem.column - 1, 0)], text[max(self.problem.column - 1, 0):]
        word = _TOKEN.match(rest)
        cut = word.end() if word else 0
        return before, rest[:cut] or " ", rest[cut:]


@dataclass(frozen=True, slots=True)
class BrokenFile:
    path: str
    """The episode file, as problems name it."""
    slug: str
    """With `date`: the address its episode has (or would have), where its error page goes."""
    date: date
    problems: tuple[LocatedProblem, ...]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.problem.is_error)


@dataclass(frozen=True, slots=True)
class PreviewProblems:
    pages: tuple[GeneratedPage, ...]
    """One error page per broken episode file."""
    notice: str
    """HTML for the top of the home page listing the broken files; empty when there are none."""


def find_broken_files(problems: Iterable[Problem], episodes: Sequence[Episode], *, root: Path,
                      known_addresses: Mapping[str, EpisodeAddress], today: date) -> tuple[BrokenFile, ...]:
    """Files with an error and no episode, each with the address it shows its problems at: the one it had
    in the last good build (`known_addresses`, by file), else its own slug and date (`today` without one)."""
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for problem in problems:
        by_file[problem.path].append(problem)
    good = {e.source_path for e in episodes}
    taken = {e.slug for e in episodes}
    broken = []
    for path in sorted(by_file):
        if path in good or not any(p.is_error for p in by_file[path]):
            continue
        text = _read_text(root / path)
        known = known_addresses.get(path)
        slug = _free_slug(_slug_candidates(path, text, known.slug if known else None), taken)
        taken.add(slug)
        lines = _LINE_BREAK.split(text)
        located = tuple(LocatedProblem(p, lines[p.line - 1] if 0 < p.line <= len(lines) else None)
                        for p in by_file[path])
        broken.append(BrokenFile(path, slug, known.date if known else _file_date(text) or today, located))
    return tuple(broken)


def render_problem_pages(broken: Sequence[BrokenFile], settings: Settings, *,
                         layout: SiteLayout | None = None) -> PreviewProblems:
    """An error page per broken file, and the home page's notice that links to them."""
    t = labels_for(settings.language)
    layout = layout or SiteLayout.from_settings(settings)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined)
    pages = []
    for item in broken:
        uri = layout.episode_page(item)
        title = t["broken_title"].format(file=PurePosixPath(item.path).name)
        body = env.get_template("problems.html").render(t=t, title=title, file=item)
        meta = {"title": title, "search": {"exclude": True}, "hide": ["toc"]}
        pages.append(page_document(uri, meta, body))
    notice = ""
    if broken:
        def link(item: BrokenFile) -> str:
            return layout.link(layout.episode_page(item), from_page=layout.home)

        notice = env.get_template("broken-notice.html").render(t=t, broken=broken, link=link).strip()
    return PreviewProblems(tuple(pages), notice)


def add_notice(html: str, notice: str) -> str:
    """`html` of a page with `notice` right after its title heading (at the start when it has none)."""
    if not notice:
        return html
    end = html.find("</h1>")
    at = end + len("</h1>") if end != -1 else 0
    return html[:at] + notice + html[at:]


def _read_text(path: Path) -> str:
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
    except yaml.YAMLError:
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
