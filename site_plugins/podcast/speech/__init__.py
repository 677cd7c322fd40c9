"""Speech engines and their table, below both `load` (which checks hosts' voices against it) and `audio`
(which makes the engines and keys their turns by it)."""

from .core import BIT_RATE, FORMAT, RateLimiter, RetryPolicy, SpeechEngine, SpeechError, Voice, silence_mp3
from .edge import EdgeEngine, edge_voices, refresh_edge_voices
from .espeak import EspeakEngine, espeak_voice_name
from .gtts import GttsEngine
from .registry import (
    DEFAULT_ENGINE,
    ENGINES,
    GENDERS,
    OFFLINE_ENGINE,
    EngineSpec,
    engine_name,
    engine_problem,
    engine_spec,
    host_voice,
    language_problem,
    make_engine,
    turn_key,
)

__all__ = ["BIT_RATE", "DEFAULT_ENGINE", "ENGINES", "FORMAT", "GENDERS", "OFFLINE_ENGINE", "EdgeEngine",
           "EngineSpec", "EspeakEngine", "GttsEngine", "RateLimiter", "RetryPolicy", "SpeechEngine", "SpeechError",
           "Voice", "edge_voices", "engine_name", "engine_problem", "engine_spec", "espeak_voice_name", "host_voice",
           "language_problem", "make_engine", "refresh_edge_voices", "silence_mp3", "turn_key"]
