"""What a page of an earlier build is found by: prints (digests) of the values it shows."""

from __future__ import annotations

from collections.abc import Mapping

from ..memo import value_print
from ..model import Episode, EpisodeAudio


class PagePrints:
    """Prints of the site and of its episodes for one build's pages, each episode's made once."""

    def __init__(self, site: bytes, audio: Mapping[str, EpisodeAudio], newer: Mapping[str, Episode]) -> None:
        self.site = site
        """What every page reads of the site: settings, addresses, pictures, the slugs of categories and tags."""
        self.audio = audio
        self.newer = newer
        self._prints: dict[str, bytes] = {}

    def shown(self, episode: Episode) -> bytes:
        """The prints of an episode and of the next newer one, whose play data its card carries."""
        later = self.newer.get(episode.slug)
        return self._print(episode) + (self._print(later) if later is not None else b"")

    def printable(self, value: object) -> object:
        """`value` with each episode in it replaced by its print (what a card of it shows)."""
        if isinstance(value, Episode):
            return self.shown(value)
        if isinstance(value, dict):
            return tuple((k, self.printable(v)) for k, v in value.items())
        if isinstance(value, list | tuple):
            return tuple(self.printable(v) for v in value)
        return value

    def _print(self, episode: Episode) -> bytes:
        """The digest of an episode and its audio, as values."""
        found = self._prints.get(episode.slug)
        if found is None:
            found = self._prints[episode.slug] = value_print(episode, self.audio.get(episode.slug))
        return found
