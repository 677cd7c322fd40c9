"""Related podcasts: the editor's picks first, then episodes that share tags, category and words, then
the episodes published nearest in time, so that every episode page has some.

Words come from the whole episode: every word of its title, summary, analysis and transcript (Chinese,
which has no spaces, as pairs of neighbouring characters; see episode_terms). Each shared term counts by
how rare it is in the catalog (inverse document frequency); an episode looks up its TEXT_TERMS rarest
words that another episode also has, as a word of its own only matches nothing. To stay fast on large
catalogs, an episode looks for partners of each of its terms only among the WINDOW episodes published
nearest to it that have the term: ties go to the nearest in time anyway, and a rare term's whole list fits
in the window. An episode's terms are made once from its text and kept by a build (`terms_bytes`); then
all episodes' words are counted, and every episode's partners scored and ranked, at once with numpy, in
the order the plain way (one episode at a time, one term after another) would add and sort them
(scripts/bench.py --related-only times 10 000).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Mapping, Sequence
from operator import itemgetter
from typing import NamedTuple

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

def compute_related(episodes: Sequence[Episode], *, count: int,
                    terms: Mapping[str, np.ndarray] | None = None) -> dict[str, tuple[str, ...]]:
    """slug -> up to `count` related slugs; deterministic for the same episodes. `terms`: each episode's
    `episode_terms` by slug, as a build keeps them (made here for any episode missing)."""
    return _related(episodes, count, terms or {})


def _related(episodes: Sequence[Episode], count: int, terms: Mapping[str, np.ndarray]) -> dict[str, tuple[str, ...]]:
    keyed = sorted(((e.published.timestamp(), e.slug, e) for e in episodes), key=itemgetter(0, 1))
    ordered = [e for _, _, e in keyed]
    total = len(ordered)
    slug_list = [slug for _, slug, _ in keyed]
    slugs = {slug: i for i, slug in enumerate(slug_list)}
    picks = {index: [slugs[s] for s in dict.fromkeys(episode.related) if s in slugs and s != episode.slug]
             for index, episode in enumerate(ordered) if episode.related}
    wanted = np.full(total, count, np.int64)
    for index, mine in picks.items():
        wanted[index] += len(mine)
    lookups = _Lookups.joined(_label_lookups(ordered),
                              _word_lookups([_terms_of(e, terms, total) for e in ordered]))
    found = _best(*lookups.scored(total), np.array([when for when, _, _ in keyed]), wanted)
    related = {}
    for index, slug in enumerate(slug_list):
        chosen = found[index]
        if index in picks:
            chosen = picks[index] + [other for other in chosen if other not in picks[index]]
        if len(chosen) < count:
            chosen += _nearest(index, total, count - len(chosen), set(chosen))
        related[slug] = tuple([slug_list[other] for other in chosen[:count]])
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


def _weight(kind: float, having: int, total: int) -> float:
    """A term's weight: its kind's, and how rare it is (`having` of the `total` episodes have it)."""
    return kind ** 2 * math.log(1 + total / having) ** 2


def _ranks(terms: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray, int]:
    """(the rank of each word of each episode among the catalog's distinct words: words other episodes share first,
    rarest first, ties in an order that favours no kind of word; the episode it is of; the rank of a word that no
    other episode has, above all others), word after word.

    Every word of every episode is counted at once: each with its episode, in one 8-byte int, sorted (a real
    vocabulary has millions of distinct words, which a search for each word in them would read all over memory)."""
    bits = max(len(terms) - 1, 1).bit_length()
    keyed = np.concatenate(terms).astype(np.uint64) << np.uint64(bits)
    keyed |= np.repeat(np.arange(len(terms), dtype=np.uint64), np.fromiter(map(len, terms), np.int64, len(terms)))
    keyed.sort(kind="stable")  # runs of each episode's words, in order already: merged, not sorted anew (1/6 the time)
    owners = (keyed & np.uint64((1 << bits) - 1)).astype(np.int32)
    keyed >>= np.uint64(bits)
    starts = _firsts(keyed)
    counts = np.diff(np.append(starts, len(keyed)))
    mixed = keyed[starts].astype(np.uint32) * np.uint32(0x9E3779B1)  # wraps: Latin words (all low) and pairs mixed
    del keyed
    # one order of (shared first, rarest first, mixed): `mixed` is a different number for each distinct word
    order = np.argsort((counts < 2).astype(np.uint64) << np.uint64(63) | counts.astype(np.uint64) << np.uint64(32)
                       | mixed)
    rank = np.empty(len(counts), np.int32)
    rank[order] = np.arange(len(counts), dtype=np.int32)
    rank[counts < 2] = len(counts)
    return np.repeat(rank, counts), owners, len(counts)


def _chosen(ranks: np.ndarray, owners: np.ndarray, total: int, unshared: int) -> np.ndarray:
    """Each episode's TEXT_TERMS smallest ranks below `unshared`, smallest first, as a row (`unshared` past the
    episode's words), from every word's rank and episode in any order. Only the ranks under a limit are sorted,
    the limit growing until nearly every episode has its words under it; the few others are sorted after."""
    def counted(under: np.ndarray) -> np.ndarray:
        return np.bincount(owners[under], minlength=total)

    shared = ranks < unshared
    wanted = np.minimum(counted(shared), TEXT_TERMS)
    limit = min(TEXT_TERMS * 4, unshared)
    under = ranks < limit
    have = counted(under)
    while np.count_nonzero(have < wanted) * 64 > total and limit < unshared:
        limit = min(limit * 8, unshared)
        under = ranks < limit
        have = counted(under)
    chosen = _smallest(ranks[under], owners[under], have, wanted, unshared)
    late = np.flatnonzero(have < wanted)
    if len(late):
        among = np.zeros(total, bool)
        among[late] = True
        under = shared & among[owners]
        chosen[late] = _smallest(ranks[under], owners[under], counted(under), wanted, unshared)[late]
    return chosen


def _smallest(ranks: np.ndarray, owners: np.ndarray, have: np.ndarray, wanted: np.ndarray, unshared: int
              ) -> np.ndarray:
    """`_chosen` of the given ranks (`have` of each episode's), up to `wanted` of each."""
    keys = np.sort(owners.astype(np.int64) * (unshared + 1) + ranks)
    first = np.cumsum(have) - have
    taken = first[:, None] + np.arange(TEXT_TERMS)
    taken = np.where(np.arange(TEXT_TERMS) < np.minimum(have, wanted)[:, None], taken, len(keys))
    return np.append(keys % (unshared + 1), unshared)[taken]


class _Lookups(NamedTuple):
    """The terms episodes look up, in the order their weights add up (each episode's tags and category in the
    order given, then its words, rarest first): the episode looking, the slice of `members` it searches (the
    WINDOW episodes on each side of it among those that have the term, in time order), and the term's weight."""
    members: np.ndarray
    owner: np.ndarray
    begin: np.ndarray
    end: np.ndarray
    weight: np.ndarray

    @classmethod
    def near(cls, members: np.ndarray, owner: np.ndarray, own: np.ndarray, first: np.ndarray, stop: np.ndarray,
             weight: np.ndarray) -> _Lookups:
        """Lookups of terms whose episodes lie in `members[first:stop]`, the looking episode's own place at `own`."""
        return cls(members, owner, np.maximum(own - WINDOW, first), np.minimum(own + WINDOW + 1, stop), weight)

    @classmethod
    def joined(cls, labels: _Lookups, words: _Lookups) -> _Lookups:
        """Both, episode by episode, its labels first."""
        order = np.argsort(np.concatenate((labels.owner, words.owner)), kind="stable")
        shift = len(labels.members)
        return cls(np.concatenate((labels.members, words.members)), *(
            np.concatenate(pair)[order] for pair in ((labels.owner, words.owner), (labels.begin, words.begin + shift),
                                                     (labels.end, words.end + shift), (labels.weight, words.weight))))

    def scored(self, total: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(episode, partner, score) of every pair found, by episode then partner: a score adds the weights of the
        terms through which the episode found the partner, in the order looked up."""
        lengths = self.end - self.begin
        first = np.cumsum(lengths) - lengths
        pair = self.members[np.arange(int(lengths.sum())) - np.repeat(first - self.begin, lengths)]
        bits = total.bit_length()
        pair |= np.repeat(self.owner << bits, lengths)
        order = _stable_order(pair)  # the order looked up, within a pair
        pair = pair[order]
        new = _new_runs(pair)
        score = np.bincount(np.cumsum(new) - 1, weights=np.repeat(self.weight, lengths)[order])
        pair = pair[new]
        owner, partner = pair >> bits, pair & ((1 << bits) - 1)
        other = owner != partner  # an episode finds itself through each of its terms
        return owner[other], partner[other], score[other]


def _stable_order(keys: np.ndarray) -> np.ndarray:
    """`np.argsort(keys, kind="stable")` for keys of 0 or more: each key made unique by its place, then sorted (a
    third of the time), where that fits in 63 bits."""
    shift = len(keys).bit_length()
    if not len(keys) or int(keys.max()) >> (63 - shift):
        return np.argsort(keys, kind="stable")
    return np.sort(keys << shift | np.arange(len(keys)), kind="stable") & ((1 << shift) - 1)  # runs merged


def _no_lookups() -> _Lookups:
    none = np.zeros(0, np.int64)
    return _Lookups(none, none, none, none, np.zeros(0))


def _label_lookups(ordered: list[Episode]) -> _Lookups:
    """Every episode's tags and categories: looked up whatever their number."""
    ids: dict[str, int] = {}
    owners, terms = [], []
    for index, episode in enumerate(ordered):
        for label in _labels(episode):
            owners.append(index)
            terms.append(ids.setdefault(label, len(ids)))
    owner, term = np.array(owners, np.int64), np.array(terms, np.int64)
    order = np.argsort(term, kind="stable")  # each label's episodes in time order, label after label
    own = np.empty_like(order)
    own[order] = np.arange(len(order))
    having = np.bincount(term, minlength=len(ids))
    stop = np.cumsum(having)
    weight = np.array([_weight(_KIND_WEIGHT[label[:2]], n, len(ordered))
                       for label, n in zip(ids, having.tolist(), strict=True)])
    return _Lookups.near(owner[order], owner, own, (stop - having)[term], stop[term], weight[term])


def _word_lookups(terms: list[np.ndarray]) -> _Lookups:
    """Each episode's TEXT_TERMS rarest words that another episode also has (ties in an order that favours no kind
    of word); only the chosen words' episodes are listed."""
    total = len(terms)
    if not any(map(len, terms)):
        return _no_lookups()
    ranks, owners, unshared = _ranks(terms)
    chosen = _chosen(ranks, owners, total, unshared)
    owner, column = np.nonzero(chosen < unshared)  # episode by episode, rarest first
    word = chosen[owner, column]
    if not len(word):
        return _no_lookups()
    wanted = np.zeros(unshared + 1, bool)
    wanted[word] = True
    rare = np.flatnonzero(ranks <= word.max())  # the chosen words are rare: look among rare words only
    picked = rare[wanted[ranks[rare]]]
    # each chosen word's episodes in time order, word after word
    having = np.sort(ranks[picked].astype(np.int64) * total + owners[picked])
    first, stop = np.searchsorted(having, word * total), np.searchsorted(having, (word + 1) * total)
    return _Lookups.near(having % total, owner, np.searchsorted(having, word * total + owner), first, stop,
                         _weights(TEXT_WEIGHT, stop - first, total))


def _weights(kind: float, having: np.ndarray, total: int) -> np.ndarray:
    """`_weight` of each count in `having` (computed once per distinct count)."""
    distinct, at = np.unique(having, return_inverse=True)
    return np.array([_weight(kind, n, total) for n in distinct.tolist()])[at]


def _best(owner: np.ndarray, partner: np.ndarray, score: np.ndarray, times: np.ndarray, wanted: np.ndarray
          ) -> list[list[int]]:
    """Each episode's `wanted` best partners (as `Lookups.scored` gives them): best score first, then nearest in
    time, then publication order. Only the partners that reach about the episode's `wanted`-th best score are
    sorted fully: that score is read from all partners sorted at once by one float, the episode less the score as
    a fraction of twice its best (its own range), which rounds to within `margin` of the fraction."""
    total = len(wanted)
    counts = np.bincount(owner, minlength=total)
    bar = np.zeros(total)
    more = np.flatnonzero((counts > wanted) & (wanted > 0))
    if len(more):
        most = np.zeros(total)
        np.maximum.at(most, owner, score)
        scale = 2 * most[owner]
        keys = np.sort(owner - score / scale)  # each episode's partners, best first; every score is above 0
        fraction = more - keys[(np.cumsum(counts) - counts)[more] + wanted[more] - 1]
        margin = 4 * np.spacing(float(total))
        bar[more] = (fraction - margin) * 2 * most[more]
    near = score >= bar[owner]
    owner, partner, score = owner[near], partner[near], score[near]
    order = np.arange(len(owner))  # publication order within each episode's partners
    for key in (np.abs(times[partner] - times[owner]), -score, owner):
        order = order[np.argsort(key[order], kind="stable")]
    owner, partner = owner[order], partner[order]
    counts = np.bincount(owner, minlength=total)
    taken = np.arange(len(owner)) - np.repeat(np.cumsum(counts) - counts, counts) < wanted[owner]
    found = partner[taken].tolist()
    stops = np.cumsum(np.bincount(owner[taken], minlength=total)).tolist()
    return [found[start:stop] for start, stop in zip([0, *stops], stops, strict=False)]


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
    return np.flatnonzero(_new_runs(ordered))


def _new_runs(ordered: np.ndarray) -> np.ndarray:
    """Whether each value of a sorted array starts a run of equal values."""
    new = np.ones(len(ordered), bool)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return new


def terms_bytes(terms: np.ndarray) -> bytes:
    """`episode_terms` as a build keeps them."""
    return terms.astype("<u4").tobytes()


def terms_from(kept: bytes) -> np.ndarray:
    """`episode_terms` as `terms_bytes` kept them."""
    return np.frombuffer(kept, "<u4")
