"""What the episode page's template is given: its sections with their turns, chapters, contents and voices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from slugify import slugify

from ..markup import render_inline
from ..model import Episode, EpisodeAudio, TurnSpan

VOICE_CLASSES = 4
"""Distinct host colours in the stylesheet; further hosts reuse them in turn."""


def voice_classes(episode: Episode) -> dict[str, int]:
    return {host.name: index % VOICE_CLASSES + 1 for index, host in enumerate(episode.hosts)}


@dataclass(frozen=True, slots=True)
class TurnView:
    number: int
    speaker: str
    html: str
    span: TurnSpan | None


@dataclass(frozen=True, slots=True)
class ChapterView:
    name: str
    start: float
    anchor: str
    """The id of the chapter's section heading on the page."""


@dataclass(frozen=True, slots=True)
class SectionView:
    id: str
    name: str
    turns: tuple[TurnView, ...]


def episode_toc(episode: Episode, sections: list[SectionView], t: Mapping[str, str], related: bool
                 ) -> tuple[tuple[int, str, str], ...]:
    """The episode page's parts, as the theme's table of contents lists them (ids as episode.html sets them)."""
    toc = [(1, "episode", episode.title), (2, "transcript", t["transcript"])]
    toc += [(3, section.id, section.name) for section in sections]
    toc += [(2, anchor, t[key]) for anchor, key, present in (
        ("summary", "summary", episode.summary), ("original", "original", episode.source),
        ("analysis", "analysis", episode.analysis), ("related", "related", related)) if present]
    return tuple(toc)


def sections_view(episode: Episode, audio: EpisodeAudio | None) -> list[SectionView]:
    spans = audio.turns if audio else ()
    views, number, used = [], 0, set()
    for index, section in enumerate(episode.sections, start=1):
        anchor = "s-" + (slugify(section.name, max_length=40) or str(index))
        if anchor in used:
            anchor = f"{anchor}-{index}"
        used.add(anchor)
        turns = []
        for turn in section.turns:
            span = spans[number] if number < len(spans) else None
            number += 1
            turns.append(TurnView(number, turn.speaker, render_inline(turn.text), span))
        views.append(SectionView(anchor, section.name, tuple(turns)))
    return views
