"""Related podcasts: the editor's picks first, then episodes that share tags, category and words, then
the episodes published nearest in time, so that every episode page has some.

Words come from the whole episode: title, summary, analysis and transcript (Chinese, which has no
spaces, as pairs of neighbouring characters). Each shared term counts by how rare it is in the catalog
(inverse document frequency); an episode looks up its TEXT_TERMS rarest words that another episode
also has, as a word of its own only matches nothing. To stay fast on large catalogs, an episode
looks for partners of each of its terms only among the WINDOW episodes published nearest to it that
have the term: ties go to the nearest in time anyway, and a rare term's whole list fits in the window.
A long transcript is sampled (PROFILE_CHARS): reading every character of 10 000 full-size episodes
would take seconds, and a transcript repeats the words its episode is about. 10 000 episodes take
under a second (scripts/bench.py --related-only).
"""

from __future__ import annotations

import gc
import math
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Sequence
from itertools import chain, islice
from operator import itemgetter

from ..model import Episode

TAG_WEIGHT = 3.0
CATEGORY_WEIGHT = 1.0
TEXT_WEIGHT = 1.0
TEXT_TERMS = 8
"""Only an episode's most distinctive shared words are looked up; its tags and category always are."""
PROFILE_CHARS = 100
"""Characters read from each of an episode's summary, analysis and transcript (its title always whole)."""
WINDOW = 10
"""Episodes on each side, in publication order, searched per term."""

_HAN_RANGES = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
"""Chinese characters; all in the Basic Multilingual Plane, so one UTF-16 code unit each."""
_WORD = re.compile(r"[a-z][a-z0-9']{2,}")
_STOP = frozenset([
    "the", "and", "for", "that", "with", "this", "from", "have", "has", "are", "was", "were", "will", "would",
    "can", "could", "into", "about", "their", "there", "they", "them", "than", "then", "what", "when", "which",
    "who", "why", "how", "its", "it's", "our", "your", "you", "but", "not", "all", "any", "more", "most", "some",
    "such", "only", "also", "just", "over", "after", "before", "been", "being", "on", "of", "to", "in", "by",
    "as", "at"
])
_NO_LATIN = re.compile(r"[\s\d!-@\[-`{-~\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                       r"\uff01-\uff20\uff3b-\uff40\uff5b-\uff65]*")
"""Texts of only these characters (Chinese, digits, punctuation, spaces) have no Latin words: none of
them case-folds to a letter a-z."""
_UTF16 = "utf-16-le" if sys.byteorder == "little" else "utf-16-be"
_UNIT_PAIR = "I" if array("I").itemsize == 4 else "L"
"""An array type of 4-byte items: two UTF-16 code units (in _UTF16, the machine's byte order) side by side."""

# Terms: "t:tag" and "c:category" strings; Latin words as plain strings (no word holds ":"); and
# pairs of neighbouring characters as ints, two UTF-16 code units (see _text_terms), of which only
# pairs of Chinese characters count as words. A term's weight depends only on its kind (tag,
# category, word), so both sides of a pair of episodes weigh it alike.
_KIND_WEIGHT = {"t:": TAG_WEIGHT, "c:": CATEGORY_WEIGHT}

Posting = list[int]
"""The episodes that have a term, in publication order."""
Lookup = tuple[Posting, int, int, float]
"""A word an episode looks up: its posting, the slice of it to search (the WINDOW episodes on each
side of the episode itself), and the word's weight."""
Label = tuple[Posting, int, int, str]
"""A tag or category an episode looks up: as Lookup, with the term for its weight (known later)."""
_WEIGHT_OF = itemgetter(3)


def compute_related(episodes: Sequence[Episode], *, count: int) -> dict[str, tuple[str, ...]]:
    """slug -> up to `count` related slugs; deterministic for the same episodes."""
    # The work makes many small lists and tuples but no reference cycles: the cyclic collector would
    # only scan all of the process's objects again and again (a tenth of the time on a quiet machine).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _related(episodes, count)
    finally:
        if collecting:
            gc.enable()


def _related(episodes: Sequence[Episode], count: int) -> dict[str, tuple[str, ...]]:
    keyed = sorted(((e.published.timestamp(), e.slug, e) for e in episodes), key=itemgetter(0, 1))
    ordered = [e for _, _, e in keyed]
    times = [when for when, _, _ in keyed]
    slug_list = [slug for _, slug, _ in keyed]
    slugs = {slug: i for i, slug in enumerate(slug_list)}
    postings, labels = _postings(ordered)
    weight, idf, names = _weights(postings, len(ordered))
    words = _rarest_words(postings, weight, idf, names, len(ordered))
    related = {}
    for index, episode in enumerate(ordered):
        picks = [slugs[s] for s in dict.fromkeys(episode.related) if s in slugs and s != episode.slug] \
            if episode.related else []
        wanted = count + len(picks)
        scores = _scores(index, labels[index], words[index], weight, wanted)
        chosen = _best(scores, wanted, times, index)
        if picks:
            chosen = picks + [other for other in chosen if other not in picks]
        if len(chosen) < count:
            chosen += _nearest(index, len(ordered), count - len(chosen), set(chosen))
        related[episode.slug] = tuple([slug_list[other] for other in chosen[:count]])
    return related


def _nearest(index: int, total: int, wanted: int, taken: set[int]) -> list[int]:
    """The episodes published nearest in time to `index` (earlier first on a tie), none of `taken`:
    every episode page has related podcasts when the catalog has another episode."""
    found: list[int] = []
    for step in range(1, total):
        for other in (index - step, index + step):
            if 0 <= other < total and other not in taken and len(found) < wanted:
                found.append(other)
        if len(found) == wanted:
            break
    return found


def _postings(ordered: list[Episode]) -> tuple[defaultdict[str | int, Posting], list[list[Label]]]:
    """Term -> the episodes that have it, in time order; and each episode's tag and category lookups."""
    postings: defaultdict[str | int, Posting] = defaultdict(list)
    labels: list[list[Label]] = []
    for index, episode in enumerate(ordered):
        mine = []
        for term in _labels(episode):
            posting = postings[term]
            at = len(posting)
            mine.append((posting, at - WINDOW if at > WINDOW else 0, at + WINDOW + 1, term))
            posting.append(index)
        labels.append(mine)
        for term in _text_terms(profile_text(episode)):
            postings[term].append(index)
    return postings, labels


def _weights(postings: dict[str | int, Posting], total: int
             ) -> tuple[dict[str | int, float], dict[str | int, float], dict[str | int, str]]:
    """(every term's weight, each word's rarity, each word as text)."""
    weight: dict[str | int, float] = {}
    idf: dict[str | int, float] = {}  # words only
    names: dict[str | int, str] = {}  # words, as text
    for term, posting in postings.items():
        rarity = math.log(1 + total / len(posting))
        kind = _KIND_WEIGHT.get(term[:2]) if isinstance(term, str) else None
        if kind is None:  # a word
            if len(posting) < 2:
                continue  # no other episode has it: it cannot relate this one to any
            name = term if isinstance(term, str) else _han_pair(term)
            names[term] = name
            idf[term] = rarity
        weight[term] = (TEXT_WEIGHT if kind is None else kind) ** 2 * rarity ** 2
    return weight, idf, names


def _rarest_words(postings: dict[str | int, Posting], weight: dict[str | int, float], idf: dict[str | int, float],
                  names: dict[str | int, str], total: int) -> list[list[Lookup]]:
    """Each episode's TEXT_TERMS rarest words (ties by the word).

    Going through the words rarest first, each is taken by the episodes that have it and still want
    words; this usually ends long before the common words, which most episodes have.
    """
    words: list[list[Lookup]] = [[] for _ in range(total)]
    wanting = total
    for term in sorted(names, key=lambda t: (-idf[t], names[t])):
        posting = postings[term]
        term_weight = weight[term]
        for at, index in enumerate(posting):
            mine = words[index]
            if len(mine) < TEXT_TERMS:
                mine.append((posting, at - WINDOW if at > WINDOW else 0, at + WINDOW + 1, term_weight))
                if len(mine) == TEXT_TERMS:
                    wanting -= 1
        if not wanting:
            break
    return words


def _scores(index: int, labels: list[Label], words: list[Lookup], weight: dict[str | int, float],
            wanted: int) -> dict[int, float]:
    """Partners found through each term near `index` in time, scored by the terms' rarity.

    Once the tags and category alone give `wanted` partners more than all the words could give,
    partners found through words alone cannot be among the `wanted` best, and are left out. That is
    sure without sorting when even the lightest tag or category looked up so far outweighs all the
    words and has found `wanted` partners.
    """
    words_at_most = sum(map(_WEIGHT_OF, words)) * (1 + 1e-9)  # above any sum of them, rounding included
    scores: dict[int, float] = {}
    least = math.inf  # what every partner found so far scores at least
    enough = False
    for posting, start, stop, term in labels:
        near = posting[start:stop]  # itself too: removed below
        term_weight = weight[term]
        if not scores:
            scores = dict.fromkeys(near, term_weight)  # the first: all new, so in C
        else:
            _add(scores, near, term_weight)
        if term_weight < least:
            least = term_weight
        enough = enough or (least > words_at_most and len(scores) > wanted)  # `scores` holds itself
    scores.pop(index, None)
    if not enough and 0 < wanted <= len(scores):
        enough = sorted(scores.values())[-wanted] > words_at_most
    _add_words(scores, words, only_found=enough)
    scores.pop(index, None)
    return scores


def _add_words(scores: dict[int, float], words: list[Lookup], *, only_found: bool) -> None:
    """Add the words' weights to the partners near in time; `only_found`: to partners found already."""
    for posting, start, stop, term_weight in words:
        near = posting[start:stop]
        if only_found:
            for other in near:
                if other in scores:
                    scores[other] += term_weight
        else:
            _add(scores, near, term_weight)


def _add(scores: dict[int, float], near: Posting, term_weight: float) -> None:
    """Add `term_weight` to each partner in `near`, a new partner starting from it."""
    for other in near:
        if other in scores:
            scores[other] += term_weight
        else:
            scores[other] = term_weight


def _best(scores: dict[int, float], wanted: int, times: list[float], index: int) -> list[int]:
    """The `wanted` best partners: best score first, then nearest in time, then publication order."""
    if wanted <= 0:
        return []
    when = times[index]
    if len(scores) > wanted:
        bar = sorted(scores.values())[-wanted]  # a sort in C; the full key only for those that reach it
        ranked = sorted([(-score, abs(times[other] - when), other) for other, score in scores.items() if score >= bar])
    else:
        ranked = sorted([(-score, abs(times[other] - when), other) for other, score in scores.items()])
    return [other for _, _, other in ranked[:wanted]]


def profile_text(episode: Episode) -> str:
    """What an episode's words are read from: its title, and up to PROFILE_CHARS of its summary, of its
    analysis and of its transcript, the transcript's taken from turns spread over the whole script."""
    analysis = " ".join(text for _, text in episode.analysis)[:PROFILE_CHARS]
    count = sum(len(section.turns) for section in episode.sections)
    step = max(1, count * 60 // PROFILE_CHARS)  # turns run to about 60 characters or more
    turns = islice(chain.from_iterable(section.turns for section in episode.sections), 0, None, step)
    transcript = "\n".join(turn.text for turn in turns)[:PROFILE_CHARS]
    return "\n".join((episode.title, (episode.summary or "")[:PROFILE_CHARS], analysis, transcript))


def _labels(episode: Episode) -> dict[str, None]:
    """Tag and category terms, in the order given (tags first)."""
    found = dict.fromkeys(["t:" + tag.casefold() for tag in episode.tags])
    if episode.category:
        found["c:" + episode.category.casefold()] = None
    return found


def _text_terms(text: str) -> set[str | int]:
    """Lower-case words for Latin text, character pairs for Chinese (which has no spaces).

    Pairs are taken of all neighbouring characters, in C, as ints: the text's UTF-16 code units read
    two at a time, from the first unit and from the second. _han_pair tells which are pairs of
    Chinese characters; the others are never looked up.
    """
    units = text.encode(_UTF16)  # case folding leaves Chinese characters as they are
    n = len(units) // 2
    found: set[str | int] = set(array(_UNIT_PAIR, units[:4 * (n // 2)]))  # units 0 and 1, 2 and 3, ...
    found.update(array(_UNIT_PAIR, units[2:2 + 4 * ((n - 1) // 2)]))  # units 1 and 2, 3 and 4, ...
    latin = None if _NO_LATIN.fullmatch(text) else _WORD.findall(text.casefold())
    if latin:
        found.update(latin)
        found -= _STOP
    return found


def _han_pair(pair: int) -> str:
    """The two characters of a pair from _text_terms if both are Chinese, else ""."""
    first, second = (pair & 0xFFFF, pair >> 16) if sys.byteorder == "little" else (pair >> 16, pair & 0xFFFF)
    if any(low <= first <= high for low, high in _HAN_RANGES) and \
            any(low <= second <= high for low, high in _HAN_RANGES):
        return chr(first) + chr(second)
    return ""
