"""The speech engines, as the audio stage uses them; they live below `load` and `audio` in `..speech`,
whose table (`ENGINES`) says what each engine is."""

from __future__ import annotations

from ..markup import split_for_speech
from ..speech import (
    BIT_RATE,
    FORMAT,
    EspeakEngine,
    GttsEngine,
    RateLimiter,
    RetryPolicy,
    SpeechEngine,
    SpeechError,
    Voice,
    engine_name,
    espeak_voice_name,
    make_engine,
    silence_mp3,
)

__all__ = ["BIT_RATE", "FORMAT", "EspeakEngine", "GttsEngine", "RateLimiter", "RetryPolicy", "SpeechEngine",
           "SpeechError", "Voice", "engine_name", "espeak_voice_name", "make_engine", "silence_mp3",
           "split_for_speech"]
