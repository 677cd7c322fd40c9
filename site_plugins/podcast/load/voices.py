"""What a host's voice settings may hold. `tld` picks the Google host that speaks
(https://translate.google.<tld>/), so it is checked against gTTS's own list, never used as written."""

from __future__ import annotations

from functools import cache


@cache
def google_domains() -> frozenset[str]:
    """The domain endings gTTS knows Google Translate by: com, co.uk, com.au, ..."""
    from gtts.accents import accents

    return frozenset(accents)


def tld_problem(tld: object) -> str:
    """'' for a known Google domain ending; else the message, with the usual ones to choose from."""
    if isinstance(tld, str) and tld in google_domains():
        return ""
    return (f"tld '{tld}' is not one of Google's domains; use one gTTS knows, "
            "e.g. com, co.uk, com.au, ca, co.in, ie, co.za")


@cache
def _speakable() -> frozenset[str]:
    from gtts.lang import tts_langs

    return frozenset(code.lower() for code in tts_langs())


def voice_problem(code: object) -> str:
    """'' for a language gTTS speaks (zh-CN, zh-TW, en, fr-CA, or a regional form of one: en-GB)."""
    if isinstance(code, str) and (code.lower() in _speakable() or code.split("-")[0].lower() in _speakable()):
        return ""
    return f"'{code}' is not a language the voices speak; use one like zh-CN, zh-TW, en, fr or ja"
