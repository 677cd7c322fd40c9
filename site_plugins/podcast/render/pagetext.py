"""A page's text for search, by section: what `search` indexes and shows of a page."""

from __future__ import annotations

from lxml import etree
from lxml import html as lxml_html

_HEADINGS = {"h1", "h2", "h3"}
_BLOCKS = {"p", "li", "div", "section", "details", "summary", "blockquote", "pre", "td", "th", "dd", "dt",
           "h4", "h5", "h6", "tr", "br", "ul", "ol", "table", "figure", "figcaption", "article", "header"}
_SKIP = {"script", "style", "template", "audio", "video", "noscript", "svg", "button", "form"}
_PARSER = etree.HTMLParser()
"""lxml.html's parser without its classes of element (looked up in Python for each element): the same tree."""
_STRING = etree.XPath("string()")
"""An element's text with its descendants' (what lxml.html's `text_content` is)."""


def page_sections(html: str, title: str) -> list[tuple[str, str, str]]:
    """(anchor, heading, text) for the page's top and for each h1-h3 with an id, in order."""
    if not html.strip():
        return []
    root = etree.Element("div")  # lxml.html's `fragment_fromstring(create_parent=...)`, in plain elements
    elements = lxml_html.fragments_fromstring(html, parser=_PARSER)
    if elements and isinstance(elements[0], str):
        root.text = elements.pop(0)
    root.extend(elements)
    sections = _Sections(title)
    if root.text:
        sections.parts.append(root.text)
    sections.walk(root)
    out = []
    for anchor, heading, texts in sections.found:
        text = " ".join("".join(texts).split())
        if text or anchor:
            out.append((anchor, heading, text))
    return out


class _Sections:
    """The sections found so far, the text of the last one in `parts`."""

    def __init__(self, title: str) -> None:
        self.found: list[tuple[str, str, list[str]]] = [("", title, [])]
        self.parts = self.found[0][2]

    def walk(self, element) -> None:
        parts = self.parts
        for child in element:
            tag = child.tag
            if tag.__class__ is str and tag not in _SKIP and child.get("data-search-exclude") is None:
                if tag in _HEADINGS and child.get("id"):
                    self.found.append((child.get("id"), " ".join(_STRING(child).split()), []))
                    parts = self.parts = self.found[-1][2]
                else:
                    block = tag in _BLOCKS
                    if block:
                        parts.append(" ")
                    if child.text:
                        parts.append(child.text)
                    self.walk(child)
                    parts = self.parts  # a heading inside starts a section
                    if block:
                        parts.append(" ")
            if child.tail:
                parts.append(child.tail)
