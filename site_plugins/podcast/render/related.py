"""Related podcasts: the editor's picks first, then episodes that share tags, category and words, then
the episodes published nearest in time, so that every episode page has some.

Words come from the whole episode: every word of its title, summary, analysis and transcript (Chinese,
which has no spaces, as pairs of neighbouring characters; see episode_terms). Each shared term counts by
how rare it is in the catalog (inverse document frequency); an episode looks up its TEXT_TERMS rarest
words that another episode also has, as a word of its own only matches nothing. To stay fast on large
catalogs, an episode looks for partners of each of its terms only among the WINDOW episodes published
nearest to it that have the term: ties go to the nearest in time anyway, and a rare term's whole list fits
in the window. An episode's terms are made once from its text and kept by a build (`terms_bytes`); the
words of all episodes are then counted at once with numpy (scripts/bench.py --related-only times 10 000).
"""

from __future__ import annotations

import gc
import math
import re
import zlib
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Mapping, Sequence
from itertools import pairwise
from operator import itemgetter

import numpy as np

from ..model import Episode

TAG_WEIGHT = 3.0
CATEGORY_WEIGHT = 1.0
TEXT_WEIGHT = 1.0
TEXT_TERMS = 8
"""Only an episode's most distinctive shared words are looked up; its tags and category always are."""
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
_LATIN_BELOW = 0x34000000
"""Latin words' terms are below this; a pair of Chinese characters (each 0x3400 or more) is above it."""

# Terms: "t:tag" and "c:category" strings for tags and categories, looked up by every episode that has
# them; words as ints (episode_terms). A term's weight depends only on its kind (tag, category, word) and
# how many episodes have it, so both sides of a pair of episodes weigh it alike.
_KIND_WEIGHT = {"t:": TAG_WEIGHT, "c:": CATEGORY_WEIGHT}

Posting = list[int]
"""The episodes that have a term, in publication order."""
Lookup = tuple[Posting, int, int, float]
"""A word an episode looks up: its posting, the slice of it to search (the WINDOW episodes on each
side of the episode itself), and the word's weight."""
Label = tuple[Posting, int, int, str]
"""A tag or category an episode looks up: as Lookup, with the term for its weight (known later)."""
_WEIGHT_OF = itemgetter(3)


def compute_related(episodes: Sequence[Episode], *, count: int,
                    terms: Mapping[str, np.ndarray] | None = None) -> dict[str, tuple[str, ...]]:
    """slug -> up to `count` related slugs; deterministic for the same episodes. `terms`: each episode's
    `episode_terms` by slug, as a build keeps them (made here for any episode missing)."""
    # The work makes many small lists and tuples but no reference cycles: the cyclic collector would
    # only scan all of the process's objects again and again (a tenth of the time on a quiet machine).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _related(episodes, count, terms or {})
    finally:
        if collecting:
            gc.enable()


def _related(episodes: Sequence[Episode], count: int, terms: Mapping[str, np.ndarray]) -> dict[str, tuple[str, ...]]:
    keyed = sorted(((e.published.timestamp(), e.slug, e) for e in episodes), key=itemgetter(0, 1))
    ordered = [e for _, _, e in keyed]
    times = [when for when, _, _ in keyed]
    slug_list = [slug for _, slug, _ in keyed]
    slugs = {slug: i for i, slug in enumerate(slug_list)}
    postings, labels = _label_postings(ordered)
    weight = _label_weights(postings, len(ordered))
    words = _rarest_words([_terms_of(e, terms, len(ordered)) for e in ordered], len(ordered))
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


_MADE: dict[int, tuple[Episode, np.ndarray]] = {}
"""The terms this process made, by the episode (its identity): a preview renders an edited episode's page among
the same other episodes again and again, with no kept terms at hand. Emptied when it holds more than one
catalog's episodes and a few edits (`_terms_of`): it holds every episode it names alive."""
_EDITS = 64


def _terms_of(episode: Episode, terms: Mapping[str, np.ndarray], catalog: int) -> np.ndarray:
    found = terms.get(episode.slug)
    if found is not None:
        return found
    made = _MADE.get(id(episode))
    if made is not None and made[0] is episode:
        return made[1]
    if len(_MADE) >= catalog + _EDITS:
        _MADE.clear()
    found = episode_terms(episode)
    _MADE[id(episode)] = episode, found
    return found


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


def _label_postings(ordered: list[Episode]) -> tuple[dict[str, Posting], list[list[Label]]]:
    """Tag and category term -> the episodes that have it, in time order; and each episode's lookups of them."""
    postings: defaultdict[str, Posting] = defaultdict(list)
    labels: list[list[Label]] = []
    for index, episode in enumerate(ordered):
        mine = []
        for term in _labels(episode):
            posting = postings[term]
            at = len(posting)
            mine.append((posting, at - WINDOW if at > WINDOW else 0, at + WINDOW + 1, term))
            posting.append(index)
        labels.append(mine)
    return postings, labels


def _label_weights(postings: dict[str, Posting], total: int) -> dict[str, float]:
    return {term: _weight(_KIND_WEIGHT[term[:2]], len(posting), total) for term, posting in postings.items()}


def _weight(kind: float, having: int, total: int) -> float:
    """A term's weight: its kind's, and how rare it is (`having` of the `total` episodes have it)."""
    return kind ** 2 * math.log(1 + total / having) ** 2


def _rarest_words(terms: list[np.ndarray], total: int) -> list[list[Lookup]]:
    """Each episode's TEXT_TERMS rarest words that another episode also has (ties by the term), each with the
    episodes that have it, in time order, and its weight.

    Every word of every episode is counted at once (numpy, over all the episodes' sorted terms laid end to
    end); only the chosen words' postings are made, as lists, for the lookups.
    """
    lengths = np.fromiter(map(len, terms), np.int64, total)
    if not lengths.any():
        return [[] for _ in range(total)]
    ranks, unshared = _ranks(np.concatenate(terms))
    owners = np.repeat(np.arange(total, dtype=np.int32), lengths)
    chosen = _chosen(ranks, owners, lengths, unshared)
    postings, weights = _postings(ranks, owners, chosen, total)
    lookups: list[list[Lookup]] = []
    for index, mine in enumerate(chosen):
        found = []
        for term in mine:
            posting = postings[term]
            at = bisect_left(posting, index)
            found.append((posting, at - WINDOW if at > WINDOW else 0, at + WINDOW + 1, weights[term]))
        lookups.append(found)
    return lookups


def _ranks(laid: np.ndarray) -> tuple[np.ndarray, int]:
    """(each word's rank among the catalog's distinct words: words other episodes share first, rarest first, ties
    in an order that favours no kind of word; the rank of a word that no other episode has, above all others)."""
    distinct = np.sort(laid)
    starts = _firsts(distinct)
    counts = np.diff(np.append(starts, len(distinct)))
    distinct = distinct[starts]
    mixed = distinct * np.uint32(0x9E3779B1)  # wraps: Latin words' terms (all low) no longer sort before pairs
    rank = np.empty(len(distinct), np.int32)
    rank[np.lexsort((distinct, mixed, counts, counts < 2))] = np.arange(len(distinct), dtype=np.int32)
    rank[counts < 2] = len(distinct)
    return rank[np.searchsorted(distinct, laid)], len(distinct)


def _chosen(ranks: np.ndarray, owners: np.ndarray, lengths: np.ndarray, unshared: int) -> list[list[int]]:
    """Each episode's TEXT_TERMS smallest ranks below `unshared`, smallest first. Only the ranks under a limit are
    sorted, the limit growing until nearly every episode has its words under it; the few others are looked
    at one by one."""
    starts = np.cumsum(lengths) - lengths

    def counted(under: np.ndarray) -> np.ndarray:
        return np.bincount(owners[under], minlength=len(lengths))

    wanted = np.minimum(counted(ranks < unshared), TEXT_TERMS)
    limit = min(TEXT_TERMS * 4, unshared)
    under = ranks < limit
    have = counted(under)
    while np.count_nonzero(have < wanted) * 64 > len(lengths) and limit < unshared:
        limit = min(limit * 8, unshared)
        under = ranks < limit
        have = counted(under)
    keys = np.sort(owners[under].astype(np.int64) * (unshared + 1) + ranks[under])
    first = np.cumsum(have) - have
    taken = first[:, None] + np.arange(TEXT_TERMS)
    taken = np.where(np.arange(TEXT_TERMS) < np.minimum(have, wanted)[:, None], taken, len(keys))
    chosen = np.append(keys % (unshared + 1), unshared)[taken].tolist()
    for index in np.flatnonzero(have < wanted).tolist():
        mine = ranks[starts[index]:starts[index] + lengths[index]]
        chosen[index] = np.sort(np.partition(mine, TEXT_TERMS - 1)[:TEXT_TERMS] if len(mine) > TEXT_TERMS
                                else mine).tolist()
    return [[term for term in mine if term < unshared] for mine in chosen]


def _postings(ranks: np.ndarray, owners: np.ndarray, chosen: list[list[int]], total: int
              ) -> tuple[dict[int, Posting], dict[int, float]]:
    """(each chosen word's posting; its weight)."""
    wanted = np.zeros(int(ranks.max()) + 1, bool)
    wanted[[term for mine in chosen for term in mine]] = True
    picked = wanted[ranks]  # every episode that has a chosen word, in time order
    words = ranks[picked]
    order = np.argsort(words, kind="stable")
    words, episodes = words[order], owners[picked][order].tolist()
    bounds = _firsts(words).tolist() + [len(words)]
    postings = {int(words[start]): episodes[start:stop] for start, stop in pairwise(bounds)}
    weights = {term: _weight(TEXT_WEIGHT, len(posting), total) for term, posting in postings.items()}
    return postings, weights


def _scores(index: int, labels: list[Label], words: list[Lookup], weight: dict[str, float],
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


def _labels(episode: Episode) -> dict[str, None]:
    """Tag and category terms, in the order given (tags first)."""
    found = dict.fromkeys(["t:" + tag.casefold() for tag in episode.tags])
    if episode.category:
        found["c:" + episode.category.casefold()] = None
    return found


def episode_terms(episode: Episode) -> np.ndarray:
    """The words of the episode's whole text (title, summary, analysis, transcript), sorted, each once, as
    4-byte ints: a pair of neighbouring Chinese characters as their two UTF-16 code units, the first in the
    low half (Chinese has no spaces); a Latin word, case-folded and not a stop word, as its CRC-32 modulo
    0x34000000, below every pair of Chinese characters (two words share a number once in some 870 million pairs
    of words). An episode's terms depend on its text alone: a build keeps them by the
    episode (`terms_bytes`, `terms_from`), and a process keeps the last ones it made (`_MADE`)."""
    text = "\n".join((episode.title, episode.summary or "", *(text for _, text in episode.analysis),
                      *(turn.text for section in episode.sections for turn in section.turns)))
    units = np.frombuffer(text.encode("utf-16-le"), "<u2")
    han = np.zeros(len(units), bool)
    for low, high in _HAN_RANGES:
        han |= (units >= low) & (units <= high)
    both = han[:-1] & han[1:]
    found = units[:-1][both].astype(np.uint32) | units[1:][both].astype(np.uint32) << 16
    if not _NO_LATIN.fullmatch(text):
        words = set(_WORD.findall(text.casefold())) - _STOP
        found = np.concatenate((found, np.fromiter((zlib.crc32(w.encode()) % _LATIN_BELOW for w in words),
                                                    np.uint32, len(words))))
    found.sort()
    return found[_firsts(found)]


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values of a sorted array starts."""
    return np.flatnonzero(np.concatenate((np.ones(min(len(ordered), 1), bool), ordered[1:] != ordered[:-1])))


def terms_bytes(terms: np.ndarray) -> bytes:
    """`episode_terms` as a build keeps them."""
    return terms.astype("<u4").tobytes()


def terms_from(kept: bytes) -> np.ndarray:
    """`episode_terms` as `terms_bytes` kept them."""
    return np.frombuffer(kept, "<u4")
