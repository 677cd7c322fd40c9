"""Episode audio: synthesize only the turns that are missing, then join frames into one MP3.

Where a turn's audio comes from, first match wins:
1. the per-turn cache (`cache_dir/turns/`), keyed by engine, voice and spoken text;
2. a finished episode MP3 in `audio_dir` (committed), whose tag lists each turn's key and bytes,
   so a fresh clone or CI splices unchanged turns back out instead of synthesizing them;
3. the speech engine.
An episode whose turns all come from the publishing engine is written to `audio_dir`;
one that needed the offline fallback goes to `cache_dir/preview/` and is never committed.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Problem, Severity
from .markup import plain_text
from .model import Episode, Settings
from .mp3 import Mp3Error, audio_bytes, check_format, duration_of, read_frames
from .speech import FORMAT, SpeechEngine, SpeechError, Voice, silence_mp3
from .tags import PublishedAudio, TagInfo, TurnSpan, read_published, tagged_mp3
from .writer import remove_stale_parts, write_atomic

AUDIO_FORMAT_VERSION = 1
"""Bump when the layout of episode MP3s changes: every episode is then assembled again."""


@dataclass(frozen=True, slots=True)
class EpisodeAudio:
    path: Path
    """The MP3 to publish (in audio_dir), preview (in the cache), or the recorded file."""
    uri: str
    """Site-relative URL path, e.g. audio/my-episode.mp3."""
    size: int
    duration: float
    turns: tuple[TurnSpan, ...]
    """One span per turn, in script order; empty for recorded audio."""
    chapters: tuple[tuple[str, float, float], ...]
    published: bool
    """Made wholly by the publishing engine (or recorded): fit to publish."""


@dataclass(slots=True)
class AudioReport:
    audio: dict[str, EpisodeAudio] = field(default_factory=dict)
    synthesized: int = 0
    """Turns sent to a speech engine in this run."""
    reused: int = 0
    """Episodes whose finished MP3 was still right, untouched."""
    fallback: int = 0
    """Turns the offline engine spoke because the publishing engine could not be reached."""
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Job:
    key: str
    text: str
    voice: Voice
    engine: str


def voice_for(episode: Episode, speaker: str) -> Voice:
    host = next(h for h in episode.hosts if h.name == speaker)
    return Voice(language=host.voice or episode.language, tld=host.tld or "com", variant=host.variant)


def turn_key(engine: str, voice: Voice, text: str) -> str:
    return hashlib.sha256(f"{engine}\n{voice.key}\n{text}".encode()).hexdigest()[:40]


class AudioBuilder:
    """Makes the audio of a set of episodes; one instance per build."""

    def __init__(self, settings: Settings, *, project_dir: Path, engine: SpeechEngine,
                 fallback: SpeechEngine | None = None, progress: Callable[[str], None] = lambda _: None,
                 warn: Callable[[str], None] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.project_dir = project_dir
        self.engine = engine
        self.fallback = fallback if fallback is not None and fallback.name != engine.name else None
        self.progress = progress
        self.warn = warn or progress
        self.clock = clock
        self.audio_dir = project_dir / settings.audio_dir
        self.cache_dir = project_dir / settings.cache_dir
        self._use_fallback = False
        self._published_index: dict[str, tuple[PublishedAudio, TurnSpan]] | None = None
        self._pause = audio_bytes(silence_mp3(settings.pause)) if settings.pause > 0 else b""
        self._pause_seconds = duration_of(read_frames(self._pause))

    def build(self, episodes: Sequence[Episode]) -> AudioReport:
        report = AudioReport()
        for folder in (self.cache_dir, self.audio_dir):
            remove_stale_parts(folder)
        pending: list[Episode] = []
        for episode in episodes:
            if episode.audio is not None:
                self._recorded(episode, report)
            elif not self._reuse(episode, report):
                pending.append(episode)
        failed = self._synthesize_missing(pending, report)
        for episode in pending:
            if episode.slug in failed:
                continue
            report.audio[episode.slug] = self._assemble(episode)
        return report

    # --- keys and reuse ---------------------------------------------------------
    def _keys(self, episode: Episode, engine: str) -> list[str]:
        return [turn_key(engine, voice_for(episode, t.speaker), t.spoken) for t in episode.turns]

    def _tag_info(self, episode: Episode) -> TagInfo:
        return TagInfo(title=episode.title, artist=", ".join(h.name for h in episode.hosts),
                       album=self.settings.show_title, date=episode.date.isoformat(), language=episode.language,
                       comment=plain_text(episode.summary or ""), chapters=())

    def _signature(self, episode: Episode, keys: list[str]) -> str:
        info = self._tag_info(episode)
        sections = [(s.name, len(s.turns)) for s in episode.sections]
        material = [AUDIO_FORMAT_VERSION, keys, self.settings.pause, sections,
                    [info.title, info.artist, info.album, info.date, info.language, info.comment]]
        return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()

    def published_path(self, episode: Episode) -> Path:
        return self.audio_dir / f"{episode.slug}.mp3"

    def _reuse(self, episode: Episode, report: AudioReport) -> bool:
        """Keep a finished MP3 untouched when it was made from exactly this script and these tags."""
        path = self.published_path(episode)
        published = read_published(path) if path.exists() else None
        keys = self._keys(episode, self.engine.name)
        if published is None or published.signature != self._signature(episode, keys):
            return False
        last = published.turns[-1]
        if path.stat().st_size < published.audio_offset + last.offset + last.length:
            return False
        report.audio[episode.slug] = self._result(episode, path, published.turns, published=True)
        report.reused += 1
        return True

    # --- finding turn audio -------------------------------------------------------
    def _cache_path(self, key: str) -> Path:
        return self.cache_dir / "turns" / key[:2] / f"{key}.mp3"

    def _cached(self, key: str) -> bytes | None:
        path = self._cache_path(key)
        if not path.exists():
            return None
        data = path.read_bytes()
        if _clean(data):
            return data
        path.unlink(missing_ok=True)  # damaged: made again
        return None

    def _from_published(self, key: str) -> bytes | None:
        if self._published_index is None:
            self._published_index = {}
            for path in sorted(self.audio_dir.glob("*.mp3")) if self.audio_dir.is_dir() else []:
                published = read_published(path)
                for span in published.turns if published else ():
                    self._published_index.setdefault(span.key, (published, span))
        found = self._published_index.get(key)
        if found is None:
            return None
        data = found[0].turn_bytes(found[1])
        return data if _clean(data) else None

    def _turn_audio(self, key: str) -> bytes | None:
        return self._cached(key) or self._from_published(key)

    # --- synthesis ----------------------------------------------------------------
    def _jobs(self, episode: Episode) -> list[tuple[int, _Job]]:
        """(turn index, job) for each turn whose audio is nowhere to be found."""
        jobs = []
        for index, turn in enumerate(episode.turns):
            voice = voice_for(episode, turn.speaker)
            key = turn_key(self.engine.name, voice, turn.spoken)
            if self._turn_audio(key) is None:
                jobs.append((index, _Job(key, turn.spoken, voice, self.engine.name)))
        return jobs

    def _synthesize_missing(self, episodes: list[Episode], report: AudioReport) -> set[str]:
        """Synthesize every missing turn once; returns the slugs that could not get all their turns."""
        owners: dict[str, list[tuple[Episode, int]]] = {}
        jobs: dict[str, _Job] = {}
        for episode in episodes:
            for index, job in self._jobs(episode):
                jobs.setdefault(job.key, job)
                owners.setdefault(job.key, []).append((episode, index))
        failed: set[str] = set()
        if not jobs:
            return failed
        started, done = self.clock(), 0
        with ThreadPoolExecutor(max_workers=self.settings.tts_concurrency) as pool:
            futures = {pool.submit(self._speak, job): job for job in jobs.values()}
            for future in as_completed(futures):
                job = futures[future]
                done += 1
                error = future.exception()
                if error is not None:
                    for episode, index in owners[job.key]:
                        failed.add(episode.slug)
                        report.problems.append(_turn_problem(episode, index, error))
                else:
                    spoke, fallback = future.result()
                    report.synthesized += spoke
                    report.fallback += fallback
                self._report_progress(done, len(jobs), started)
        return failed

    def _speak(self, job: _Job) -> tuple[bool, bool]:
        """Put one turn's audio in the cache: (whether an engine spoke, whether it was the fallback)."""
        if not self._use_fallback:
            try:
                self._store(job.key, self.engine.synthesize(job.text, job.voice))
                return True, False
            except SpeechError as exc:
                if not (exc.unreachable and self.fallback):
                    raise
                if not self._use_fallback:
                    self._use_fallback = True
                    self.warn(f"{exc}; the offline engine speaks the missing turns "
                              "(kept as a preview, never published)")
        assert self.fallback is not None
        key = turn_key(self.fallback.name, job.voice, job.text)
        if self._cached(key) is not None:
            return False, True
        self._store(key, self.fallback.synthesize(job.text, job.voice))
        return True, True

    def _store(self, key: str, data: bytes) -> None:
        frames = read_frames(data)
        check_format(frames, FORMAT)
        write_atomic(self._cache_path(key), audio_bytes(data, frames))

    def _report_progress(self, done: int, total: int, started: float) -> None:
        if done == total or done % 10 == 0:
            elapsed = self.clock() - started
            left = elapsed / done * (total - done)
            self.progress(f"speech: {done} of {total} turns, about {left:.0f} s left")

    # --- assembly -----------------------------------------------------------------
    def _assemble(self, episode: Episode) -> EpisodeAudio:
        keys = self._keys(episode, self.engine.name)
        parts, spans, offset, clock = [], [], 0, 0.0
        published = True
        for index, (turn, key) in enumerate(zip(episode.turns, keys)):
            data = self._turn_audio(key)
            if data is None and self.fallback is not None:
                data = self._cached(turn_key(self.fallback.name, voice_for(episode, turn.speaker), turn.spoken))
                published = False
            if data is None:
                raise AssertionError(f"turn {index} of {episode.slug} has no audio after synthesis")
            if index:
                parts.append(self._pause)
                offset += len(self._pause)
                clock += self._pause_seconds
            length = duration_of(read_frames(data))
            spans.append(TurnSpan(key, offset, len(data), round(clock, 3), round(clock + length, 3)))
            parts.append(data)
            offset += len(data)
            clock += length
        info = replace(self._tag_info(episode), chapters=_chapters(episode, spans))
        content = tagged_mp3(b"".join(parts), info, tuple(spans), self._signature(episode, keys))
        path = self.published_path(episode) if published else self.cache_dir / "preview" / f"{episode.slug}.mp3"
        write_atomic(path, content)
        return self._result(episode, path, tuple(spans), published=published)

    def _result(self, episode: Episode, path: Path, spans: tuple[TurnSpan, ...], *, published: bool) -> EpisodeAudio:
        duration = spans[-1].end if spans else 0.0
        return EpisodeAudio(path=path, uri=f"audio/{episode.slug}.mp3", size=path.stat().st_size,
                            duration=duration, turns=spans, chapters=_chapters(episode, spans), published=published)

    def _recorded(self, episode: Episode, report: AudioReport) -> None:
        path = self.project_dir / str(episode.audio)
        line, column = episode.position("audio")
        try:
            frames = read_frames(path.read_bytes(), strict=False)
        except OSError:
            report.problems.append(Problem(episode.source_path, line, column,
                                           f"audio file '{episode.audio}' does not exist; check the path"))
            return
        if not frames:
            report.problems.append(Problem(episode.source_path, line, column,
                                           f"audio file '{episode.audio}' holds no MP3 audio"))
            return
        report.audio[episode.slug] = EpisodeAudio(path=path, uri=f"audio/{episode.slug}.mp3",
                                                  size=path.stat().st_size, duration=duration_of(frames),
                                                  turns=(), chapters=(), published=True)


def _clean(data: bytes) -> bool:
    try:
        frames = read_frames(data)
        check_format(frames, FORMAT)
    except Mp3Error:
        return False
    return bool(frames)


def _chapters(episode: Episode, spans: Sequence[TurnSpan]) -> tuple[tuple[str, float, float], ...]:
    if not spans:
        return ()
    starts, index = [], 0
    for section in episode.sections:
        if section.turns:
            starts.append((section.name, spans[index].start))
        index += len(section.turns)
    ends = [start for _, start in starts[1:]] + [spans[-1].end]
    return tuple((name, start, end) for (name, start), end in zip(starts, ends))


def _turn_problem(episode: Episode, index: int, error: BaseException) -> Problem:
    turn = episode.turns[index]
    return Problem(episode.source_path, turn.line, 1,
                   f"speech for this turn failed: {error}; the episode has no audio in this build, "
                   "and the next build tries again", Severity.ERROR)
