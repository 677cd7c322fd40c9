"""Light Markdown for editors' text: emphasis, links, lists, paragraphs; raw HTML stays text."""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markupsafe import Markup

# `html: False` makes markdown-it escape every tag an editor types, and its link
# validator refuses javascript:, vbscript:, file: and data: addresses.
_BLOCK = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
    ["image", "heading", "lheading", "code", "fence", "hr", "table"], ignoreInvalid=True)
_INLINE = MarkdownIt("commonmark", {"html": False}).disable(["image"], ignoreInvalid=True)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MARKDOWN = re.compile(r"[*_\[\]`<>&\\!~|#\n\r\"]")
"""Characters that Markdown or HTML could give a meaning; most turns have none, and skip the parser."""


def clean_text(text: str) -> str:
    """Drop control characters that HTML and XML cannot carry."""
    return _CONTROL.sub("", text)


def render_block(text: str) -> Markup:
    """Paragraphs, lists, emphasis and links, as safe HTML."""
    return Markup(_BLOCK.render(clean_text(text)).strip())


def render_inline(text: str) -> Markup:
    """Emphasis and links inside one line or paragraph, as safe HTML."""
    text = clean_text(text)
    if not _MARKDOWN.search(text):
        return Markup(text.strip())
    return Markup(_INLINE.renderInline(text).strip())


def plain_text(text: str, *, limit: int | None = None) -> str:
    """Text without Markdown marks, for descriptions; cut at `limit` characters with an ellipsis."""
    text = clean_text(text)
    if _MARKDOWN.search(text):
        tokens = _INLINE.parseInline(text)
        text = "".join(" " if child.type in ("softbreak", "hardbreak") else child.content
                       for token in tokens for child in (token.children or []))
    words = re.sub(r"\s+", " ", text).strip()
    if limit is not None and len(words) > limit:
        words = cut_text(words, limit)
    return words


_SENTENCE_END = re.compile(r"[。！？!?][”’\"')）」]*|\.[”’\"')]*(?=\s)")
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def cut_text(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: after its last whole sentence when that keeps half of it or more,
    else between two words (never inside an English word; Chinese may break between any two characters),
    with an ellipsis."""
    head = text[: limit - 1]
    ends = [m.end() for m in _SENTENCE_END.finditer(head)]
    if ends and ends[-1] >= limit // 2:
        return head[: ends[-1]]
    inside_word = head[-1:].isalnum() and text[limit - 1: limit].isalnum() and not _CJK_CHAR.match(head[-1])
    space = head.rfind(" ")
    if inside_word and space >= limit // 2:
        head = head[:space]
    return head.rstrip(" ,;:，、；：") + "…"


_ATOMS = re.compile(r"(?:[^。！？!?；;…，,、：:\s.]|\.(?!\s))*(?:[。！？!?；;…，,、：:\s]|\.(?=\s))?")
"""Runs of text each ending just after a place to cut: after punctuation, a full stop before a space, or a space
(matched whole: splitting at the empty places between took twice as long)."""
_WORD = re.compile(r"\w")
GTTS_MAX_CHARS = 100


def split_for_speech(text: str, limit: int = GTTS_MAX_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut after punctuation (or spaces) and filled up.

    gTTS's own tokenizer cuts at every comma and never merges: 260 Chinese characters
    become 40 requests. Filling pieces up to the limit sends ~10x fewer.
    """
    text = " ".join(text.split())
    atoms = [a for a in _ATOMS.findall(text) if a]
    pieces: list[str] = []
    current = ""
    for atom in atoms:
        while len(atom) > limit:  # a run with no break at all: cut it hard
            if current:
                pieces.append(current)
                current = ""
            pieces.append(atom[:limit])
            atom = atom[limit:]
        if len(current) + len(atom) > limit:
            pieces.append(current)
            current = ""
        current += atom
    if current:
        pieces.append(current)
    return [p.strip() for p in pieces if p.strip() and _WORD.search(p)]
