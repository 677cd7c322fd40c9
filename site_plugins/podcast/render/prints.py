"""What a page of an earlier build is found by: prints (digests) of the values it shows."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from ..episodeprints import EpisodePrints
from ..memo import Memo
from ..model import Episode


class PagePrints:
    """Prints of the site and of its episodes for one build's pages, each episode's made once."""

    def __init__(self, site: bytes, episodes: EpisodePrints, newer: Mapping[str, Episode]) -> None:
        self.site = site
        """What every page reads of the site: settings, addresses, pictures, the slugs of categories and tags."""
        self.episodes = episodes
        self.newer = newer

    def shown(self, episode: Episode) -> bytes:
        """The prints of an episode and of the next newer one, whose play data its card carries."""
        later = self.newer.get(episode.slug)
        return self.episodes.of(episode) + (self.episodes.of(later) if later is not None else b"")

    def printable(self, value: object) -> object:
        """`value` with each episode in it replaced by its print (what a card of it shows)."""
        if isinstance(value, Episode):
            return self.shown(value)
        if isinstance(value, dict):
            return tuple((k, self.printable(v)) for k, v in value.items())
        if isinstance(value, list | tuple):
            return tuple(self.printable(v) for v in value)
        return value


def kept(memo: Memo | None, key: str, kind: type, make: Callable[[], object]) -> object:
    """The memo's value for `key` (a page, or a listing's HTML), else `make()`, kept for the next build. HTML is
    kept encoded: a string pickled would keep a UTF-8 copy of itself in memory for the rest of the build."""
    found = found_in(memo, key, kind)
    return make_kept(memo, key, make) if found is None else found


def found_in(memo: Memo | None, key: str, kind: type) -> Any:
    """The value of `kind` the memo keeps by `key` (as `kept` keeps it); None when it has none."""
    return unpacked_as(kind, memo.get(key) if memo is not None else None)


def unpacked_as(kind: type, value: object) -> Any:
    """A value as `packed_html` packed it, if it is of `kind`; else None."""
    found = unpacked(value)
    return found if isinstance(found, kind) else None


def make_kept(memo: Memo | None, key: str, make: Callable[[], object]) -> Any:
    """`make()`, kept in the memo by `key` (as `kept` keeps it)."""
    found = make()
    if memo is not None:
        memo.put(key, packed_html(found))
    return found


def packed_html(value: Any) -> object:
    """A page or HTML as the memo keeps it: its HTML encoded."""
    return value.encode() if isinstance(value, str) else replace(value, html=value.html.encode())


def unpacked(value: object) -> object:
    """A value as `packed_html` packed it."""
    if isinstance(value, bytes):
        return value.decode()
    html = getattr(value, "html", None)
    return replace(value, html=html.decode()) if isinstance(html, bytes) else value
