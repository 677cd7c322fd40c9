"""A generated page as a Markdown site builder reads it: front matter, and one block of HTML in place of a
placeholder (a Markdown parser need not read the large HTML)."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass

BODY_PLACEHOLDER = "<!-- podcast:page-body -->"
"""Stands for the page's HTML in its Markdown: a Markdown parser need not read the large HTML."""


@dataclass(frozen=True, slots=True)
class GeneratedPage:
    src_uri: str
    """Where the page sits among the site's Markdown sources, e.g. 'episodes/x/index.md'."""
    markdown: str
    """Front matter, any Markdown of the editor's, and BODY_PLACEHOLDER where `html` goes."""
    html: str = ""
    """The page's own HTML, to put in place of BODY_PLACEHOLDER once the Markdown is rendered."""
    in_nav: bool = False
    """Whether navigation may list it (the episode pages stay out: a long nav is quadratic)."""
    title: str = ""
    """The page's title, as its front matter gives it ('' when the page's own heading names it)."""
    searchable: bool = True
    """Whether the site's search indexes it (listings and error pages only repeat what episode pages say)."""
    toc: tuple[tuple[int, str, str], ...] = ()
    """(level, id, title) of the headings of `html` a table of contents lists, in page order."""
    key: str = ""
    """A digest of everything the page was made from, the code included (pages of one key are the same page);
    '' when it is not known."""

    def toc_tokens(self) -> list[dict]:
        """`toc` nested as Python-Markdown's toc extension gives it (what MkDocs' `get_toc` reads); titles as HTML."""
        root: dict = {"level": 0, "children": []}
        stack = [root]
        for level, anchor, title in self.toc:
            while stack[-1]["level"] >= level:
                stack.pop()
            token = {"level": level, "id": anchor, "name": html.escape(title, quote=False), "children": []}
            stack[-1]["children"].append(token)
            stack.append(token)
        return root["children"]

    @property
    def document(self) -> str:
        """The page as one Markdown document, its HTML inline (what any Markdown site builder reads)."""
        return self.markdown.replace(BODY_PLACEHOLDER, self.html, 1)


def page_document(uri: str, meta: dict, body: str, *, intro: str = "", in_nav: bool = False,
                  toc: tuple[tuple[int, str, str], ...] = ()) -> GeneratedPage:
    """Front matter (values HTML-escaped: themes print them raw) and the HTML body, blank lines removed."""
    lines = ["---"]
    for key, value in meta.items():
        if isinstance(value, str):
            value = html.escape(value, quote=True)
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    lines.append("---")
    compact = re.sub(r"\n\s*\n", "\n", body).strip()
    if not toc and '<h1 id="top">' in compact:  # the theme's skip link goes to a page's first contents entry
        toc = ((1, "top", str(meta.get("title", ""))),)
    searchable = not (isinstance(meta.get("search"), dict) and meta["search"].get("exclude"))
    return GeneratedPage(uri, "\n".join(lines) + "\n\n" + intro + BODY_PLACEHOLDER + "\n", compact, in_nav,
                         title=str(meta.get("title", "")), searchable=searchable, toc=toc)
