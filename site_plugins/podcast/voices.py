"""What a host's voice settings may hold. `tld` picks the Google host that speaks
(https://translate.google.<tld>/), so it is checked against gTTS's own list, never used as written.

Below both `load`, which checks the settings and episode files, and `audio`, whose online engine checks
the host again before it asks it."""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from types import ModuleType


@cache
def google_domains() -> frozenset[str]:
    """The domain endings gTTS knows Google Translate by: com, co.uk, com.au, ..."""
    return frozenset(_gtts_data("accents").accents)


def tld_problem(tld: object) -> str:
    """'' for a known Google domain ending; else the message, with the usual ones to choose from."""
    if isinstance(tld, str) and tld in google_domains():
        return ""
    return (f"tld '{tld}' is not one of Google's domains; use one gTTS knows, "
            "e.g. com, co.uk, com.au, ca, co.in, ie, co.za")


@cache
def _speakable() -> frozenset[str]:
    # gTTS's languages and the variants its `tts_langs()` adds (a test keeps the two lists equal).
    return frozenset(code.lower() for code in (*_gtts_data("langs")._main_langs(), *_GTTS_EXTRA_LANGS))


_GTTS_EXTRA_LANGS = ("zh-TW", "zh")


@cache
def gtts_languages() -> dict[str, str]:
    """gTTS's languages by code, with their English names (zh-CN: Chinese (Simplified), ...)."""
    return dict(_gtts_data("langs")._main_langs())


def _gtts_data(name: str) -> ModuleType:
    """One of gTTS's data modules (its lists of domains and languages), read without importing gTTS itself:
    that would import its HTTP stack (8 MB) into every check and build that never speaks online."""
    folder = importlib.util.find_spec("gtts").submodule_search_locations[0]
    spec = importlib.util.spec_from_file_location(f"_podcast_gtts_{name}", f"{folder}/{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_REGION = re.compile(r"[A-Za-z]{2}|[0-9]{3}")
"""A region after a language, as BCP 47 writes it: GB in en-GB, 419 in es-419."""


def voice_problem(code: object) -> str:
    """'' for a language gTTS speaks (zh-CN, zh-TW, en, fr-CA, or a regional form of one: en-GB)."""
    if not isinstance(code, str):
        return f"'{code}' is not a language the voices speak; use one like zh-CN, zh-TW, en, fr or ja"
    language, _, region = code.partition("-")
    if code.lower() in _speakable() or (language.lower() in _speakable() and _REGION.fullmatch(region)):
        return ""
    return f"'{code}' is not a language the voices speak; use one like zh-CN, zh-TW, en, fr or ja"
