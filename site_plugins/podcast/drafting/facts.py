"""Facts checked without a model: each number, quotation, name and supporting sentence of a draft is looked
for in the article, and what is not found becomes a flag for the editor.

Numbers and dates are compared by value (`figures`), so "45.8 billion", "458亿", "四百五十八亿" and
"45,800,000,000" are one number, "百分之二十二" matches "22 per cent" and "12月9日" matches "December 9" (or
the day the draft was made, which the hosts greet with). A turn that states a figure, a date, a name or a
quotation must give its supporting sentence. A quotation in the article's own script must appear in it word for word; a
translated one must come with a supporting sentence that quotes. Latin-script names and acronyms (Reuters,
OPEC, G7) must appear in the article. What this cannot see: a Chinese name for a person the English article
names, or a claim without a number or a name; the supporting sentences cover those turns.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

from .figures import Figure, dates, figures

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


def _flat(text: str) -> str:
    return _SPACE.sub(" ", text).strip().lower()


@lru_cache(maxsize=4)
def _read(article: str) -> tuple[str, tuple[Figure, ...], frozenset[tuple[int, int]]]:
    """What the article is searched in: its flat text, its figures and its dates, read once per draft."""
    return _flat(article), tuple(figures(article)), frozenset(dates(article))


def text_flags(where: str, text: str, article: str, *, known_names: set[str],
               known_dates: Collection[tuple[int, int]] = ()) -> list[Flag]:
    """Numbers, dates, quotations and names of one piece of the draft that the article does not hold;
    `known_dates`: (month, day) the draft may name besides the article's (the day it is made)."""
    flat, held, days = _read(article)
    flags = [Flag(where, f"the number {shown} is not in the article") for figure, shown in figures(text).items()
             if not any(figure.matches(other) for other in held)]
    named = {*days, *known_dates}
    flags += [Flag(where, f"the date {shown} is not in the article") for day, shown in dates(text).items()
              if day not in named]
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


def support_flag(where: str, support: str, article: str, *, states_facts: bool = False) -> Flag | None:
    """A flag when the sentence given as the turn's support is not in the article word for word, or when a
    turn that states facts (`states_facts`) gives none."""
    if support and _flat(support) not in _read(article)[0]:
        return Flag(where, f"its supporting sentence is not in the article: “{support[:120]}”")
    if not support.strip() and states_facts:
        return Flag(where, "it states a number, date, name or quotation but gives no supporting sentence")
    return None


def draft_flags(draft: dict, article: str, *, known_names: set[str],
                known_dates: Collection[tuple[int, int]] = ()) -> list[Flag]:
    """Every flag of a draft (the answer as a dict): its turns (what they show and what they say), summary and
    analysis, each once."""
    def checked(where: str, text: str) -> list[Flag]:
        return text_flags(where, text, article, known_names=known, known_dates=known_dates)

    known = {name.lower() for name in known_names}
    flags: list[Flag] = []
    for section in draft.get("script") or []:
        for number, turn in enumerate(section["turns"], start=1):
            where = f"{section['section']}, turn {number} ({turn['speaker']})"
            found = checked(where, turn["text"]) + checked(where, turn.get("say") or "")
            flags += dict.fromkeys(found)
            flag = support_flag(where, turn.get("support") or "", article,
                                states_facts=_states_facts(turn["text"], known))
            if flag:
                flags.append(flag)
    flags += checked("summary", draft.get("summary") or "")
    for aspect, text in (draft.get("analysis") or {}).items():
        flags += checked(f"analysis: {aspect}", text)
    return flags


def _states_facts(text: str, known_names: set[str]) -> bool:
    """Whether a turn holds a figure, a date, a quotation or a name other than the hosts' and the show's."""
    return bool(figures(text) or dates(text) or _QUOTE.search(text) or any(
        name.lower() not in known_names and not _sentence_start(text, name) for name in _NAME.findall(text)))
