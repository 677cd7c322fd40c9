"""Google Translate's voices through gTTS: one voice per language (accents by `tld` for English)."""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from ..markup import split_for_speech
from ..model import Host
from ..voices import google_domains, gtts_languages
from ..voices import voice_problem as gtts_voice_problem
from .core import GivingUp, RateLimiter, RetryPolicy, SpeechError, Voice, VoiceInfo, checked_answer, run_within

__all__ = ["GttsEngine", "gtts_describe", "gtts_identity", "gtts_voice", "gtts_voice_problem", "gtts_voices"]


def gtts_voice(own: str | None, host: Host, language: str) -> Voice:
    """A host's voice is a language (with `tld` for the accent); gTTS has one voice per language, so
    `gender` picks nothing here, and it cannot change rate or pitch."""
    return Voice(language=own or language, tld=host.tld or "com", variant=host.variant)


def gtts_identity(voice: Voice) -> str:
    """What gTTS reads of a voice. `variant` is not among it but stays, so that every turn spoken before
    keeps its cache key (and published episodes their turns)."""
    return f"{voice.language}|{voice.tld}|{voice.variant}"


def gtts_voices() -> list[VoiceInfo]:
    """One voice per language (Google does not say whose); English accents come by `tld:`."""
    return [VoiceInfo(code, code, note=name) for code, name in sorted(gtts_languages().items())]


def gtts_describe(voice: Voice) -> str:
    return voice.language if voice.tld == "com" else f"{voice.language} (translate.google.{voice.tld})"


class GttsEngine:
    """Google Translate's voices through gTTS, with splitting, retries and a rate limit."""

    name = "gtts"

    def __init__(self, *, retry: RetryPolicy | None = None, requests_per_second: float = 2.0,
                 timeout: float = 20.0, sleep: Callable[[float], None] | None = None,
                 rng: random.Random | None = None, give_up_after: int = 3, deadline: float = 60.0) -> None:
        self.retry = retry or RetryPolicy()
        self.timeout = timeout
        """Seconds for connecting and for each read (requests' timeout)."""
        self.deadline = deadline
        """Seconds for a whole request, answer included: a server trickling bytes cannot hold the build."""
        self.giving_up = GivingUp("gTTS", give_up_after)
        """Turns in a row that failed every retry before the engine stops trying in this build; Ctrl-C."""
        self.sleep = sleep or self.giving_up.cancelled.wait  # a wait that Ctrl-C (cancel) cuts short
        self.rng = rng or random.Random()
        self.limiter = RateLimiter(requests_per_second, sleep=self.sleep)

    def cancel(self) -> None:
        """Stop: no new request starts, waits and running requests end now (for Ctrl-C)."""
        self.giving_up.cancelled.set()

    def synthesize(self, text: str, voice: Voice) -> bytes:
        pieces = split_for_speech(text)
        if not pieces:
            raise SpeechError(f"nothing to say in {text[:30]!r}")
        try:
            audio = b"".join(self._piece(piece, voice) for piece in pieces)
        except SpeechError as exc:
            if not exc.stopped and not exc.unreachable:
                self.giving_up.failed(exc)
            raise
        self.giving_up.succeeded()
        return audio

    def _piece(self, piece: str, voice: Voice) -> bytes:
        for attempt in range(1, self.retry.attempts + 1):
            self.giving_up.check()
            self.limiter.wait()
            self.giving_up.check()
            try:
                return run_within(lambda: self._request(piece, voice), seconds=self.deadline,
                                  cancelled=self.giving_up.cancelled, what="gTTS")
            except SpeechError as exc:
                if exc.unreachable or not exc.retryable or attempt == self.retry.attempts:
                    raise
                self.sleep(self.retry.delay(attempt, self.rng))
        raise AssertionError("unreachable")

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
        return checked_answer(audio, "gTTS")


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
