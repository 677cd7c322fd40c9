"""Every address of the site, decided in one place: where each page and file goes, and its URL.

Paths are source URIs as a Markdown site builder names them: a page's ('episodes/x/index.md') or a
file's ('audio/x.mp3'). `url` gives the address a page is published at ('episodes/x/', or
'episodes/x/index.html' without directory URLs); `link` a relative link that works under any prefix.

An episode's address comes from a pattern (the `episode_url` setting, as Pelican's ARTICLE_URL):
'episodes/{slug}/' or '{date:%Y/%m}/{slug}/'. Its page goes in that folder, and so do its transcripts,
chapters and own cover art unless `episode_files_url` gives them a pattern of their own. Every method
that places something of an episode is given the episode, so no caller works out a folder itself.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import PurePosixPath
from string import Formatter
from typing import TYPE_CHECKING, ClassVar, Protocol, TypeVar

from slugify import slugify

from .errors import SettingsError

if TYPE_CHECKING:
    from .model import Settings

T = TypeVar("T")

VERSION_LENGTH = 10
"""Hex digits of the content digest in an episode MP3's name."""
EPISODE_URL = "episodes/{slug}/"
"""The default address of an episode's page: what every site had before the pattern could change."""
URL_FIELDS = ("slug", "date")
DATE_DIRECTIVES = "Ymdyj"
"""strftime's numeric directives, the only ones allowed after `date:`: month and day names would follow
the machine's locale."""
DATE_FORMAT = "%Y-%m-%d"
"""`{date}` without a format."""
_LITERAL = re.compile(r"[A-Za-z0-9._~/-]*")
"""Characters a pattern may hold outside its fields: a URL path's own, nothing to escape."""


def folder_url(folder: str) -> str:
    """The `episode_url` of an older site's `episodes_uri` setting: every episode in one folder."""
    return f"{folder}/{{slug}}/"


class Addressed(Protocol):
    """What an episode's address is made of: an `Episode`, or a `model.EpisodeAddress` alone."""

    @property
    def slug(self) -> str: ...

    @property
    def date(self) -> date: ...


def episode_url_problems(pattern: str) -> list[str]:
    """What is wrong with an `episode_url` pattern, each with its fix; [] when it is usable."""
    try:
        parts = list(Formatter().parse(pattern))
    except ValueError:
        return ["has an unmatched '{' or '}'; fields are written {slug} and {date:%Y/%m}"]
    problems, path = [], ""  # path: as an episode 'x' of 6 May 2024 would have it
    for literal, name, spec, conversion in parts:
        problem = _field_problem(name, spec, conversion) if name is not None else ""
        if problem:
            problems.append(problem)
        path += literal + ("x" if problem else _expand(name, spec, "x", date(2024, 5, 6)))
    if not any(name == "slug" for _, name, _, _ in parts):
        problems.append("must contain {slug}, which makes each episode's address its own")
    return problems + _path_problems(path)


def _field_problem(name: str, spec: str, conversion: str | None) -> str:
    if name not in URL_FIELDS:
        return f"has an unknown field {{{name}}}; known: {{slug}}, {{date}} (e.g. {{date:%Y/%m}})"
    if conversion or (name == "slug" and spec):
        return f"writes {{{name}}} with a conversion or format; write {{slug}}, or {{date:%Y/%m}}"
    return _bad_date_format(spec) if name == "date" else ""


def _expand(name: str | None, spec: str, slug: str, day: date) -> str:
    if name is None:
        return ""
    return slug if name == "slug" else day.strftime(spec or DATE_FORMAT)


def _bad_date_format(spec: str) -> str:
    for directive in re.findall(r"%(.?)", spec):
        if len(directive) != 1 or directive not in DATE_DIRECTIVES:
            return (f"uses %{directive} in {{date:{spec}}}; only %Y, %m, %d, %y and %j are allowed "
                    "(names of months and days would depend on the machine's language)")
    if not _LITERAL.fullmatch(re.sub(r"%.", "", spec)):
        return f"has characters in {{date:{spec}}} that a URL path cannot hold as they are; use digits, '-' and '/'"
    return ""


def _path_problems(path: str) -> list[str]:
    """Problems of the pattern as a path, its fields replaced by a plain word."""
    problems = []
    if not _LITERAL.fullmatch(path):
        problems.append("holds characters that a URL path cannot hold as they are; use letters, digits, '-', '_', "
                        "'.', '/' besides the fields")
    if path.startswith("/"):
        problems.append("must not start with '/': addresses are relative to the site, e.g. 'episodes/{slug}/'")
    if not path.endswith("/"):
        problems.append("must end with '/': each episode's page and files have a folder of their own")
    if any(segment in (".", "..") for segment in path.split("/")):
        problems.append("must not have '.' or '..' folders: every address stays inside the site")
    if "//" in path:
        problems.append("must not have an empty folder ('//')")
    return problems


Pattern = tuple[tuple[str, str | None, str], ...]
"""A checked pattern: (text, field or None, format) in order."""


@cache
def _compile(option: str, pattern: str) -> Pattern:
    """The checked pattern (a build makes thousands of layouts of the same settings: each checks it once)."""
    problems = episode_url_problems(pattern)
    if problems:
        raise SettingsError(f"{option} '{pattern}' {problems[0]}")
    return tuple((literal, name, spec) for literal, name, spec, _ in Formatter().parse(pattern))


def _fill(pattern: Pattern, episode: Addressed) -> str:
    return "".join(literal + _expand(name, spec, episode.slug, episode.date) for literal, name, spec in pattern)


@dataclass(frozen=True, slots=True)
class SiteLayout:
    episode_url: str = EPISODE_URL
    """Where an episode's page goes: a pattern of {slug} and {date:...} ending in '/' (the `episode_url` setting)."""
    directory_urls: bool = True
    """Pages published as folders ('x/') rather than files ('x.html'), as the host builds them."""
    episode_files_url: str = ""
    """Where an episode's own files go (transcripts, chapters, cover art), as `episode_url`; '' for the
    page's folder (the `episode_files_url` setting)."""
    _pages: Pattern = field(init=False, repr=False, compare=False)
    _files: Pattern = field(init=False, repr=False, compare=False)

    home: ClassVar[str] = "index.md"
    archive: ClassVar[str] = "archive/index.md"
    search_page: ClassVar[str] = "search/index.md"
    search_index: ClassVar[str] = "search-index/"
    """Folder of the search index's small files."""
    feed: ClassVar[str] = "feed.xml"
    audio_folder: ClassVar[str] = "audio/"
    assets_folder: ClassVar[str] = "assets/podcast/"
    """The stylesheet and the script modules, side by side: modules import each other by name."""
    transcript_vtt: ClassVar[str] = "transcript.vtt"
    transcript_json: ClassVar[str] = "transcript.json"
    chapters: ClassVar[str] = "chapters.json"

    @classmethod
    def from_settings(cls, settings: Settings, *, directory_urls: bool = True) -> SiteLayout:
        return cls(settings.episode_url, directory_urls, settings.episode_files_url)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pages", _compile("episode_url", self.episode_url))
        object.__setattr__(self, "_files", _compile("episode_files_url", self.episode_files_url or self.episode_url))

    # An episode's page and files ------------------------------------------
    def episode_folder(self, episode: Addressed) -> str:
        """The folder of an episode's page, e.g. 'episodes/x/' or '2025/12/x/'."""
        return _fill(self._pages, episode)

    def episode_files_folder(self, episode: Addressed) -> str:
        """The folder of an episode's own files: its page's, unless `episode_files_url` puts them elsewhere."""
        return _fill(self._files, episode)

    def episode_page(self, episode: Addressed) -> str:
        return self.episode_folder(episode) + "index.md"

    def episode_page_url(self, episode: Addressed) -> str:
        """Where an episode's page is published: 'episodes/x/' (or 'episodes/x/index.html')."""
        return self.url(self.episode_page(episode))

    def episode_file(self, episode: Addressed, name: str) -> str:
        """A file of an episode's own: `transcript_vtt`, `transcript_json`, `chapters`, its cover art."""
        return self.episode_files_folder(episode) + name

    def episode_image(self, episode: Addressed, source: str) -> str:
        """An episode's own cover art, named by the file it comes from: cover.jpg, cover.png."""
        suffix = PurePosixPath(source).suffix.lower()
        return self.episode_file(episode, "cover.png" if suffix == ".png" else "cover.jpg")

    def episode_audio(self, episode: Addressed, version: str) -> str:
        """An episode's MP3, named by its content: an edited episode gets a new address."""
        return f"{self.audio_folder}{episode.slug}-{version[:VERSION_LENGTH]}.mp3"

    # The site's other pages -------------------------------------------------
    def home_page(self, number: int) -> str:
        """The home page's `number`th page of episodes (1: the home page itself)."""
        return self.home if number == 1 else f"page/{number}/index.md"

    def terms_page(self, kind: str) -> str:
        """The list of every category (kind 'category') or tag ('tag')."""
        return f"{kind}/index.md"

    def term_page(self, kind: str, slug: str) -> str:
        return f"{kind}/{slug}/index.md"

    @staticmethod
    def audio_name(audio_uri: str) -> str:
        """An MP3's file name alone, under which a media host (`media_base_url`) serves it."""
        return PurePosixPath(audio_uri).name

    @staticmethod
    def cover(mime: str) -> str:
        return "cover.png" if mime == "image/png" else "cover.jpg"

    # URLs ---------------------------------------------------------------------
    def url(self, src_uri: str) -> str:
        return page_url(src_uri, directory_urls=self.directory_urls)

    def link(self, target: str, *, from_page: str) -> str:
        """A relative link from the page `from_page` to a page (an .md source) or a file."""
        return relative_url(self.url(target) if target.endswith(".md") else target, self.url(from_page))

    def output_path(self, src_uri: str) -> str:
        """The file a page is written to: its URL, with index.html for a folder."""
        return url_file(self.url(src_uri))


def url_file(url: str) -> str:
    """The file that answers a page's URL: 'a/' -> 'a/index.html', 'a.html' as it is."""
    return url + "index.html" if url.endswith("/") or not url else url


def page_url(src_uri: str, *, directory_urls: bool) -> str:
    """The URL a builder gives `src_uri`: 'a/index.md' -> 'a/' (or 'a/index.html')."""
    stem = src_uri[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def relative_url(to_url: str, from_url: str) -> str:
    """A link from the page at `from_url` to `to_url` that works under any site prefix."""
    from_dir = from_url.rsplit("/", 1)[0] if "/" in from_url else ""
    target = to_url.rstrip("/") or "."
    rel = _relpath(target, from_dir or ".")
    if to_url == "" or to_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


def _relpath(target: str, start: str) -> str:
    """posixpath.relpath for site paths, by their parts alone: a build asks it a hundred thousand times, and
    relpath makes both paths absolute against the working folder each time. Paths with '.', '..', empty parts
    or a leading '/' are left to relpath."""
    to = target.split("/") if target != "." else []
    at = start.split("/") if start != "." else []
    if not _plain(to) or not _plain(at):
        return posixpath.relpath(target, start)
    common = 0
    for mine, theirs in zip(to, at, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(at) - common) + to[common:]) or "."


def _plain(parts: list[str]) -> bool:
    return "" not in parts and "." not in parts and ".." not in parts


def term_slug(name: str) -> str:
    """URL name of a category or tag; never empty."""
    return slugify(name, max_length=60, word_boundary=True) or "x" + name.encode("utf-8").hex()[:16]


def term_groups(episodes: Sequence[T], names_of: Callable[[T], list[str]]
                ) -> tuple[dict[str, tuple[str, list[T]]], dict[str, str]]:
    """Episodes by category or tag: (slug -> (name, episodes in their order), casefolded name -> slug).

    Names differing only in case share a page. Different names that make the same URL name
    ('C++' and 'C') get '-2', '-3', ... in the order of their names, so adding an episode never
    moves an existing page.
    """
    names: dict[str, str] = {}
    for episode in episodes:
        for name in names_of(episode):
            names.setdefault(name.casefold(), name)
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for key in sorted(names):
        base = slug = term_slug(names[key])
        number = 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        slugs[key] = slug
    groups: dict[str, tuple[str, list[T]]] = {}
    for episode in episodes:
        for name in names_of(episode):
            listed = groups.setdefault(slugs[name.casefold()], (names[name.casefold()], []))[1]
            if not listed or listed[-1] is not episode:  # 'C' and 'c' on one episode list it once
                listed.append(episode)
    return groups, slugs
