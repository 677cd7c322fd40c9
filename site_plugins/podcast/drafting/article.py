"""The news article a draft starts from: fetched from the web or read from a file, then extracted."""

from __future__ import annotations

import re
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import PodcastError

USER_AGENT = "goose-podcast-site (drafts an episode from one article)"
MAX_PAGE_BYTES = 20_000_000
"""A page larger than this is not an article page (or not one to draft from)."""
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
    cut_from: int = 0
    """The whole article's characters when it was cut to MAX_CHARS (the draft says so), else 0."""


def load_article(source: str, *, timeout: float = 30.0) -> Article:
    """A URL, a local .html/.txt/.md file, or '-' for standard input."""
    if re.match(r"^https?://", source):
        return _from_html(_fetch(source, timeout), url=source)
    if source == "-":
        raw = decode_page(sys.stdin.buffer.read())
        url = ""
    else:
        try:
            raw = decode_page(Path(source).read_bytes())
        except OSError as exc:
            raise ArticleError(f"cannot read {source}: {exc.strerror}") from exc
        url = ""
    if re.search(r"<(html|body|article|p)\b", raw[:5000], re.IGNORECASE):
        return _from_html(raw, url=url)
    return _from_text(raw)


def _fetch(url: str, timeout: float) -> str:
    """The page at `url`, read within `timeout` seconds in all (a server that trickles is given up on) and up to
    MAX_PAGE_BYTES."""
    import requests

    deadline = time.monotonic() + timeout
    try:
        with requests.get(url, timeout=min(timeout, 10.0), headers={"User-Agent": USER_AGENT},
                          stream=True) as response:
            if response.status_code != 200:
                raise ArticleError(f"cannot fetch {url}: HTTP {response.status_code}")
            body = bytearray()
            # read1 returns what has come (iter_content would wait for a whole chunk while a server trickles).
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                body += chunk
                if len(body) > MAX_PAGE_BYTES:
                    raise ArticleError(f"cannot fetch {url}: the page is over {MAX_PAGE_BYTES // 1_000_000} MB; "
                                       "save the article's text to a file and draft from that")
                if time.monotonic() > deadline:
                    raise ArticleError(f"cannot fetch {url}: it took over {timeout:g} s; try again, or save the "
                                       "article's text to a file and draft from that")
            content_type = response.headers.get("Content-Type", "")
    except requests.RequestException as exc:
        raise ArticleError(f"cannot fetch {url}: {exc.__class__.__name__}; check the address and the network") from exc
    return decode_page(bytes(body), content_type)


_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "big5": "big5hkscs", "shift_jis": "cp932",
            "shift-jis": "cp932", "sjis": "cp932", "x-sjis": "cp932", "iso-8859-1": "cp1252", "latin1": "cp1252",
            "ascii": "cp1252", "us-ascii": "cp1252", "euc-kr": "cp949"}
"""What browsers read for a declared charset (the WHATWG Encoding Standard): each superset, as pages that
declare GB2312 or Shift_JIS are really written in it."""
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HEADER = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)


def decode_page(body: bytes, content_type: str = "") -> str:
    """A page's text, in the encoding that the first of these names: the HTTP header's charset, a byte-order
    mark, the page's own <meta charset> (or http-equiv), else detection. A server that says
    `text/html` alone must not turn UTF-8 or GB18030 into Latin-1 soup."""
    declared = _HEADER.search(content_type)
    for bom, encoding in _BOMS:
        if body.startswith(bom) and not declared:
            return body[len(bom):].decode(encoding, "replace")
    meta = _META.search(body[:4096])
    for name in (declared.group(1) if declared else "", meta.group(1).decode("ascii") if meta else ""):
        if name:
            try:
                return body.decode(_ALIASES.get(name.lower(), name), "replace")
            except LookupError:
                continue
    return _detected(body)


def _detected(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    return str(best) if best is not None else body.decode("utf-8", "replace")


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
    text, cut_from = _cut("\n\n".join(lines))
    return Article(text, url=url, title=title, publisher=(data.get("sitename") or "").strip(),
                   published=_date(data.get("date")), cut_from=cut_from)


def _from_text(raw: str) -> Article:
    """Plain text: a first line that stands alone is the title."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", raw.strip()) if b.strip()]
    if not blocks:
        raise ArticleError("the article is empty")
    title = ""
    if len(blocks) > 1 and "\n" not in blocks[0] and len(blocks[0]) <= 200:
        title = blocks.pop(0).lstrip("# ").strip()
    text, cut_from = _cut("\n\n".join(" ".join(b.split("\n")) for b in blocks))
    return Article(text, title=title, cut_from=cut_from)


def _cut(text: str) -> tuple[str, int]:
    """(the text, cut at a paragraph's end when longer than MAX_CHARS; its whole length when cut, else 0)."""
    if len(text) <= MAX_CHARS:
        return text, 0
    return text[:MAX_CHARS].rsplit("\n\n", 1)[0], len(text)


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None
