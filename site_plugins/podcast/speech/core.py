"""What every speech engine shares: a voice in, MP3 bytes in one format out, and the errors on the way."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

from ..errors import PodcastError
from ..mp3frames import FrameFormat, Mp3Error, read_frames

FORMAT = FrameFormat(version="2", layer=3, sample_rate=24000, channels=1)
"""What the engines deliver, and what episodes are made of (MPEG-2 Layer III, 24 kHz, mono)."""
BIT_RATE = 32
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Voice:
    """How one host sounds on one engine: each engine reads the fields it knows."""

    language: str
    """BCP 47 code: zh-CN, zh-TW, en, ..."""
    tld: str = "com"
    """gTTS accent for English (com, co.uk, com.au, ...)."""
    variant: int = 0
    """Which of the offline engine's voice variants; hosts of one show get different ones."""
    name: str = ""
    """The engine's own name of a voice (an eSpeak NG voice such as `cmn+m3`); '' for its voice of the language."""
    rate: int = 0
    """Speaking rate, percent faster (+) or slower (-) than the engine's own."""
    pitch: int = 0
    """Pitch, percent higher (+) or lower (-) than the engine's own."""

    @property
    def key(self) -> str:
        """Every field that changes the sound; the first three alone for a voice as it was before the others
        existed, so that turns spoken then keep their cache keys."""
        extra = [f"{field}={value}" for field, value in (("name", self.name), ("rate", self.rate),
                                                         ("pitch", self.pitch)) if value]
        return "|".join([self.language, self.tld, str(self.variant), *extra])


@dataclass(frozen=True, slots=True)
class VoiceInfo:
    """One voice an engine offers, as `podcast voices` lists it."""

    name: str
    """What a host's `voice:` says to choose it."""
    language: str
    """BCP 47: zh-CN, en-US, ..."""
    gender: str = ""
    """female, male, or '' when the engine does not say."""
    note: str = ""
    also: tuple[str, ...] = ()
    """Other language codes it answers to (eSpeak NG's Mandarin is `cmn`, also `zh`)."""

    def speaks(self, language: str) -> bool:
        """Whether it speaks `language` or a regional form of it: `zh` matches zh-CN and cmn's `zh`."""
        wanted = language.lower()
        return any(code.lower() == wanted or code.lower().startswith(f"{wanted}-")
                   for code in (self.language, *self.also))


class SpeechError(PodcastError):
    """Synthesis failed; `retryable` says whether trying again may help."""

    def __init__(self, message: str, *, retryable: bool = False, unreachable: bool = False,
                 stopped: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable
        self.unreachable = unreachable
        self.stopped = stopped
        """The engine gave up on this build (failures in a row, or cancelled): no request was sent."""


class SpeechEngine(Protocol):
    name: str
    """The engine's row in the table of engines (`speech.registry.ENGINES`); part of every cache key."""

    def synthesize(self, text: str, voice: Voice) -> bytes:
        """MP3 bytes in the engine's declared format for `text`; raises SpeechError."""


class GivingUp:
    """What an online engine keeps across the turns of one build: whether Ctrl-C cancelled it, and how many turns
    in a row failed every try, after which it sends nothing more. `check` before each request says which."""

    def __init__(self, who: str, after: int, *, unreachable: bool = False) -> None:
        self.who, self.after = who, after
        self.unreachable = unreachable
        """Given up, the engine is unreachable too: a turn still waiting goes to the host's next engine."""
        self.cancelled = threading.Event()
        self._lock = threading.Lock()
        self._in_a_row = 0
        self._last = ""

    def check(self) -> None:
        if self.cancelled.is_set():
            raise SpeechError("speech was cancelled", stopped=True)
        if self._in_a_row >= self.after:
            raise SpeechError(f"{self.who} failed {self._in_a_row} turns in a row ({self._last}), so no more "
                              "requests are sent in this build", stopped=True, unreachable=self.unreachable)

    def failed(self, error: SpeechError) -> None:
        with self._lock:
            self._in_a_row += 1
            self._last = str(error)

    def succeeded(self) -> None:
        with self._lock:
            self._in_a_row = 0


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5
    base_delay: float = 1.0
    max_delay: float = 30.0

    def delay(self, attempt: int, rng: random.Random) -> float:
        """Exponential backoff with full jitter, for the wait after failed `attempt` (1-based)."""
        return rng.uniform(0, min(self.max_delay, self.base_delay * 2 ** (attempt - 1)))


class RateLimiter:
    """At most `per_second` starts per second, shared by every thread."""

    def __init__(self, per_second: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self.interval = 1.0 / per_second if per_second > 0 else 0.0
        self.clock, self.sleep = clock, sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        with self._lock:
            now = self.clock()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            self.sleep(start - now)


def checked_answer(audio: bytes, who: str) -> bytes:
    """`audio` when it is MPEG audio frames (tags allowed); else a retryable SpeechError, as for any bad answer:
    an empty answer, or a tag with no frame after it, would otherwise be a turn of no seconds."""
    try:
        frames = read_frames(audio)
    except Mp3Error as exc:
        raise SpeechError(f"{who} answered with something that is not MP3 ({exc})", retryable=True) from None
    if not frames:
        raise SpeechError(f"{who} answered with no audio ({len(audio)} bytes, not one MPEG frame)", retryable=True)
    return audio


def run_within(work: Callable[[], T], *, seconds: float, cancelled: threading.Event, what: str,
               poll: float = 0.1) -> T:
    """`work()`'s result, unless `seconds` pass or `cancelled` is set first: then SpeechError (retryable after the
    deadline, `stopped` when cancelled). A client's timeouts bound each read, not the whole answer: a server that
    sends one byte every few seconds holds a request for ever, so the request runs in a daemon thread that is
    left to its socket when time is up; nothing waits for it, not even the interpreter's exit."""
    box: list = []
    done = threading.Event()

    def run() -> None:
        try:
            box.append((True, work()))
        except BaseException as exc:  # handed to the waiting thread, which raises it
            box.append((False, exc))
        done.set()

    threading.Thread(target=run, name=f"speech: {what}", daemon=True).start()
    until = time.monotonic() + seconds
    while not done.wait(max(0.0, min(poll, until - time.monotonic()))):
        if cancelled.is_set():
            raise SpeechError("speech was cancelled", stopped=True)
        if time.monotonic() >= until:
            raise SpeechError(f"{what} took longer than {seconds:g} s to answer", retryable=True)
    ok, result = box[0]
    if not ok:
        raise result
    return result


def encode_mp3(pcm: bytes, sample_rate: int, *, kbps: int = BIT_RATE) -> bytes:
    """16-bit mono PCM as MP3 in `FORMAT` at `kbps` kbit/s (LAME through lameenc)."""
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(kbps)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(FORMAT.sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm) + encoder.flush())


def silence_mp3(seconds: float) -> bytes:
    """A pause in `FORMAT`, encoded once as its own stream so it joins cleanly."""
    samples = int(FORMAT.sample_rate * seconds)
    return encode_mp3(b"\0\0" * samples, FORMAT.sample_rate)
