"""Site-relative URLs of generated pages, and links between them."""

from __future__ import annotations

import posixpath

from slugify import slugify


def page_url(src_uri: str, *, directory_urls: bool) -> str:
    """The URL MkDocs gives `src_uri`: 'a/index.md' -> 'a/' (or 'a/index.html')."""
    stem = src_uri[: -len(".md")]
    if not directory_urls:
        return stem + ".html"
    if stem == "index":
        return ""
    if stem.endswith("/index"):
        return stem[: -len("index")]
    return stem + "/"


def episode_page_uri(episodes_uri: str, slug: str) -> str:
    """The Markdown source URI of an episode's page; its transcripts sit in the same folder."""
    return f"{episodes_uri}/{slug}/index.md"


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
