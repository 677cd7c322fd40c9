"""Episode audio: synthesize only the turns that are missing, then join frames into one MP3.

Where a turn's audio comes from, first match wins:
1. the per-turn cache (`cache_dir/turns/`), keyed by engine, voice and spoken text;
2. the episode's own finished MP3 in `audio_dir` (from the audio branch), whose tag lists each turn's key and
   bytes, so a fresh clone or CI splices unchanged turns back out instead of synthesizing them; it is used only
   when it passes every check of `audio.trust` (no other file is ever a source);
3. the host's speech engine, or the next of its fallback chain when that cannot be reached
   (`speakers.py`).
An episode whose turns all come from engines that may publish is written to `audio_dir`;
one that needed an engine that may not (the offline fallback) goes to `cache_dir/preview/`.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import Problem, Severity
from ..layout import SiteLayout
from ..markup import plain_text
from ..memo import Memo, digest_of, file_signature, value_print
from ..model import Cover, Episode, EpisodeAudio, Settings, TurnSpan
from ..mp3frames import audio_bytes, duration_of, read_frames
from ..parallel import Workers
from ..recordings import MAX_RECORDING, locate_recording, mp3_frames, read_regular
from ..speech import SpeechEngine, SpeechError, Voice, host_voice, silence_mp3
from ..speech import turn_key as _engine_turn_key
from ..writer import remove_stale_parts
from .clips import ClipStore, Spliceable, at_one_bitrate, spliceable
from .id3 import FinishedMp3, TagInfo, read_finished, tagged_mp3
from .levelling import Leveller
from .speakers import Job, Speakers, Spoken
from .trust import Fingerprinted, find_distrust, fingerprint, fingerprints_ahead, seal

AUDIO_FORMAT_VERSION = 3
"""Bump when the layout of episode MP3s changes: every episode is then assembled again.
2: turns levelled to the site's `loudness:`, each turn's gain and level in the turn table.
3: turns whose peaks kept them below it limited and encoded again, marked in the turn table."""


@dataclass(slots=True)
class AudioReport:
    audio: dict[str, EpisodeAudio] = field(default_factory=dict)
    synthesized: int = 0
    """Turns sent to a speech engine in this run."""
    reused: int = 0
    """Episodes whose finished MP3 was still right, untouched."""
    fallback: int = 0
    """Turns that a fallback whose speech may not be published spoke, because a host's engine could not be
    reached: the episode is a preview."""
    missing: int = 0
    """Turns of episodes left without audio that no cache holds: what the next build must still speak."""
    spoken_by: dict[str, int] = field(default_factory=dict)
    """Turns each engine spoke in this run, by engine name (the build log says it)."""
    problems: list[Problem] = field(default_factory=list)
    kept_keys: dict[str, str] = field(default_factory=dict)
    """Slug -> the key an episode's audio is kept by for the next build (a print of everything it was made from)."""

    def spoken_line(self) -> str:
        """'speech: edge spoke 40 turns, espeak 3 (a preview)': who spoke what in this run; '' when none did."""
        if not self.spoken_by:
            return ""
        parts = [f"{name} {count}" for name, count in sorted(self.spoken_by.items(), key=lambda item: -item[1])]
        return f"speech: turns spoken by engine in this build: {', '.join(parts)}"


def voice_for(episode: Episode, speaker: str, engine: str = "gtts") -> Voice:
    """How `speaker` sounds on `engine` in this episode."""
    host = next(h for h in episode.hosts if h.name == speaker)
    return host_voice(engine, host, episode.language)


def turn_key(engine: str, voice: Voice, text: str) -> str:
    return _engine_turn_key(engine, voice, text)


class AudioBuilder:
    """Makes the audio of a set of episodes, one episode at a time; one instance per build."""

    def __init__(self, settings: Settings, *, project_dir: Path, engine: SpeechEngine,
                 fallback: SpeechEngine | None = None, engines: Sequence[SpeechEngine] = (), every_host: bool = False,
                 unreachable: set[str] | None = None,
                 cover: Cover | None = None,
                 progress: Callable[[str], None] = lambda _: None, warn: Callable[[str], None] | None = None,
                 clock: Callable[[], float] = time.monotonic, layout: SiteLayout | None = None,
                 speak_until: float | None = None, audio_key: bytes | None = None, kept: Memo | None = None,
                 prints: Callable[[Episode], bytes] = value_print, workers: Workers | None = None) -> None:
        self.settings = settings
        self.workers = workers
        """Processes that read and fingerprint the finished MP3s ahead of the checks (`fingerprints_ahead`)."""
        self.kept = kept
        """Episodes whose finished MP3 an earlier build reused, by `_kept_key`."""
        self.prints = prints
        """An episode's print (every field of it: `memo.value_print`, or a build's `EpisodePrints.episode`)."""
        self.audio_key = audio_key  # with a key, only files sealed with it are used, and new ones are sealed
        self.layout = layout or SiteLayout.from_settings(settings)
        self.project_dir = project_dir
        self.progress = progress
        self.warn = warn or progress
        self.clock = clock
        self.audio_dir = project_dir / settings.audio_dir
        self.cache_dir = project_dir / settings.cache_dir
        self.store = ClipStore(self.cache_dir, self.audio_dir)
        self.speakers = Speakers(settings, self.store, engine=engine, fallback=fallback, engines=engines,
                                 every_host=every_host, progress=progress, warn=self.warn, speak_until=speak_until,
                                 unreachable=unreachable)
        self.leveller = Leveller(self.store, target=settings.loudness, limit=settings.loudness_limiter, say=progress)
        self._pause = audio_bytes(silence_mp3(settings.pause)) if settings.pause > 0 else b""
        self._pause_seconds = duration_of(read_frames(self._pause)) if self._pause else 0.0
        self._cover = (cover.data, cover.mime) if cover else None
        self._todo = self._done = 0
        self._started = 0.0
        self._stopped: list[tuple[Episode, int, str]] = []
        digests = [hashlib.sha256(data).hexdigest() for data in (audio_key or b"", cover.data if cover else b"")]
        self._reuse_print = repr((settings, self.layout, self.speakers.identity, digests)).encode()
        """What reusing every episode's MP3 depends on besides the episode and its file (see `_kept_key`)."""

    def build(self, episodes: Sequence[Episode]) -> AudioReport:
        report = AudioReport()
        for folder in (self.cache_dir, self.audio_dir):
            remove_stale_parts(folder)
        pending: list[tuple[Episode, list[Job], Spliceable]] = []
        todo: list[tuple[Episode, str]] = []
        for episode in episodes:
            if episode.audio is not None:
                self._recorded(episode, report)
            elif not self._kept_reuse(episode, key := self._kept_key(episode), report):
                todo.append((episode, key))
        known = fingerprints_ahead([self.finished_path(e) for e, _ in todo], self._pause,
                                   self.workers if self.audio_key is None else None)  # a seal reads the file anyway
        for (episode, key), fingerprinted in zip(todo, known, strict=True):
            jobs = self._jobs(episode)  # each turn's voice and key, worked out once per episode and build
            finished = self._trusted(episode, fingerprinted)
            if not self._reuse(episode, [job.key for job in jobs], finished, report):
                pending.append((episode, jobs, spliceable(finished)))
            elif key and self.kept is not None:
                self._keep_as(key, episode, report.audio[episode.slug], report)
        self._todo = len({j.key for _, jobs, source in pending for j in jobs if not self.store.has(j.key, source)})
        self._started = self.clock()
        try:
            for episode, jobs, source in pending:
                clips = self._clips(episode, jobs, source, report)
                if clips is not None:
                    report.audio[episode.slug] = made = self._assemble(episode, clips)
                    self._keep(episode, made, report)
        finally:
            self.speakers.close()
        unpublishable = [(jobs, source) for e, jobs, source in pending
                         if e.slug not in report.audio or not report.audio[e.slug].publishable]
        report.missing = len({j.key for jobs, source in unpublishable for j in jobs
                              if not self.store.has(j.key, source)})
        if self._stopped:
            report.problems.append(_stopped_problem(self._stopped))
        if report.spoken_line():
            self.progress(report.spoken_line())
        self.store.save()
        return report

    # --- keys and reuse ---------------------------------------------------------
    def _kept_key(self, episode: Episode) -> str:
        """A digest of everything reusing the episode's finished MP3 depends on: the episode, the settings, the
        voices, the site key and the cover, and the file as the system sees it (`file_signature`: a file written
        since has another time, one replaced another inode, and a checkout writes every file anew). '' without a
        finished MP3."""
        found = file_signature(self.finished_path(episode))
        if found[1] is None:
            return ""
        return digest_of(("reuse", self._reuse_print, self.prints(episode), repr(found)))

    def _keep(self, episode: Episode, made: EpisodeAudio, report: AudioReport) -> None:
        """Keep an MP3 made in this build for the next, as if it had been checked and reused: the next build takes
        it by the same key (and prints it so: the pages that show it are found again at once)."""
        key = self._kept_key(episode) if made.publishable and self.kept is not None else ""
        if key:
            self._keep_as(key, episode, made, report)

    def _keep_as(self, key: str, episode: Episode, audio: EpisodeAudio, report: AudioReport) -> None:
        self.kept.put(key, audio)
        report.kept_keys[episode.slug] = key

    def _kept_reuse(self, episode: Episode, key: str, report: AudioReport) -> bool:
        """Reuse the episode's MP3 as an earlier build did, when nothing it depends on changed (`_kept_key`)."""
        kept = self.kept.get(key) if key and self.kept is not None else None
        if not isinstance(kept, EpisodeAudio):
            return False
        report.audio[episode.slug] = kept
        report.kept_keys[episode.slug] = key
        report.reused += 1
        return True

    def _jobs(self, episode: Episode) -> list[Job]:
        hosts = {h.name: h for h in episode.hosts}
        return [self.speakers.job(hosts[turn.speaker], turn.spoken, episode.language) for turn in episode.turns]

    def _tag_info(self, episode: Episode) -> TagInfo:
        return TagInfo(title=episode.title, artist=", ".join(h.name for h in episode.hosts),
                       album=self.settings.show.title, date=episode.date.isoformat(), language=episode.language,
                       comment=plain_text(episode.summary or ""), chapters=(), cover=self._cover)

    def _signature(self, episode: Episode, keys: list[str]) -> str:
        info = self._tag_info(episode)
        sections = [(s.name, len(s.turns)) for s in episode.sections]
        material = [AUDIO_FORMAT_VERSION, keys, self.settings.pause, self.settings.loudness,
                    self.settings.loudness_limiter, sections,
                    [info.title, info.artist, info.album, info.date, info.language, info.comment],
                    hashlib.sha256(info.cover[0]).hexdigest() if info.cover else None]
        return hashlib.sha256(json.dumps(material, ensure_ascii=False).encode()).hexdigest()

    def finished_path(self, episode: Episode) -> Path:
        return self.audio_dir / f"{episode.slug}.mp3"

    def _trusted(self, episode: Episode, known: Fingerprinted | None = None) -> FinishedMp3 | None:
        """The episode's own finished MP3, when it passes every check of `audio.trust`; None otherwise."""
        path = self.finished_path(episode)
        finished = known.finished_of(path) if known is not None else None  # read by a worker, still that file
        if finished is None and not path.exists():
            return None
        finished = finished or read_finished(path)
        distrust = find_distrust(finished, self._pause, key=self.audio_key, store=self.store, known=known) \
            if finished else "it is not an episode MP3 as this site's builds write them"
        if distrust:
            # Said, not warned: a warning fails the strict publishing build, which is what repairs it.
            self.progress(f"{self.settings.audio_dir}/{path.name} is damaged or not this site's ({distrust}); it is "
                          "not published, and is made again from the turn cache and the speech engine")
            return None
        return finished

    def _reuse(self, episode: Episode, keys: list[str], finished: FinishedMp3 | None, report: AudioReport) -> bool:
        """Keep a trusted finished MP3 untouched when it was made from exactly this script and these tags."""
        if finished is None or finished.signature != self._signature(episode, keys) or \
                [span.key for span in finished.turns] != keys:
            return False
        report.audio[episode.slug] = self._result(episode, finished.path, finished.turns, publishable=True,
                                                  version=finished.signature)
        report.reused += 1
        return True

    # --- gathering and synthesis ------------------------------------------------------
    def _clips(self, episode: Episode, jobs: list[Job], source: Spliceable, report: AudioReport
               ) -> list[Spoken] | None:
        """Every turn's clip, synthesizing what is missing; None on failure."""
        clips: dict[int, Spoken] = {}
        missing: list[tuple[int, Job]] = []
        for index, job in enumerate(jobs):
            clip = self.store.get(job.key, source)
            if clip is not None:
                clips[index] = Spoken(clip, job.key, not self.speakers.may_publish(job.engine))
            else:
                missing.append((index, job))
        failed = False
        with ThreadPoolExecutor(max_workers=self.settings.tts_concurrency) as pool:
            # Ctrl-C may come while turns are still being handed out, when the first is already asked for.
            try:
                futures = {pool.submit(self.speakers.speak, job): index for index, job in missing}
                for future in as_completed(futures):
                    failed |= self._gather(future, futures[future], episode, clips, report)
            except BaseException:  # Ctrl-C: no new request starts; turns already spoken stay in the cache
                self.speakers.cancel()
                pool.shutdown(wait=False, cancel_futures=True)
                raise
        return None if failed else [clips[i] for i in range(len(jobs))]

    def _gather(self, future, index: int, episode: Episode, clips: dict[int, Spoken], report: AudioReport) -> bool:
        """Take one finished turn into `clips`; True when it failed."""
        error = future.exception()
        if error is None:
            clips[index] = spoken = future.result()
            report.synthesized += bool(spoken.engine)
            report.fallback += spoken.fell_back and spoken.preview
            if spoken.engine:
                report.spoken_by[spoken.engine] = report.spoken_by.get(spoken.engine, 0) + 1
                self._report_progress()
            else:  # a fallback's turn from a cache: nothing was spoken, nothing is counted
                self._todo -= 1
            return False
        if isinstance(error, SpeechError) and error.stopped:
            self._stopped.append((episode, index, str(error)))  # summed up once, not one message per turn
        else:
            report.problems.append(_turn_problem(episode, index, error))
        return True

    def _report_progress(self) -> None:
        self._done += 1
        total = max(self._todo, self._done)
        if self._done == total or self._done % 10 == 0:
            left = (self.clock() - self._started) / self._done * (total - self._done)
            self.progress(f"speech: {self._done} of {total} turns, about {left:.0f} s left")

    # --- assembly -----------------------------------------------------------------
    def _assemble(self, episode: Episode, clips: list[Spoken]) -> EpisodeAudio:
        parts, spans, offset, clock = [], [], 0, 0.0
        keys = [spoken.key for spoken in clips]
        levelled = self.leveller.level([spoken.clip for spoken in clips], name=episode.slug)
        # Players take a file's first bitrate for all of it.
        joined, pause = at_one_bitrate(list(zip(levelled, keys, strict=True)), self._pause)
        for index, (clip, key) in enumerate(joined):
            if index:
                parts.append(pause)
                offset += len(pause)
                clock += self._pause_seconds
            spans.append(TurnSpan(key, offset, len(clip.data), round(clock, 3), round(clock + clip.seconds, 3),
                                  clip.digest, clip.gain, clip.level, clip.limited))
            parts.append(clip.data)
            offset += len(clip.data)
            clock += clip.seconds
        # Drafts, fallback audio and engines that may not publish stay in the cache: audio/ holds only what may be
        # published.
        publishable = not episode.draft and not any(spoken.preview for spoken in clips)
        info = replace(self._tag_info(episode), chapters=_chapters(episode, spans))
        signature = self._signature(episode, keys)
        audio = b"".join(parts)
        sealed = seal(self.audio_key, signature, tuple(spans), audio) if self.audio_key else ""
        content = tagged_mp3(audio, info, tuple(spans), signature, sealed)
        path = self.finished_path(episode) if publishable else self.cache_dir / "preview" / f"{episode.slug}.mp3"
        self.store.write_episode(path, content)
        if publishable:  # made here, from checked turns: the next build need not walk its frames again
            self.store.remember_checked(fingerprint(self._pause, content))
        return self._result(episode, path, tuple(spans), publishable=publishable, version=signature)

    def _result(self, episode: Episode, path: Path, spans: tuple[TurnSpan, ...], *, publishable: bool,
                version: str) -> EpisodeAudio:
        duration = spans[-1].end if spans else 0.0
        return EpisodeAudio(path=path, uri=self.layout.episode_audio(episode, version),
                            size=path.stat().st_size, duration=duration, turns=spans,
                            chapters=_chapters(episode, spans), publishable=publishable)

    def _recorded(self, episode: Episode, report: AudioReport) -> None:
        line, column = episode.position("audio")
        problem, path, duration, version = self._check_recording(str(episode.audio))
        if problem:
            report.problems.append(Problem(episode.source_path, line, column, problem))
            return
        report.audio[episode.slug] = EpisodeAudio(path=path, uri=self.layout.episode_audio(episode, version),
                                                  size=path.stat().st_size, duration=duration,
                                                  turns=(), chapters=(), publishable=True)

    def _check_recording(self, name: str) -> tuple[str, Path, float, str]:
        """(problem or '', path, seconds, content digest) of a recorded episode's file; an unchanged one is
        not read again."""
        path, problem = locate_recording(name, project_dir=self.project_dir, audio_dir=self.settings.audio_dir)
        if problem:
            return problem, path, 0.0, ""
        try:
            stat = path.stat()
            known = self.store.recording_duration(path, stat)
            if known is not None:
                return "", path, *known
        except OSError as exc:
            return f"audio file '{name}' cannot be read ({exc.strerror}); check its permissions", path, 0.0, ""
        data, why = read_regular(path, most=MAX_RECORDING)  # as `check` reads it: the same size and kind of file
        if why:
            return f"audio file '{name}' {why}", path, 0.0, ""
        known = self.store.recording_duration(path, None, data)  # the same bytes, measured (a fresh clone's file)
        if known is None:
            problem, frames = mp3_frames(name, data, whole=True)
            if problem:
                return problem, path, 0.0, ""
            known = duration_of(frames), hashlib.sha256(data).hexdigest()
        self.store.remember_recording(path, stat, *known)
        return "", path, *known


def _chapters(episode: Episode, spans: Sequence[TurnSpan]) -> tuple[tuple[str, float, float], ...]:
    if not spans:
        return ()
    starts, index = [], 0
    for section in episode.sections:
        if section.turns:
            starts.append((section.name, spans[index].start))
        index += len(section.turns)
    ends = [start for _, start in starts[1:]] + [spans[-1].end]
    return tuple((name, start, end) for (name, start), end in zip(starts, ends, strict=True))


def _turn_problem(episode: Episode, index: int, error: BaseException) -> Problem:
    turn = episode.turns[index]
    return Problem(episode.source_path, turn.line, 1,
                   f"speech for this turn failed: {error}; the episode has no audio in this build, "
                   "and the next build tries again", Severity.ERROR)


def _stopped_problem(stopped: list[tuple[Episode, int, str]]) -> Problem:
    episode, index, reason = stopped[0]
    episodes = len({e.slug for e, _, _ in stopped})
    return Problem(episode.source_path, episode.turns[index].line, 1,
                   f"{reason}; {len(stopped)} turns of {episodes} episodes have no audio in this build, "
                   "and the next build tries again")
