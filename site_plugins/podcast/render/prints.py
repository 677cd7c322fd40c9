"""What a page of an earlier build is found by: prints (digests) of the values it shows."""

from __future__ import annotations

from collections.abc import Mapping

from ..memo import EpisodePrints
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
