"""Microsoft Edge's online neural voices through edge-tts (LGPL-3.0): natural female and male voices in many
languages, no key, an unofficial endpoint.

The endpoint breaks in waves (HTTP 403 until the token's clock matches, "No audio was received", 503s,
dropped connections), so every turn is tried again with backoff; when every try failed, or the service cannot
be reached at all, the turn raises `unreachable` and the next engine of the host's chain speaks. Its maintainer
calls more than ~40 parallel connections abusive: the table's row allows 4 requests at once.

`edge_voices.json` is the voice list as `edge_tts.list_voices()` returns it, trimmed to `ShortName`, `Gender`,
`Locale` and `VoiceTag`, so that `podcast check` refuses an unknown voice without the network. It was made in
December 2026 from public copies of edge-tts 7's `edge-tts --list-voices` table (322 voices, with Locale taken
from the ShortName as edge-tts itself does), and checked against an independent `list_voices()` dump
(GitHub Paxurux/Videodubbing-with-gemini, edge_tts_voices.json at commit 1919a04, August 2025): the 300 voices
both list agree on gender. `refresh_edge_voices` replaces it with the live list.
"""

from __future__ import annotations

import asyncio
import difflib
import errno
import json
import random
import re
import socket
import threading
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from ..model import Host
from ..writer import write_atomic
from .core import GivingUp, RetryPolicy, SpeechError, Voice, VoiceInfo, checked_answer

__all__ = ["VOICES_PATH", "EdgeEngine", "edge_identity", "edge_language_problem", "edge_locale", "edge_prosody",
           "edge_voice", "edge_voice_problem", "edge_voices", "refresh_edge_voices"]

T = TypeVar("T")
VOICES_PATH = Path(__file__).with_name("edge_voices.json")
_KEPT = ("ShortName", "Gender", "Locale", "VoiceTag")
_DEFAULTS = {
    ("zh-CN", "Female"): ("zh-CN-XiaoxiaoNeural", "zh-CN-XiaoyiNeural"),
    ("zh-CN", "Male"): ("zh-CN-YunjianNeural", "zh-CN-YunxiNeural", "zh-CN-YunyangNeural"),
    ("en-US", "Female"): ("en-US-AvaNeural", "en-US-EmmaNeural"),
    ("en-US", "Male"): ("en-US-AndrewNeural", "en-US-BrianNeural"),
}
"""The voices hosts get by gender, in the order of `gender_rank`; other locales take theirs in list order."""
_LOCALES = {"zh": "zh-CN", "en": "en-US", "es": "es-ES", "pt": "pt-BR", "ar": "ar-SA", "sw": "sw-KE"}
"""The locale a bare language speaks, where it is not the language doubled (fr -> fr-FR)."""
_LANGUAGE = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?"
"""A language, or a language with a region or script (zh, zh-CN, es-419): what a gTTS host's `voice:` holds."""
PITCH_BASE_HZ = {"Female": 200, "Male": 120}
"""Edge takes pitch in hertz, a host gives it in percent: percent of a typical speaking pitch of the voice's
gender (about 200 Hz for women, 120 Hz for men), so `pitch: +10%` is +20Hz on a female voice, +12Hz on a male."""


@cache
def edge_voices(path: Path = VOICES_PATH) -> tuple[dict, ...]:
    """The voices of the list at `path` (the shipped one by default), as `edge_tts.list_voices()` gives them."""
    return tuple(json.loads(path.read_text(encoding="utf-8")))


def edge_voice_infos() -> list[VoiceInfo]:
    """The shipped voices as `podcast voices` lists them, with their personalities as the note."""
    return [VoiceInfo(v["ShortName"], v["Locale"], str(v.get("Gender", "")).lower(),
                      ", ".join((v.get("VoiceTag") or {}).get("VoicePersonalities") or ())) for v in edge_voices()]


@cache
def _by_name() -> dict[str, dict]:
    return {voice["ShortName"]: voice for voice in edge_voices()}


@cache
def _locales() -> dict[str, str]:
    return {voice["Locale"].lower(): voice["Locale"] for voice in edge_voices()}


def edge_locale(language: str) -> str | None:
    """The locale of the list that speaks `language` (zh -> zh-CN, en -> en-US, zh-TW -> zh-TW); None if none."""
    code = language.lower()
    if code in _locales():
        return _locales()[code]
    base = code.split("-")[0]
    preferred = _LOCALES.get(base, f"{base}-{base}").lower()
    if preferred in _locales():
        return _locales()[preferred]
    return next((locale for lowered, locale in _locales().items() if lowered.split("-")[0] == base), None)


def edge_voice(own: str | None, host: Host, language: str) -> Voice:
    """The host's `voice:` (a ShortName), else the default of the language's locale for the host's gender: the
    first woman of a show gets Xiaoxiao in Chinese, the second Xiaoyi. A host without `gender:` alternates
    female and male in the order the hosts are declared, as the offline engine's variants do."""
    name = own or _default_voice(language, host)
    voice = _by_name().get(name)
    return Voice(language=voice["Locale"] if voice else language, name=name, rate=host.rate, pitch=host.pitch)


def _default_voice(language: str, host: Host) -> str:
    locale = edge_locale(language)
    if locale is None:
        return ""
    if host.gender:
        gender, rank = host.gender.capitalize(), host.gender_rank
    else:
        gender, rank = ("Female", "Male")[host.variant % 2], host.variant // 2
    in_locale = [v for v in edge_voices() if v["Locale"] == locale]
    names = _DEFAULTS.get((locale, gender)) or [v["ShortName"] for v in in_locale if v["Gender"] == gender] \
        or [v["ShortName"] for v in in_locale]
    return names[rank % len(names)]


def edge_identity(voice: Voice) -> str:
    """What Edge hears of a voice: its name, rate and pitch."""
    return f"{voice.name}|{voice.rate}|{voice.pitch}"


def edge_prosody(voice: Voice) -> tuple[str, str]:
    """(rate, pitch) as edge-tts takes them: `+10%` and `+20Hz` (see PITCH_BASE_HZ)."""
    gender = _by_name().get(voice.name, {}).get("Gender")
    hertz = round(voice.pitch * PITCH_BASE_HZ.get(gender, 160) / 100)
    return f"{voice.rate:+d}%", f"{hertz:+d}Hz"


def edge_voice_problem(voice: object) -> str:
    """'' for a voice of the list (a ShortName such as zh-CN-XiaoxiaoNeural); else the message, with the voice
    meant when it is close to one, and where the list is."""
    if isinstance(voice, str) and voice in _by_name():
        return ""
    text = str(voice)
    if (text.lower() in _locales() or re.fullmatch(_LANGUAGE, text)) and edge_locale(text) is not None:
        example = _default_voice(text, Host("", gender="female"))
        return (f"'{text}' is a language, not an Edge voice; name one such as {example}, or leave out 'voice:' "
                "for the language's voice of the host's 'gender:'")
    lowered = {name.lower(): name for name in _by_name()}
    close = difflib.get_close_matches(text.lower(), list(lowered), n=1, cutoff=0.6)
    hint = f" (did you mean '{lowered[close[0]]}'?)" if close else ""
    return f"'{text}' is not an Edge voice{hint}; `podcast voices --engine edge` lists them"


def edge_language_problem(language: str) -> str:
    """'' when the list has a voice for `language`; else the message."""
    if edge_locale(language) is not None:
        return ""
    return (f"'{language}' has no Edge voice; use a language such as zh-CN, en-US or fr-FR "
            "(`podcast voices --engine edge` lists them)")


def refresh_edge_voices(path: Path = VOICES_PATH) -> int:
    """Replace the list at `path` with the live one (edge_tts.list_voices), trimmed as shipped; returns how many
    voices it holds. Raises SpeechError, leaving the file as it was, when the list cannot be had."""
    import edge_tts

    try:
        voices = run_apart(edge_tts.list_voices())
    except Exception as exc:
        raise _classify(exc) from exc
    trimmed = sorted(({key: voice[key] for key in _KEPT if key in voice} for voice in voices
                      if isinstance(voice, dict) and voice.get("ShortName")), key=lambda voice: voice["ShortName"])
    if not trimmed:
        raise SpeechError("Edge's voice list came back empty; the list was left as it was")
    write_atomic(path, voices_json(trimmed).encode("utf-8"))
    for cached in (edge_voices, _by_name, _locales):
        cached.cache_clear()
    return len(trimmed)


def voices_json(voices: list[dict]) -> str:
    """The list as it is stored: one voice per line, so that a refresh shows as a readable diff."""
    return "[\n" + ",\n".join(json.dumps(voice, ensure_ascii=False) for voice in voices) + "\n]\n"


class EdgeEngine:
    """Edge's voices through the real `edge_tts.Communicate`, with retries, a stop after failed turns, and
    `cancel()`: each request runs in its own event loop in the calling thread, which watches for a cancel."""

    name = "edge"

    def __init__(self, *, retry: RetryPolicy | None = None, sleep: Callable[[float], object] | None = None,
                 rng: random.Random | None = None, give_up_after: int = 3, connect_timeout: int = 10,
                 receive_timeout: int = 30, deadline: float = 90.0, poll: float = 0.1) -> None:
        self.retry = retry or RetryPolicy(attempts=4, base_delay=1.0, max_delay=10.0)
        self.giving_up = GivingUp("Edge", give_up_after, unreachable=True)
        """Turns in a row that failed every try before the engine stops sending in this build (a turn still
        waiting then goes to the host's next engine); Ctrl-C."""
        self.sleep = sleep or self.giving_up.cancelled.wait  # a wait that Ctrl-C (cancel) cuts short
        self.rng = rng or random.Random()
        self.timeouts = (connect_timeout, receive_timeout)
        self.deadline = deadline
        """Seconds for a whole request: the timeouts bound each read only, and a server that trickles audio
        would hold a turn (and the build) for ever."""
        self.poll = poll
        """Seconds between looks at `cancel()` while a request runs."""
        self._lock = threading.Lock()
        self._down = False
        """A turn failed every try: later turns try once, so that the chain's next engine speaks sooner."""

    def cancel(self) -> None:
        """Stop: no new request starts, running ones and waits end within `poll` seconds (for Ctrl-C)."""
        self.giving_up.cancelled.set()

    def synthesize(self, text: str, voice: Voice) -> bytes:
        if not text.strip():
            raise SpeechError(f"nothing to say in {text[:30]!r}")
        try:
            audio = self._tries(text, voice)
        except SpeechError as exc:
            if not exc.stopped:
                self.giving_up.failed(exc)
            with self._lock:
                self._down |= exc.unreachable
            raise
        self.giving_up.succeeded()
        with self._lock:
            self._down = False
        return audio

    def _tries(self, text: str, voice: Voice) -> bytes:
        attempts = 1 if self._down else self.retry.attempts
        for attempt in range(1, attempts + 1):
            self.giving_up.check()
            try:
                return self._request(text, voice)
            except SpeechError as exc:
                if exc.unreachable or exc.stopped or not exc.retryable:
                    raise
                if attempt == attempts:
                    raise SpeechError(f"Edge failed on every try ({attempts}): {exc}", unreachable=True) from exc
            self.sleep(self.retry.delay(attempt, self.rng))
        raise AssertionError("unreachable")

    def _request(self, text: str, voice: Voice) -> bytes:
        import edge_tts  # imported here: a site that never speaks with Edge does not load it

        rate, pitch = edge_prosody(voice)
        try:
            communicate = edge_tts.Communicate(text, voice.name, rate=rate, pitch=pitch,
                                               connect_timeout=self.timeouts[0], receive_timeout=self.timeouts[1])
        except (TypeError, ValueError) as exc:
            raise SpeechError(f"edge-tts refused voice {voice.name!r} ({exc})") from exc
        try:
            audio = run_apart(self._watched(_audio_of(communicate)))
        except SpeechError:
            raise
        except Exception as exc:
            raise _classify(exc) from exc
        return checked_answer(audio, "Edge")

    async def _watched(self, work):
        """`work`'s result, unless `cancel()` or the deadline comes first: then the request is cancelled and
        SpeechError raised (`stopped` for a cancel, retryable for the deadline)."""
        task = asyncio.ensure_future(work)
        loop = asyncio.get_running_loop()
        until = loop.time() + self.deadline
        while not task.done():
            await asyncio.wait({task}, timeout=max(0.0, min(self.poll, until - loop.time())))
            if task.done():
                break
            if self.giving_up.cancelled.is_set():
                await _abandon(task, self.poll * 10)
                raise SpeechError("speech was cancelled", stopped=True)
            if loop.time() >= until:
                await _abandon(task, self.poll * 10)
                raise SpeechError(f"Edge took longer than {self.deadline:g} s to answer", retryable=True)
        return task.result()


async def _abandon(task: asyncio.Future, seconds: float) -> None:
    task.cancel()
    await asyncio.wait({task}, timeout=seconds)


def run_apart(work: Coroutine[Any, Any, T]) -> T:
    """`work` run to its end on an event loop of its own: in this thread, or, when this thread already runs a
    loop (a host's, a test browser's), in a thread of its own, since a thread holds one running loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1) as apart:
        return apart.submit(asyncio.run, work).result()


async def _audio_of(communicate) -> bytes:
    return b"".join([chunk["data"] async for chunk in communicate.stream() if chunk["type"] == "audio"])


_OFFLINE_ERRNOS = {errno.ECONNREFUSED, errno.ENETUNREACH, errno.EHOSTUNREACH}
"""Connection errors that mean no request can get through (no network, nobody listening): no retry helps."""


def _classify(exc: BaseException) -> SpeechError:
    """edge-tts's and aiohttp's errors as SpeechError: worth another try, or the service is out of reach."""
    import aiohttp
    from edge_tts.exceptions import EdgeTTSException

    if isinstance(exc, aiohttp.ClientResponseError):
        if exc.status in (403, 408, 429) or exc.status >= 500:
            return SpeechError(f"Edge answered HTTP {exc.status}", retryable=True)
        return SpeechError(f"Edge answered HTTP {exc.status}: its endpoint may have changed (a newer edge-tts "
                           "may know it)", unreachable=True)
    if isinstance(exc, aiohttp.ClientSSLError):
        return SpeechError(f"Edge's certificate was refused ({exc})", unreachable=True)
    if isinstance(exc, aiohttp.ClientConnectorError) and _offline(exc.os_error):
        reason = exc.os_error.strerror or type(exc.os_error).__name__
        return SpeechError(f"Edge could not be reached ({exc.host}: {reason})", unreachable=True)
    if isinstance(exc, aiohttp.ClientError | EdgeTTSException | TimeoutError | OSError):
        return SpeechError(f"Edge's answer failed ({type(exc).__name__}: {exc})", retryable=True)
    return SpeechError(f"edge-tts failed ({type(exc).__name__}: {exc})")


def _offline(error: OSError) -> bool:
    return isinstance(error, socket.gaierror | ConnectionRefusedError) or error.errno in _OFFLINE_ERRNOS
