"""The table of speech engines: everything the rest of the project knows about an engine is its row here.

Validation reads a row to check a host's voice, the audio builder to make the engine, to key the turns it
spoke and to limit its requests, publishing to tell whether its speech may go out. Adding an engine is a
module with its class and a row in `ENGINES` (docs/guide/audio.md says how).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..errors import PodcastError
from ..model import Host, Settings
from ..mp3frames import FrameFormat
from .core import FORMAT, SpeechEngine, Voice, VoiceInfo
from .edge import (
    EdgeEngine,
    edge_identity,
    edge_language_problem,
    edge_voice,
    edge_voice_infos,
    edge_voice_problem,
    refresh_edge_voices,
)
from .espeak import (
    EspeakEngine,
    espeak_identity,
    espeak_voice,
    espeak_voice_name,
    espeak_voice_problem,
    espeak_voices,
)
from .gtts import GttsEngine, gtts_describe, gtts_identity, gtts_voice, gtts_voice_problem, gtts_voices

GENDERS = ("female", "male")


@dataclass(frozen=True, slots=True)
class EngineSpec:
    """One speech engine, as the table declares it."""

    name: str
    """What `tts:`, a host's `engine:` and its `fallback:` call it; the first part of every turn's key."""
    doc: str
    make: Callable[[Settings], SpeechEngine]
    """A new engine for one build, configured from the site's settings."""
    voice_problem: Callable[[str], str]
    """'' for a `voice:` the engine speaks; else the message, with what to write instead."""
    voice: Callable[[str | None, Host, str], Voice]
    """How a host sounds on this engine: (its `voice:` when the engine speaks it, the host, the episode's
    language) -> Voice. Picks the engine's default voice by language and `gender` when `voice:` is absent."""
    identity: Callable[[Voice], str]
    """What of a voice changes the engine's sound; with the engine's name, `revision` and the text it is
    the turn's cache key, so a change of anything else never makes a turn be spoken again."""
    output: FrameFormat = FORMAT
    """The MP3 frames it returns; an episode joins frames of one format."""
    concurrency: int = 4
    """Requests it may have running at once in one build (the site's `tts_concurrency` may lower it)."""
    publishable: bool = True
    """Whether its speech may be published when it is not the site's own `tts:` engine."""
    offline: bool = False
    """Whether it speaks without the network: a fallback for previews."""
    language_problem: Callable[[str], str] | None = None
    """'' for a language it has a voice for (what a host without `voice:` speaks); None: `voice_problem`
    checks it, for an engine whose voices are languages."""
    revision: int = 1
    """Raise it when the engine's sound changes for the same voice and text (a new model or library
    version): every turn it spoke is then spoken again. 1 adds nothing to the key."""
    voices: Callable[[], Iterable[VoiceInfo]] = tuple
    """The voices it offers, for `podcast voices` (read without the network)."""
    describe: Callable[[Voice], str] = lambda voice: voice.name or voice.language
    """A voice as the engine names it, for the build log and `podcast say`."""
    refresh: Callable[[], int] | None = None
    """Fetches the engine's current voice list into the project's copy that `voices` reads; returns how many
    (`podcast voices --refresh`). None: its list comes with its package."""


ENGINES: dict[str, EngineSpec] = {spec.name: spec for spec in (
    EngineSpec("gtts", "Google Translate's voices through gTTS: one voice per language, accents by `tld:`.",
               make=lambda s: GttsEngine(requests_per_second=s.tts_rate), voice_problem=gtts_voice_problem,
               voice=gtts_voice, identity=gtts_identity, concurrency=4, voices=gtts_voices, describe=gtts_describe),
    EngineSpec("espeak", "eSpeak NG, offline: robotic, with female and male variants; for previews and tests.",
               make=lambda s: EspeakEngine(), voice_problem=espeak_voice_problem, voice=espeak_voice,
               identity=espeak_identity, concurrency=2, publishable=False, offline=True, voices=espeak_voices,
               describe=espeak_voice_name),
    EngineSpec("edge", "Microsoft Edge's online neural voices through edge-tts: female and male voices in many "
                       "languages, no key; an unofficial endpoint, so retried, limited and backed by a fallback.",
               make=lambda s: EdgeEngine(), voice_problem=edge_voice_problem, voice=edge_voice,
               identity=edge_identity, concurrency=4, publishable=True, offline=False,
               language_problem=edge_language_problem, voices=edge_voice_infos, refresh=refresh_edge_voices),
)}
DEFAULT_ENGINE = "gtts"
OFFLINE_ENGINE = "espeak"
"""Speaks, for previews, the turns of a host whose chain names no fallback when its engine cannot be reached."""


def engine_spec(name: str) -> EngineSpec:
    try:
        return ENGINES[name]
    except KeyError:
        raise PodcastError(f"unknown speech engine '{name}'; use one of: {', '.join(ENGINES)}") from None


def engine_problem(name: object) -> str:
    """'' for an engine in the table; else the message that lists them."""
    if isinstance(name, str) and name in ENGINES:
        return ""
    return f"engine '{name}' is not a speech engine; use one of: {', '.join(ENGINES)}"


def make_engine(name: str, *, requests_per_second: float = 2.0, settings: Settings | None = None) -> SpeechEngine:
    return engine_spec(name).make(settings or Settings(tts_rate=requests_per_second))


def engine_name(configured: str, environ: Mapping[str, str]) -> str:
    """The engine for this build: PODCAST_TTS from the environment wins over the site setting."""
    return environ.get("PODCAST_TTS", "").strip() or configured


def host_voice(engine: str, host: Host, language: str) -> Voice:
    """How `host` sounds on `engine` in an episode in `language`: its `voice:` is used only by an engine that
    speaks it (a fallback engine speaks the host's language with its gender instead)."""
    spec = engine_spec(engine)
    own = host.voice if host.voice and not spec.voice_problem(host.voice) else None
    return spec.voice(own, host, language)


def language_problem(engine: str, language: str) -> str:
    """'' when `engine` has a voice for `language`; else the message."""
    spec = engine_spec(engine)
    return (spec.language_problem or spec.voice_problem)(language)


def turn_key(engine: str, voice: Voice, text: str) -> str:
    """A turn's cache key: the engine (and its revision past the first), what it reads of the voice, the text."""
    spec = ENGINES.get(engine)
    identity = spec.identity(voice) if spec else voice.key
    name = engine if spec is None or spec.revision == 1 else f"{engine}@{spec.revision}"
    return hashlib.sha256(f"{name}\n{identity}\n{text}".encode()).hexdigest()[:40]
