"""How long a draft should be, in what a voice reads: characters for Chinese and Japanese, words otherwise.

The rates are the reference episode's: 5 140 characters of Chinese dialogue in 55 turns read in about
20 minutes (about 250 characters a minute), and the usual 150-170 words a minute of English speech.
A turn is about 95 characters of Chinese or 45 words of English, which gives the number of turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPLIT = {"Intro": 0.05, "Core Event": 0.22, "Background": 0.24, "Conflict": 0.18, "Impact": 0.15,
         "Future": 0.13, "Conclusion": 0.04}
"""Each section's share of the turns, from the reference episode (3/12/13/10/8/7/2 of 55)."""
LENGTH_TOLERANCE = 0.15
"""How far a draft's length may be from its target, either way."""

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff]")
_WORD = re.compile(r"[A-Za-z0-9\u00c0-\u024f]+(?:['’-][A-Za-z0-9\u00c0-\u024f]+)*")


@dataclass(frozen=True, slots=True)
class Rate:
    unit: str
    """'characters' or 'words': what the voice's pace is counted in."""
    per_minute: float
    per_turn: float


RATES = {"zh": Rate("characters", 250, 95), "ja": Rate("characters", 300, 110), "en": Rate("words", 160, 45)}
"""Speaking rates by the language code's first part; a language not listed is read like English."""


def rate_for(language: str) -> Rate:
    return RATES.get(language.split("-")[0].lower(), RATES["en"])


def measure(text: str, language: str) -> int:
    """The length of `text` in its language's unit: CJK characters, or words."""
    if rate_for(language).unit == "characters":
        return len(_CJK.findall(text)) + len(_WORD.findall(text))
    return len(_WORD.findall(text))


@dataclass(frozen=True, slots=True)
class Budget:
    """What a draft is asked for: its length in the voice's unit, its turns, and each section's turns."""

    language: str
    minutes: float

    @property
    def rate(self) -> Rate:
        return rate_for(self.language)

    @property
    def size(self) -> int:
        return round(self.minutes * self.rate.per_minute)

    @property
    def turns(self) -> int:
        return sum(self.section_turns().values())

    def section_turns(self) -> dict[str, int]:
        """Each section's turns: its share of the length in turns (at least 14 in all), at least one."""
        whole = max(len(SPLIT) * 2, round(self.size / self.rate.per_turn))
        return {name: max(1, round(whole * share)) for name, share in SPLIT.items()}

    def describe(self) -> str:
        return f"about {self.size:,} {self.rate.unit} ({self.minutes:g} minutes at {self.rate.per_minute:g} a minute)"


def minutes_of(text: str, language: str) -> float:
    """How long a voice takes to read `text`, at the language's rate."""
    return measure(text, language) / rate_for(language).per_minute


def scaled_to_article(minutes: float, article: str, article_language: str) -> float:
    """The length an article alone can fill: a dialogue restates and discusses, so about 1.5 times the time it
    takes to read the article aloud, and never under 3 minutes; never more than asked."""
    return min(minutes, max(3.0, round(1.5 * minutes_of(article, article_language), 1)))
