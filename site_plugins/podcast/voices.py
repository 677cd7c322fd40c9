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
