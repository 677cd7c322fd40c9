"""Real speech with no network: eSpeak NG (from the pip package espeakng-loader) encoded by LAME (lameenc).

Robotic, but always there: previews without network, and tests with real MP3 bytes. Its voices come in
female and male variants (`cmn+f3`, `cmn+m3`), which is how two hosts sound apart."""

from __future__ import annotations

import ctypes
import re
import threading
from functools import cache
from pathlib import Path

from ..model import Host
from .core import SpeechError, Voice, VoiceInfo, encode_mp3

_VARIANTS = ("f3", "m3", "f5", "m7", "f2", "m1")
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_CHARS_UTF8 = 1
_RATE = 1
_PITCH = 3
LANGUAGE_CODE = r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*"
_SYNTH_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def espeak_voice_name(voice: Voice) -> str:
    """The eSpeak NG voice that speaks `voice`: its own name, else the language's voice and a variant."""
    if voice.name:
        return voice.name
    return f"{_base(voice.language, voice.tld)}+{_VARIANTS[voice.variant % len(_VARIANTS)]}"


def _base(language: str, tld: str = "com") -> str:
    language = language.lower()
    if language.startswith(("zh", "cmn")):
        return "yue" if language in ("zh-hk", "yue") else "cmn"
    if language.startswith("en"):
        return "en-us" if tld == "com" else "en"
    return language.split("-")[0]


def espeak_voice(own: str | None, host: Host, language: str) -> Voice:
    """A language (`zh-CN`) or an eSpeak NG voice (`cmn+m3`); without one, the variant follows `gender`:
    the first female host gets f3, the first male m3, the next ones f5 and m7, and so on."""
    name = own if own and "+" in own else ""
    variant = host.variant
    if host.gender:
        same = [i for i, v in enumerate(_VARIANTS) if v[0] == host.gender[0]]
        variant = same[host.gender_rank % len(same)]
    return Voice(language=(own if own and not name else language), tld=host.tld or "com", variant=variant,
                 name=name, rate=host.rate, pitch=host.pitch)


def espeak_identity(voice: Voice) -> str:
    return voice.key


@cache  # asked for every turn of every episode
def espeak_voice_problem(voice: str) -> str:
    """'' for a language eSpeak NG speaks (`zh-CN`, `en`) or one of its voices with a variant (`cmn+m3`)."""
    base, _, variant = voice.partition("+")
    if not re.fullmatch(LANGUAGE_CODE, base) or not (_data() / f"{_base(base).split('-')[0]}_dict").exists():
        return f"'{voice}' is not a language eSpeak NG speaks; use one like zh-CN, en, fr, or a voice like cmn+m3"
    if variant and not (_data() / "voices" / "!v" / variant).exists():
        return (f"'{voice}': eSpeak NG has no variant '{variant}'; use one like {base}+f3 (female) "
                f"or {base}+m3 (male)")
    return ""


def espeak_voices() -> list[VoiceInfo]:
    """Each language eSpeak NG speaks, in the female and male variants hosts get (`cmn+f3`, `cmn+m3`, ...)."""
    found = []
    for path in sorted((_data() / "lang").rglob("*")):
        fields = _voice_file(path)
        codes = [value.split(" ")[0] for value in fields.get("language", [])]
        if codes and not espeak_voice_problem(f"{path.name}+{_VARIANTS[0]}"):
            found += [VoiceInfo(f"{path.name}+{variant}", codes[0], "female" if variant[0] == "f" else "male",
                                fields["name"][0] if fields.get("name") else "", tuple(codes[1:]))
                      for variant in _VARIANTS]
    return found


def _voice_file(path: Path) -> dict[str, list[str]]:
    """The values of each field of an eSpeak NG voice file (`name`, `language`, which may repeat)."""
    if not path.is_file():
        return {}
    fields: dict[str, list[str]] = {}
    for line in path.read_bytes().decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(" ")
        fields.setdefault(key, []).append(value.strip())
    return fields


@cache
def _data() -> Path:
    import espeakng_loader

    return Path(espeakng_loader.get_data_path())


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
        return encode_mp3(*self.pcm(text, voice))

    def pcm(self, text: str, voice: Voice) -> tuple[bytes, int]:
        """The speech as 16-bit mono PCM, and its sample rate (for a stand-in that encodes it as another
        service does)."""
        with self._lock:
            pcm = self._pcm(text, voice)
        if not pcm:
            raise SpeechError(f"eSpeak NG produced no sound for {text[:30]!r}")
        return pcm, self._sample_rate

    def _pcm(self, text: str, voice: Voice) -> bytes:
        voice_name = espeak_voice_name(voice)
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
        library.espeak_SetParameter(_RATE, round(self.words_per_minute * (100 + voice.rate) / 100), 0)
        library.espeak_SetParameter(_PITCH, max(0, min(100, round(50 * (100 + voice.pitch) / 100))), 0)
        data = text.encode("utf-8") + b"\0"
        status = library.espeak_Synth(data, len(data), 0, 0, 0, _CHARS_UTF8, None, None)
        library.espeak_Synchronize()
        if status != 0:
            raise SpeechError(f"eSpeak NG failed (status {status})")
        return b"".join(chunks)
