"""The news article a draft starts from: fetched from the web or read from a file, then extracted."""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import PodcastError

USER_AGENT = "goose-podcast-site (drafts an episode from one article)"
MAX_CHARS = 60_000
"""Longer articles are cut: the model reads the first part, and the draft says so in its source text."""


class ArticleError(PodcastError):
    """The article could not be fetched or holds no text."""


@dataclass(frozen=True, slots=True)
class Article:
    text: str
    """Paragraphs separated by blank lines."""
    url: str = ""
    title: str = ""
    publisher: str = ""
    published: date | None = None


def load_article(source: str, *, timeout: float = 30.0) -> Article:
    """A URL, a local .html/.txt/.md file, or '-' for standard input."""
    if re.match(r"^https?://", source):
        return _from_html(_fetch(source, timeout), url=source)
    if source == "-":
        raw = sys.stdin.read()
        url = ""
    else:
        try:
            raw = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ArticleError(f"cannot read {source}: {exc}") from exc
        url = ""
    if re.search(r"<(html|body|article|p)\b", raw[:5000], re.IGNORECASE):
        return _from_html(raw, url=url)
    return _from_text(raw)


def _fetch(url: str, timeout: float) -> str:
    import requests

    try:
        response = requests.get(url, timeout=timeout, headers={"User-Agent": USER_AGENT})
    except requests.RequestException as exc:
        raise ArticleError(f"cannot fetch {url}: {exc.__class__.__name__}; check the address and the network") from exc
    if response.status_code != 200:
        raise ArticleError(f"cannot fetch {url}: HTTP {response.status_code}")
    response.encoding = response.encoding or response.apparent_encoding
    return response.text


def _from_html(html: str, *, url: str) -> Article:
    import trafilatura

    document = trafilatura.bare_extraction(html, url=url or None, with_metadata=True, include_comments=False)
    data = document.as_dict() if document is not None and hasattr(document, "as_dict") else (document or {})
    lines = [line.strip() for line in (data.get("text") or "").splitlines() if line.strip()]
    title = (data.get("title") or "").strip()
    if lines and lines[0] == title:
        lines = lines[1:]
    if not lines:
        raise ArticleError(f"no article text found in {url or 'the input'}; save the article's text to a file "
                           "and pass that instead")
    return Article(text=_cut("\n\n".join(lines)), url=url, title=title,
                   publisher=(data.get("sitename") or "").strip(), published=_date(data.get("date")))


def _from_text(raw: str) -> Article:
    """Plain text: a first line that stands alone is the title."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", raw.strip()) if b.strip()]
    if not blocks:
        raise ArticleError("the article is empty")
    title = ""
    if len(blocks) > 1 and "\n" not in blocks[0] and len(blocks[0]) <= 200:
        title = blocks.pop(0).lstrip("# ").strip()
    return Article(text=_cut("\n\n".join(" ".join(b.split("\n")) for b in blocks)), title=title)


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CHARS else text[:MAX_CHARS].rsplit("\n\n", 1)[0]


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
