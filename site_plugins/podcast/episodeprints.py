"""Each episode's print with its audio: what a build's stages find their kept work by (`memo`)."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from pathlib import Path

from .memo import Kept, value_print
from .model import Episode


class EpisodePrints:
    """Each episode's print with its audio, made once a build for every stage that keys on it.

    `sources` (from the catalog: file -> the print of everything its validation read, the episode it gave and its
    key in the catalog's memo)
    spares the walk over every field of every episode (`value_print` of 1000 episodes and their audio takes
    about a second): an episode as validation gave it is printed by its inputs, and only fields the catalog
    replaced afterwards (a GUID or slug from the publish record, a scheduled mark) by their values, found by
    identity. `audio_keys` does the same for audio an earlier build kept (slug -> the key it was kept by)."""

    def __init__(self, audio: Mapping[str, object] | None = None, *,
                 sources: Mapping[str, tuple[bytes, Episode, str]] | None = None) -> None:
        self.audio = audio if audio is not None else {}
        self.audio_keys: Mapping[str, str] = {}
        self.sources = sources or {}
        self._episodes: dict[str, bytes] = {}
        self._found: dict[str, bytes] = {}

    def hear(self, audio: Mapping[str, object], keys: Mapping[str, str]) -> None:
        """The episodes' audio, once made (and the keys it was kept by), for `of`."""
        self.audio, self.audio_keys = audio, keys
        self._found.clear()

    def episode(self, episode: Episode) -> bytes:
        """The print of the episode alone."""
        found = self._episodes.get(episode.source_path)
        if found is None:
            found = self._episodes[episode.source_path] = self._print(episode)
        return found

    def _print(self, episode: Episode) -> bytes:
        source, validated, _ = self.sources.get(episode.source_path, (b"", None, ""))
        if validated is None:
            return value_print(episode)
        return value_print(source, _replaced(episode, validated))

    def sendable(self, episode: Episode, memo_file: Path) -> Episode | Kept:
        """The episode as a worker is best given it: by where the catalog's memo (`memo_file`) keeps it, when
        it does."""
        _, validated, key = self.sources.get(episode.source_path, (b"", None, ""))
        if validated is None or not key:
            return episode
        return Kept(episode, memo_file, key, 0, tuple(_replaced(episode, validated)))

    def sendable_audio(self, slug: str, audio: object, memo_file: Path) -> object:
        """An episode's audio as a worker is best given it: by where the audio's memo (`memo_file`) keeps it, when
        it is the audio kept there (`hear`)."""
        key = self.audio_keys.get(slug) if self.audio.get(slug) is audio else None
        return Kept(audio, memo_file, key) if audio is not None and key else audio

    def of(self, episode: Episode) -> bytes:
        """The print of the episode and its audio."""
        found = self._found.get(episode.slug)
        if found is None:
            key = self.audio_keys.get(episode.slug)
            audio = key.encode() if key else value_print(self.audio.get(episode.slug))
            found = self._found[episode.slug] = hashlib.sha256(self.episode(episode) + audio).digest()
        return found


_EPISODE_FIELDS = tuple(f.name for f in dataclasses.fields(Episode))


def _replaced(episode: Episode, validated: Episode) -> list[tuple[str, object]]:
    """The fields of `episode` that are not those of `validated` (which the catalog replaced after checking)."""
    return [(name, getattr(episode, name)) for name in _EPISODE_FIELDS
            if getattr(episode, name) is not getattr(validated, name)]
