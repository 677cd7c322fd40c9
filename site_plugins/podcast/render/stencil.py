"""Episode pages finished from a stencil of the host's theme, not rendered by it one by one.

The host wraps every episode page in the same template, and what differs between two episode pages is a few
of the page's own values, each in the form the theme prints it (`FIELDS`: its description, address, title,
table of contents and content). So the host renders two marker pages (`marker_page`: an episode page's shape
with other values everywhere, each holding a token of its own) whole, and each page's fields alone. When the
two whole pages are the same text once their fields are taken out, and no token is left outside a field, that
text is the stencil: an episode page is the stencil with its own fields put in, which is what the theme prints
for it, without the theme's render of the whole page (its navigation, header and footer: most of a page's
time). Anything else of a page that the theme printed (an override that shows the page's address, a build
time) makes the marker pages differ: then there is no stencil, and every page is rendered whole.

Only pages of the marker pages' shape are finished so (`shape`): the same front matter but for their title and
description, and the same branches of the template taken (a description, a table of contents, a heading).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import NamedTuple

from .document import GeneratedPage

FIELDS = ("description", "canonical", "title_text", "title", "skip", "toc", "content")
"""A page's values as the theme prints them, in the order the host gives them: the description, the canonical
address, the title as text (the window's title) and as HTML (the header), the skip link's target, the table of
contents and the content."""
STENCIL_VARIABLE = "PODCAST_STENCIL"
"""The environment variable that turns stencils off ('0'): every page is rendered whole by the host's theme."""
STENCIL_FROM = 16
"""Pages of one shape from which a stencil is made (two marker pages rendered whole cost two pages' render)."""
_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.S)
_TOKENS = ("podcaststencilfirst", "zzmarkersecond")


def shape(page: GeneratedPage) -> tuple | None:
    """What decides which branches of the theme's template a page takes, for pages a stencil may finish: the rest
    of its front matter and its Markdown, and the folder of its folder (relative links are the same only for pages
    side by side: one in another folder, as deep, may link into a folder the marker pages share).
    None for a page it may not finish: one in the navigation, not a folder's index, or without a title and
    description first in its front matter, a table of contents or a heading (a marker page has each)."""
    front = _FRONT.match(page.markdown)
    if page.in_nav or front is None or not page.toc or "<h1" not in page.html or \
            not page.src_uri.endswith("/index.md"):
        return None
    lines = front.group(1).split("\n")
    if len(lines) < 2 or not lines[0].startswith("title: ") or not lines[1].startswith("description: ") or \
            not all(json.loads(line.split(": ", 1)[1]) for line in lines[:2]):
        return None
    return (*lines[2:], page.markdown[front.end():], "/".join(page.src_uri.split("/")[:-2]))


class Themed(NamedTuple):
    """A page as the host and its theme see it: the page rendered whole ('' when not asked for), its FIELDS as the
    theme prints them, and its address, title and content (what the host's Markdown and the podcast made of it)."""

    whole: str
    fields: list[str]
    url: str
    title: str
    content: str


def stencil_pages(pages: Sequence[GeneratedPage]) -> set[str]:
    """The source URIs of the pages a stencil may finish: those of the most common shape (`shape`), when there are
    at least STENCIL_FROM."""
    shapes = {page.src_uri: shape(page) for page in pages}
    common = Counter(found for found in shapes.values() if found is not None).most_common(1)
    if not common or common[0][1] < STENCIL_FROM:
        return set()
    return {uri for uri, found in shapes.items() if found == common[0][0]}


def marker_page(page: GeneratedPage, which: int) -> GeneratedPage:
    """A page of `page`'s shape, beside it in a folder of its own, whose every value holds the token of marker page
    `which` (0 or 1). The two differ in everything a theme might print of a value: their tokens from the first
    letter, the first's values short and the second's long (past what a theme would shorten: a shortened value
    leaves its token outside the field), and the title and description hold an '&' (escaped, as front matter holds
    them: escaped again, they are not the field) so that the title's forms as text and as HTML differ too."""
    token = _TOKENS[which]
    folders = page.src_uri.split("/")[:-2]  # the page's own folder is the token's (`shape`: an index page)
    uri = "/".join([*folders, token, "index.md"])
    front = _FRONT.match(page.markdown)
    assert front is not None  # `shape` said so
    more = " and more words" * (40 * which)
    lines = front.group(1).split("\n")
    lines[0] = "title: " + json.dumps(f"{token} title &amp; more{more}")
    lines[1] = "description: " + json.dumps(f"{token} description &amp; more{more}{more}")
    markdown = "---\n" + "\n".join(lines) + "\n---\n" + page.markdown[front.end():]
    toc = ((2, f"{token}-first", f"{token} first{more}"), (3, f"{token}-inner", f"{token} inner"),
           (2, f"{token}-last", f"{token} last"))
    html = f'<h1 id="{token}-top">{token} heading</h1>\n<p>{token} text{more}</p>'
    return replace(page, src_uri=uri, markdown=markdown, html=html, title=f"{token} title & more{more}", toc=toc,
                   key="")


@dataclass(frozen=True, slots=True)
class Stencil:
    """A page of the theme as literal text and the places of its fields (indexes in FIELDS)."""

    parts: tuple[str | int, ...]

    @classmethod
    def of(cls, first: str, first_fields: Sequence[str], second: str, second_fields: Sequence[str]
           ) -> Stencil | None:
        """The stencil of the two marker pages (`marker_page` 0 and 1) as the theme rendered them whole, and
        their fields; None when they are not the same page but for their fields."""
        parts = _cut(first, first_fields, _TOKENS[0])
        return cls(parts) if parts is not None and parts == _cut(second, second_fields, _TOKENS[1]) else None

    def fill(self, fields: Sequence[str]) -> str:
        """The page whose fields (as the theme prints them, in FIELDS order) these are."""
        return "".join(part if isinstance(part, str) else fields[part] for part in self.parts)


def _cut(text: str, fields: Sequence[str], token: str) -> tuple[str | int, ...] | None:
    """`text` as literal parts and the indexes of the fields in it: every place each field's text is, the longer
    fields first (a field inside a longer one is part of it). A field without the token is the same for every page
    (a canonical address where the site has none) and is not looked for: it could be found where it is not a
    field. A field the theme does not print is in no place. None when a token is left outside the fields: the
    page shows something of its own that is not a field."""
    if len(fields) != len(FIELDS):
        return None
    marked = [number for number, field in enumerate(fields) if token in field]
    parts: list[str | int] = [text]
    for number in sorted(marked, key=lambda n: -len(fields[n])):
        cut: list[str | int] = []
        for part in parts:
            if isinstance(part, int):
                cut.append(part)
                continue
            pieces = part.split(fields[number])
            for piece in pieces[:-1]:
                cut += [piece, number]
            cut.append(pieces[-1])
        parts = cut
    if any(isinstance(part, str) and token in part for part in parts):
        return None
    return tuple(part for part in parts if part != "")
