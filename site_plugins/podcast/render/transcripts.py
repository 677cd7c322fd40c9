"""Files beside each episode: a WebVTT transcript, a Podcasting 2.0 JSON transcript, chapters JSON."""

from __future__ import annotations

import json

from ..layout import SiteLayout
from ..markup import plain_text, split_for_speech
from ..model import Episode, TurnSpan

CUE_CHARS = 64
"""Longest caption line: a turn is cut into cues of at most this many characters."""


def clock(seconds: float, *, vtt: bool = False) -> str:
    """'mm:ss' (or 'h:mm:ss'); with `vtt`, 'hh:mm:ss.mmm'."""
    if vtt:
        millis = round(seconds * 1000)
        hours, rest = divmod(millis, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


def _vtt_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_vtt(episode: Episode, spans: tuple[TurnSpan, ...], plain: list[str] | None = None) -> str:
    """Cues of at most CUE_CHARS characters, timed in proportion to their length within the turn (`plain`: the
    turns' plain text, when the caller has it)."""
    lines = ["WEBVTT", ""]
    number = 0
    for turn, span, text in zip(episode.turns, spans, plain or _plain(episode), strict=True):
        pieces = split_for_speech(text, CUE_CHARS) or [text]
        total = sum(map(len, pieces)) or 1
        voice = f"<v {_vtt_escape(turn.speaker)}>"
        start, shown = span.start, clock(span.start, vtt=True)  # a cue starts where the one before it ended
        for piece in pieces:
            start += (span.end - span.start) * len(piece) / total
            number += 1
            ends = clock(start, vtt=True)
            lines += [str(number), f"{shown} --> {ends}", voice + _vtt_escape(piece), ""]
            shown = ends
    return "\n".join(lines)


def render_json_transcript(episode: Episode, spans: tuple[TurnSpan, ...], plain: list[str] | None = None) -> str:
    segments = [{"speaker": turn.speaker, "startTime": span.start, "endTime": span.end, "body": text}
                for turn, span, text in zip(episode.turns, spans, plain or _plain(episode), strict=True)]
    return _json({"version": "1.0.0", "segments": segments})


def _plain(episode: Episode) -> list[str]:
    return [plain_text(turn.text) for turn in episode.turns]


def render_chapters(chapters: tuple[tuple[str, float, float], ...]) -> str:
    items = [{"startTime": start, "endTime": end, "title": title} for title, start, end in chapters]
    return _json({"version": "1.2.0", "chapters": items})


def _json(value: dict) -> str:
    """Compact JSON: Python's fast encoder only runs without indentation."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def transcript_files(episode: Episode, audio, *, layout: SiteLayout) -> dict[str, str]:
    """Site path -> text of an episode's transcript and chapter files (where the layout puts them)."""
    if not audio or not audio.turns:
        return {}
    plain = _plain(episode)  # each turn's text made plain once, for both transcripts
    return {layout.episode_file(episode, layout.transcript_vtt): render_vtt(episode, audio.turns, plain),
            layout.episode_file(episode, layout.transcript_json): render_json_transcript(episode, audio.turns, plain),
            layout.episode_file(episode, layout.chapters): render_chapters(audio.chapters)}
