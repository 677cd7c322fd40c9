"""Speech engines behind one small interface: text and a voice in, MP3 bytes out.

Both engines produce the same format (MPEG-2 Layer III, 24 kHz, mono, 32 kbit/s), so
turns of either can be joined into one episode without re-encoding.
"""

from __future__ import annotations

import ctypes
import random
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from ..errors import PodcastError
from ..markup import split_for_speech
from ..mp3frames import FrameFormat
from ..voices import google_domains

FORMAT = FrameFormat(version="2", layer=3, sample_rate=24000, channels=1)
"""What every engine delivers, and what episodes are made of."""
BIT_RATE = 32


@dataclass(frozen=True, slots=True)
class Voice:
    """How one host sounds: the engines read the fields they know."""

    language: str
    """BCP 47 code: zh-CN, zh-TW, en, ..."""
    tld: str = "com"
    """gTTS accent for English (com, co.uk, com.au, ...)."""
    variant: int = 0
    """Which of the offline engine's voice variants; hosts of one show get different ones."""

    @property
    def key(self) -> str:
        return f"{self.language}|{self.tld}|{self.variant}"


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
    """Part of every cache key: audio of different engines never mixes up."""

    def synthesize(self, text: str, voice: Voice) -> bytes:
        """MP3 bytes in `FORMAT` for `text`; raises SpeechError."""


# --- gTTS ----------------------------------------------------------------------


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


class GttsEngine:
    """Google Translate's voices through gTTS, with splitting, retries and a rate limit."""

    name = "gtts"

    def __init__(self, *, retry: RetryPolicy = RetryPolicy(), requests_per_second: float = 2.0,
                 timeout: float = 20.0, sleep: Callable[[float], None] | None = None,
                 rng: random.Random | None = None, give_up_after: int = 3) -> None:
        self.retry = retry
        self.timeout = timeout
        self._cancelled = threading.Event()
        self.sleep = sleep or self._cancelled.wait  # a wait that Ctrl-C (cancel) cuts short
        self.rng = rng or random.Random()
        self.limiter = RateLimiter(requests_per_second, sleep=self.sleep)
        self.give_up_after = give_up_after
        """Turns in a row that failed every retry before the engine stops trying in this build."""
        self._failed_in_a_row = 0
        self._last_error = ""

    def cancel(self) -> None:
        """Stop: no new request starts, waits end now (for Ctrl-C)."""
        self._cancelled.set()

    def synthesize(self, text: str, voice: Voice) -> bytes:
        pieces = split_for_speech(text)
        if not pieces:
            raise SpeechError(f"nothing to say in {text[:30]!r}")
        try:
            audio = b"".join(self._piece(piece, voice) for piece in pieces)
        except SpeechError as exc:
            if not exc.stopped and not exc.unreachable:
                self._failed_in_a_row += 1
                self._last_error = str(exc)
            raise
        self._failed_in_a_row = 0
        return audio

    def _piece(self, piece: str, voice: Voice) -> bytes:
        for attempt in range(1, self.retry.attempts + 1):
            self._check_going()
            self.limiter.wait()
            self._check_going()
            try:
                return self._request(piece, voice)
            except SpeechError as exc:
                if exc.unreachable or not exc.retryable or attempt == self.retry.attempts:
                    raise
                self.sleep(self.retry.delay(attempt, self.rng))
        raise AssertionError("unreachable")

    def _check_going(self) -> None:
        if self._cancelled.is_set():
            raise SpeechError("speech was cancelled", stopped=True)
        if self._failed_in_a_row >= self.give_up_after:
            raise SpeechError(f"gTTS failed {self._failed_in_a_row} turns in a row ({self._last_error}), so no "
                              "more requests are sent in this build", stopped=True)

    def _request(self, piece: str, voice: Voice) -> bytes:
        from gtts import gTTS, gTTSError  # imported here: the offline engine must not need it

        if voice.tld not in google_domains():  # checked on input too; the host must never come from a file
            raise SpeechError(f"'{voice.tld}' is not one of Google's domains; no request was sent")

        tts = gTTS(piece, lang=voice.language, tld=voice.tld, lang_check=False, timeout=self.timeout,
                   tokenizer_func=lambda text: [text])
        try:
            audio = b"".join(tts.stream())
        except gTTSError as exc:
            raise _classify(exc) from exc
        if not audio:
            raise SpeechError("gTTS returned empty audio", retryable=True)
        return audio


_OFFLINE = re.compile(r"resolve|name or service|nodename|getaddrinfo|refused|no route|unreachable", re.I)
"""What a failed connection says when no request can get through (no network, no DNS); anything else
(a reset, a timeout, a dropped answer) is worth trying again."""


def _classify(exc: Exception) -> SpeechError:
    response = getattr(exc, "rsp", None)
    if response is None:
        cause = " ".join(str(e) for e in _chain(exc))
        if _OFFLINE.search(cause):
            return SpeechError(f"gTTS could not be reached ({exc})", unreachable=True)
        return SpeechError(f"gTTS's connection failed ({cause[-200:]})", retryable=True)
    status = response.status_code
    retryable = status in (408, 429) or status >= 500 or status == 200
    return SpeechError(f"gTTS answered HTTP {status}", retryable=retryable)


def _chain(exc: BaseException) -> list[BaseException]:
    """The exception and those it was raised from or while handling (gTTS hides requests' error there)."""
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in found and len(found) < 10:
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


# --- offline: eSpeak NG + LAME, from pip packages --------------------------------

_VARIANTS = ("f3", "m3", "f5", "m7", "f2", "m1")
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_RATE = 1
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def espeak_voice_name(voice: Voice) -> str:
    language = voice.language.lower()
    if language.startswith(("zh", "cmn")):
        base = "yue" if language in ("zh-hk", "yue") else "cmn"
    elif language.startswith("en"):
        base = "en-us" if voice.tld == "com" else "en"
    else:
        base = language.split("-")[0]
    return f"{base}+{_VARIANTS[voice.variant % len(_VARIANTS)]}"


class EspeakEngine:
    """Real speech with no network: libespeak-ng (espeakng-loader) encoded by LAME (lameenc)."""

    name = "espeak"
    _lock = threading.Lock()  # libespeak-ng keeps global state
    _library: ctypes.CDLL | None = None
    _sample_rate = 22050

    def __init__(self, *, words_per_minute: int = 175) -> None:
        self.words_per_minute = words_per_minute

    @classmethod
    def _load(cls) -> ctypes.CDLL:
        if cls._library is None:
            import espeakng_loader

            library = ctypes.CDLL(espeakng_loader.get_library_path())
            library.espeak_Initialize.restype = ctypes.c_int
            rate = library.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0,
                                             espeakng_loader.get_data_path().encode(), 0)
            if rate <= 0:
                raise SpeechError("eSpeak NG failed to start")
            cls._sample_rate = rate
            cls._library = library
        return cls._library

    def synthesize(self, text: str, voice: Voice) -> bytes:
        with self._lock:
            pcm = self._pcm(text, espeak_voice_name(voice))
        if not pcm:
            raise SpeechError(f"eSpeak NG produced no sound for {text[:30]!r}")
        return _encode_mp3(pcm, self._sample_rate)

    def _pcm(self, text: str, voice_name: str) -> bytes:
        library = self._load()
        chunks: list[bytes] = []

        def collect(wav, count, _events):
            if count > 0:
                chunks.append(ctypes.string_at(wav, count * 2))
            return 0

        callback = _SYNTH_CALLBACK(collect)  # kept referenced until synthesis ends
        library.espeak_SetSynthCallback(callback)
        if library.espeak_SetVoiceByName(voice_name.encode()) != 0:
            raise SpeechError(f"eSpeak NG has no voice {voice_name!r}")
        library.espeak_SetParameter(_RATE, self.words_per_minute, 0)
        data = text.encode("utf-8") + b"\0"
        status = library.espeak_Synth(data, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
        library.espeak_Synchronize()
        if status != 0:
            raise SpeechError(f"eSpeak NG failed (status {status})")
        return b"".join(chunks)


def _encode_mp3(pcm: bytes, sample_rate: int) -> bytes:
    import lameenc

    encoder = lameenc.Encoder()
    encoder.set_bit_rate(BIT_RATE)
    encoder.set_in_sample_rate(sample_rate)
    encoder.set_out_sample_rate(FORMAT.sample_rate)
    encoder.set_channels(1)
    encoder.set_quality(2)
    return bytes(encoder.encode(pcm) + encoder.flush())


def make_engine(name: str, *, requests_per_second: float = 2.0) -> SpeechEngine:
    if name == "gtts":
        return GttsEngine(requests_per_second=requests_per_second)
    if name == "espeak":
        return EspeakEngine()
    raise PodcastError(f"unknown speech engine '{name}'; use gtts or espeak")


def engine_name(configured: str, environ: Mapping[str, str]) -> str:
    """The engine for this build: PODCAST_TTS from the environment wins over the site setting."""
    return environ.get("PODCAST_TTS", "").strip() or configured


def silence_mp3(seconds: float) -> bytes:
    """A pause in `FORMAT`, encoded once as its own stream so it joins cleanly."""
    samples = int(FORMAT.sample_rate * seconds)
    return _encode_mp3(b"\0\0" * samples, FORMAT.sample_rate)
