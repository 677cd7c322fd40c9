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


def render_vtt(episode: Episode, spans: tuple[TurnSpan, ...]) -> str:
    """Cues of at most CUE_CHARS characters, timed in proportion to their length within the turn."""
    lines = ["WEBVTT", ""]
    number = 0
    for turn, span in zip(episode.turns, spans, strict=True):
        pieces = split_for_speech(plain_text(turn.text), CUE_CHARS) or [plain_text(turn.text)]
        total = sum(len(p) for p in pieces) or 1
        start = span.start
        for piece in pieces:
            end = start + (span.end - span.start) * len(piece) / total
            number += 1
            lines += [str(number), f"{clock(start, vtt=True)} --> {clock(end, vtt=True)}",
                      f"<v {_vtt_escape(turn.speaker)}>{_vtt_escape(piece)}", ""]
            start = end
    return "\n".join(lines)


def render_json_transcript(episode: Episode, spans: tuple[TurnSpan, ...]) -> str:
    segments = [{"speaker": turn.speaker, "startTime": span.start, "endTime": span.end,
                 "body": plain_text(turn.text)} for turn, span in zip(episode.turns, spans, strict=True)]
    return _json({"version": "1.0.0", "segments": segments})


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
    return {layout.episode_file(episode, layout.transcript_vtt): render_vtt(episode, audio.turns),
            layout.episode_file(episode, layout.transcript_json): render_json_transcript(episode, audio.turns),
            layout.episode_file(episode, layout.chapters): render_chapters(audio.chapters)}
