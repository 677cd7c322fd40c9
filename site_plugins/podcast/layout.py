"""Every address of the site, decided in one place: where each page and file goes, and its URL.

Paths are source URIs as a Markdown site builder names them: a page's ('episodes/x/index.md') or a
file's ('audio/x.mp3'). `url` gives the address a page is published at ('episodes/x/', or
'episodes/x/index.html' without directory URLs); `link` a relative link that works under any prefix.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import ClassVar

from slugify import slugify

VERSION_LENGTH = 10
"""Hex digits of the content digest in an episode MP3's name."""


@dataclass(frozen=True, slots=True)
class SiteLayout:
    episodes_uri: str = "episodes"
    """Folder of the episode pages (the `episodes_uri` setting)."""
    directory_urls: bool = True
    """Pages published as folders ('x/') rather than files ('x.html'), as the host builds them."""

    home: ClassVar[str] = "index.md"
    archive: ClassVar[str] = "archive/index.md"
    search_page: ClassVar[str] = "search/index.md"
    search_index: ClassVar[str] = "search-index/"
    """Folder of the search index's small files."""
    feed: ClassVar[str] = "feed.xml"
    audio_folder: ClassVar[str] = "audio/"

    def episode_page(self, slug: str) -> str:
        return f"{self.episodes_uri}/{slug}/index.md"

    def episode_file(self, slug: str, name: str) -> str:
        """A file beside an episode's page: transcript.vtt, transcript.json, chapters.json."""
        return f"{self.episodes_uri}/{slug}/{name}"

    def episode_image(self, slug: str, source: str) -> str:
        """An episode's own cover art beside its page, named by the file it comes from: cover.jpg, cover.png."""
        suffix = PurePosixPath(source).suffix.lower()
        return self.episode_file(slug, "cover.png" if suffix == ".png" else "cover.jpg")

    def episode_audio(self, slug: str, version: str) -> str:
        """An episode's MP3, named by its content: an edited episode gets a new address."""
        return f"{self.audio_folder}{slug}-{version[:VERSION_LENGTH]}.mp3"

    def home_page(self, number: int) -> str:
        """The home page's `number`th page of episodes (1: the home page itself)."""
        return self.home if number == 1 else f"page/{number}/index.md"

    def terms_page(self, kind: str) -> str:
        """The list of every category (kind 'category') or tag ('tag')."""
        return f"{kind}/index.md"

    def term_page(self, kind: str, slug: str) -> str:
        return f"{kind}/{slug}/index.md"

    @staticmethod
    def cover(mime: str) -> str:
        return "cover.png" if mime == "image/png" else "cover.jpg"

    def url(self, src_uri: str) -> str:
        return page_url(src_uri, directory_urls=self.directory_urls)

    def link(self, target: str, *, from_page: str) -> str:
        """A relative link from the page `from_page` to a page (an .md source) or a file."""
        return relative_url(self.url(target) if target.endswith(".md") else target, self.url(from_page))

    def output_path(self, src_uri: str) -> str:
        """The file a page is written to: its URL, with index.html for a folder."""
        url = self.url(src_uri)
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
    rel = posixpath.relpath(target, from_dir or ".")
    if to_url == "" or to_url.endswith("/"):
        rel = "./" if rel == "." else rel + "/"
    return rel


def term_slug(name: str) -> str:
    """URL name of a category or tag; never empty."""
    return slugify(name, max_length=60, word_boundary=True) or "x" + name.encode("utf-8").hex()[:16]
