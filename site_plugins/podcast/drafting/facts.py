"""Facts checked without a model: each number, quotation, name and supporting sentence of a draft is looked
for in the article, and what is not found becomes a flag for the editor.

Numbers are compared by value, so "45.8 billion", "458亿" and "45,800,000,000" are one number, and "22%"
matches "22 per cent". A quotation in the article's own script must appear in it word for word; a
translated one must come with a supporting sentence that quotes. Latin-script names and acronyms (Reuters,
OPEC, G7) must appear in the article. What this cannot see: a Chinese name for a person the English article
names, or a claim without a number or a name; the supporting sentences cover those turns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SCALES = {"万": 1e4, "亿": 1e8, "万亿": 1e12, "千": 1e3, "百万": 1e6, "千万": 1e7,
           "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9, "k": 1e3}
_NUMBER = re.compile(r"(?<![0-9A-Za-z.,])(?P<value>\d{1,3}(?:,\d{3})+|\d+)(?P<fraction>\.\d+)?\s*"
                     r"(?P<scale>万亿|百万|千万|万|亿|千|thousand|million|billion|trillion|mn|bn|k\b)?\s*"
                     r"(?P<percent>%|％|per ?cent|percent)?", re.I)
_PERCENT_BEFORE = re.compile(r"百分之(\d+(?:\.\d+)?)")
_SMALL = 10
"""Numbers up to this are left alone: "two hosts", "第一" and the like are everywhere."""
_QUOTE = re.compile(r"“([^”]{4,})”|\"([^\"]{4,})\"|「([^」]{4,})」|『([^』]{4,})』")
_NAME = re.compile(r"(?<![A-Za-z])([A-Z][A-Za-z0-9&.-]*[A-Za-z0-9]|[A-Z]\d+)(?![A-Za-z])")
_CJK = re.compile(r"[\u3400-\u9fff]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Flag:
    where: str
    """Where in the draft: 'Core Event, turn 3 (卿姐)', 'summary', 'analysis: Impact'."""
    what: str

    def __str__(self) -> str:
        return f"{self.where}: {self.what}"


def numbers(text: str) -> set[tuple[float, bool]]:
    """Every number of `text` with more than one digit's worth, as (value, is a percentage)."""
    found = set()
    for match in _NUMBER.finditer(text):
        value = float(match["value"].replace(",", "") + (match["fraction"] or ""))
        value *= _SCALES.get((match["scale"] or "").lower(), 1)
        if value > _SMALL or match["fraction"] or match["percent"]:
            found.add((value, bool(match["percent"])))
    found |= {(float(value), True) for value in _PERCENT_BEFORE.findall(text)}
    return found


def _known(number: tuple[float, bool], article: set[tuple[float, bool]]) -> bool:
    value, percent = number
    # Large figures are rounded in translation (1019亿 for 101.9 billion): within 0.5 %; small ones exactly.
    slack = 0.005 * abs(value) if abs(value) >= 10_000 else 1e-9
    return any(abs(value - other) <= slack and (percent == other_percent or not percent)
               for other, other_percent in article)


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


def _shown(number: tuple[float, bool], text: str) -> str:
    for match in _NUMBER.finditer(text):
        if match.group().strip() and (number in numbers(match.group())):
            return match.group().strip()
    return f"{number[0]:g}{'%' if number[1] else ''}"


def text_flags(where: str, text: str, article: str, *, known_names: set[str]) -> list[Flag]:
    """Numbers, quotations and names of one piece of the draft that the article does not hold."""
    flat, figures = _flat(article), numbers(article)
    flags = [Flag(where, f"the number {_shown(n, text)} is not in the article") for n in sorted(numbers(text))
             if not _known(n, figures)]
    for groups in _QUOTE.findall(text):
        quote = next(g for g in groups if g)
        same_script = bool(_CJK.search(quote)) == bool(_CJK.search(article))
        if same_script and _flat(quote) not in flat:
            flags.append(Flag(where, f"the quotation “{quote}” is not in the article"))
    for name in dict.fromkeys(_NAME.findall(text)):
        if name.lower() not in flat and name.lower() not in known_names and not _sentence_start(text, name):
            flags.append(Flag(where, f"the name {name} is not in the article"))
    return flags


def _sentence_start(text: str, name: str) -> bool:
    """Whether each use of a capitalised word opens a sentence (English: 'The', 'But'), so is no name."""
    starts = [m.start() for m in re.finditer(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text)]
    return bool(starts) and not name.isupper() and all(
        not text[:s].strip() or text[:s].rstrip()[-1] in ".!?:\"“”" for s in starts)


def support_flag(where: str, support: str, article: str) -> Flag | None:
    """A flag when the sentence given as the turn's support is not in the article word for word."""
    if support and _flat(support) not in _flat(article):
        return Flag(where, f"its supporting sentence is not in the article: “{support[:120]}”")
    return None


def draft_flags(draft: dict, article: str, *, known_names: set[str]) -> list[Flag]:
    """Every flag of a draft (the answer as a dict): its turns, summary and analysis."""
    known = {name.lower() for name in known_names}
    flags: list[Flag] = []
    for section in draft.get("script") or []:
        for number, turn in enumerate(section["turns"], start=1):
            where = f"{section['section']}, turn {number} ({turn['speaker']})"
            flags += text_flags(where, turn["text"], article, known_names=known)
            flag = support_flag(where, turn.get("support") or "", article)
            if flag:
                flags.append(flag)
    flags += text_flags("summary", draft.get("summary") or "", article, known_names=known)
    for aspect, text in (draft.get("analysis") or {}).items():
        flags += text_flags(f"analysis: {aspect}", text, article, known_names=known)
    return flags
