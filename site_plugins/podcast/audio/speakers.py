"""The engines of one build, and who speaks a turn: the host's engine, or the next of its fallback chain
when that cannot be reached; each engine made once from its row in the table and held to its row's
number of requests at once."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..model import Host, Settings
from ..speech import ENGINES, SpeechEngine, SpeechError, Voice, host_voice, turn_key
from .clips import Clip, ClipStore

OVERTIME = 20.0
"""Seconds a request begun before a run's time for speech was up may still take; then every engine is stopped,
so that a publishing run keeps its budget within half a minute whatever a speech server does."""


@dataclass(frozen=True, slots=True)
class Job:
    """One turn to be spoken in the host's voice."""

    key: str
    text: str
    voice: Voice
    engine: str
    """The engine of the host, whose key `key` is."""
    host: Host
    language: str


@dataclass(frozen=True, slots=True)
class Spoken:
    """One turn's audio for an episode, and where it came from."""

    clip: Clip
    key: str
    """The key it is kept under: the host's engine's, or the fallback's that spoke it."""
    preview: bool
    """Spoken by an engine whose speech may not be published: the episode stays a preview."""
    engine: str = ""
    """The engine that spoke it in this run; '' when a cache or a finished MP3 held it."""
    fell_back: bool = False
    """A fallback of the host's chain gave it."""


TIME_UP = "this run's time for speech is used up"


class Speakers:
    """The engines of one build: made when a host first needs one, limited, skipped once unreachable."""

    def __init__(self, settings: Settings, store: ClipStore, *, engine: SpeechEngine,
                 fallback: SpeechEngine | None = None, engines: Sequence[SpeechEngine] = (), every_host: bool = False,
                 progress: Callable[[str], None], warn: Callable[[str], None],
                 speak_until: float | None = None, unreachable: set[str] | None = None) -> None:
        self.settings, self.store = settings, store
        self.engine = engine
        """Speaks the hosts that name no engine: the site's `tts:` (or PODCAST_TTS), whose speech is published."""
        self.fallback = fallback if fallback is not None and fallback.name != engine.name else None
        """Speaks when a host's engine cannot be reached and the host names no `fallback:`."""
        self.every_host = every_host
        """`engine` speaks every host, whatever engine it names (PODCAST_TTS: an offline build)."""
        self._engines = {e.name: e for e in (*engines, *([self.fallback] if self.fallback else ()), engine)}
        """Engines made so far, by name; the others are made from their row in the table when a host needs one."""
        self._lock = threading.Lock()
        self._limits: dict[str, threading.BoundedSemaphore] = {}
        self._unreachable = unreachable if unreachable is not None else set()
        """Engines found unreachable: skipped for the rest of the build (of the preview, when it passes its own)."""
        self._remembered = frozenset(self._unreachable)
        self.progress, self.warn = progress, warn
        self.speak_until = speak_until
        """Wall-clock time (time.time()) after which no turn is sent to an engine: a publishing run's budget,
        so that it ends in time to store what it made."""
        self._overtime = None if speak_until is None else threading.Timer(
            max(0.0, speak_until + OVERTIME - time.time()), self._time_up)
        if self._overtime is not None:
            self._overtime.daemon = True
            self._overtime.start()

    @property
    def identity(self) -> tuple[str, bool]:
        """What each turn's key depends on besides its host, language and text (see `job`)."""
        return self.engine.name, self.every_host

    def job(self, host: Host, text: str, language: str) -> Job:
        engine = self.engine.name if self.every_host else host.engine or self.engine.name
        voice = host_voice(engine, host, language)
        return Job(turn_key(engine, voice, text), text, voice, engine, host, language)

    def may_publish(self, name: str) -> bool:
        spec = ENGINES.get(name)
        return name == self.engine.name or (spec is not None and spec.publishable)

    def speak(self, job: Job) -> Spoken:
        """One turn's clip, from the host's engine or, when that cannot be reached, the next of its chain
        (from the cache or a finished MP3 when that engine spoke it before). A fallback's turn is kept under
        its own key, so that the host's engine speaks it once it can be reached again."""
        if self._time_is_up():
            raise SpeechError(TIME_UP, stopped=True)
        try:
            return self._speak(job)
        except SpeechError as exc:
            if exc.stopped and self._time_is_up():
                raise SpeechError(TIME_UP, stopped=True) from exc
            raise

    def _speak(self, job: Job) -> Spoken:
        chain = [job.engine, *self._chain(job)]
        for position, name in enumerate(chain):
            if name in self._unreachable and position < len(chain) - 1:
                if name in self._remembered:  # said once, in the build that found it
                    self._remembered = self._remembered - {name}
                    self.progress(f"{name} was not reachable earlier in this preview, so {chain[position + 1]} "
                                  "speaks its turns; restart the preview to try it again")
                continue
            voice = job.voice if position == 0 else host_voice(name, job.host, job.language)
            key = job.key if position == 0 else turn_key(name, voice, job.text)
            preview = not self.may_publish(name)
            clip = self.store.get(key) if position else None
            if clip is not None:
                return Spoken(clip, key, preview, fell_back=True)
            try:
                clip = Clip.from_speech(self._synthesize(name, job.text, voice))
            except SpeechError as exc:
                if not exc.unreachable or position == len(chain) - 1:
                    raise
                self._mark_unreachable(name, exc, chain[position + 1])
                continue
            self.store.put(key, clip)
            return Spoken(clip, key, preview, engine=name, fell_back=position > 0)
        raise AssertionError("unreachable")

    def cancel(self) -> None:
        """Ctrl-C: every engine that waits stops waiting, and sends nothing more."""
        for engine in list(self._engines.values()):
            getattr(engine, "cancel", lambda: None)()

    def close(self) -> None:
        """The build is over: the budget's timer has nothing left to stop."""
        if self._overtime is not None:
            self._overtime.cancel()

    def _time_is_up(self) -> bool:
        return self.speak_until is not None and time.time() > self.speak_until

    def _time_up(self) -> None:
        self.progress(f"speech: requests still running {OVERTIME:g} s after this run's time for speech was up "
                      "are stopped")
        self.cancel()

    def engine_named(self, name: str) -> SpeechEngine:
        """The build's engine of this name, made from its row in the table the first time a host needs it."""
        with self._lock:
            if name not in self._engines:
                self._engines[name] = ENGINES[name].make(self.settings)
            if name not in self._limits:
                spec = ENGINES.get(name)
                most = min(spec.concurrency, self.settings.tts_concurrency) if spec else self.settings.tts_concurrency
                self._limits[name] = threading.BoundedSemaphore(most)
            return self._engines[name]

    def _chain(self, job: Job) -> tuple[str, ...]:
        """The engines after the host's own, in order, that speak when it cannot be reached."""
        chain = job.host.fallback if job.host.fallback is not None else \
            ((self.fallback.name,) if self.fallback else ())
        return tuple(name for name in chain if name != job.engine)

    def _synthesize(self, name: str, text: str, voice: Voice) -> bytes:
        engine = self.engine_named(name)
        with self._limits[name]:
            return engine.synthesize(text, voice)

    def _mark_unreachable(self, name: str, exc: SpeechError, instead: str) -> None:
        with self._lock:
            if name in self._unreachable:
                return
            self._unreachable.add(name)
        # Said, not warned, when the fallback may publish: the turns go out, and a strict build must not fail.
        say = self.progress if self.may_publish(instead) else self.warn
        say(f"{exc}; {instead} speaks the turns {name} would have spoken"
            f"{'' if self.may_publish(instead) else ' (kept as a preview, never published)'}")
