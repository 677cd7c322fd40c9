"""Related podcasts: the editor's picks first, then episodes that share tags, category and words.

Each shared term counts by how rare it is (inverse document frequency). To stay fast on large
catalogs, an episode looks for partners of each of its terms only among the WINDOW episodes
published nearest to it that have the term: ties go to the nearest in time anyway, and a rare term's
whole list fits in the window. 10 000 episodes take well under a second (scripts/bench.py).
"""

from __future__ import annotations

import heapq
import math
import re
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Sequence

from .model import Episode

TAG_WEIGHT = 3.0
CATEGORY_WEIGHT = 1.0
TEXT_WEIGHT = 1.0
TEXT_TERMS = 6
"""Only an episode's most distinctive words are looked up; its tags and category always are."""
WINDOW = 10
"""Episodes on each side, in publication order, searched per term."""

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9']{2,}")
_STOP = frozenset("""the and for that with this from have has are was were will would can could into
about their there they them than then what when which who why how its it's our your you but not
all any more most some such only also just over after before been being on of to in by as at""".split())


def compute_related(episodes: Sequence[Episode], *, count: int) -> dict[str, tuple[str, ...]]:
    """slug -> up to `count` related slugs; deterministic for the same episodes."""
    ordered = sorted(episodes, key=lambda e: (e.published.timestamp(), e.slug))
    terms = [_weighted_terms(e) for e in ordered]
    postings: dict[str, list[int]] = defaultdict(list)
    for index, weights in enumerate(terms):
        for term in weights:
            postings[term].append(index)
    total = len(ordered)
    idf = {term: math.log(1 + total / len(posting)) for term, posting in postings.items()}
    slugs = {e.slug: i for i, e in enumerate(ordered)}
    times = [e.published.timestamp() for e in ordered]
    related = {}
    for index, episode in enumerate(ordered):
        scores = _scores(index, terms[index], postings, idf)
        when = times[index]
        picks = [slugs[s] for s in dict.fromkeys(episode.related) if s in slugs and s != episode.slug]
        # Best score first, then nearest in time, then publication order (time, slug): all in C.
        ranked = heapq.nsmallest(count + len(picks),
                                 ((-score, abs(times[other] - when), other) for other, score in scores.items()))
        chosen = picks + [other for _, _, other in ranked if other not in picks]
        related[episode.slug] = tuple(ordered[o].slug for o in chosen[:count])
    return related


def _scores(index: int, mine: dict[str, float], postings: dict[str, list[int]],
            idf: dict[str, float]) -> dict[int, float]:
    """Partners found through each term near `index` in time, scored by the terms' rarity.

    A term's weight depends only on its kind (tag, category, word), so both sides weigh it alike.
    """
    words = [t for _, t in heapq.nsmallest(TEXT_TERMS, ((-idf[t], t) for t in mine if t[0] == "w"))]
    scores: dict[int, float] = {}
    get = scores.get
    for term in [t for t in mine if t[0] != "w"] + words:
        weight = mine[term] ** 2 * idf[term] ** 2
        posting = postings[term]
        at = bisect_left(posting, index)  # postings are in publication order
        for other in posting[max(0, at - WINDOW):at]:
            scores[other] = get(other, 0.0) + weight
        for other in posting[at + 1:at + WINDOW + 1]:
            scores[other] = get(other, 0.0) + weight
    return scores


def _weighted_terms(episode: Episode) -> dict[str, float]:
    weights: dict[str, float] = {}
    for tag in episode.tags:
        weights["t:" + tag.casefold()] = TAG_WEIGHT
    if episode.category:
        weights["c:" + episode.category.casefold()] = CATEGORY_WEIGHT
    for word in _text_terms(f"{episode.title}\n{episode.summary or ''}"):
        weights.setdefault("w:" + word, TEXT_WEIGHT)
    return weights


def _text_terms(text: str) -> set[str]:
    """Lower-case words for Latin text, character pairs for Chinese (which has no spaces)."""
    lowered = text.casefold()
    found = {w for w in _WORD.findall(lowered) if w not in _STOP}
    for run in _HAN_RUN.findall(lowered):
        found.update(run[i:i + 2] for i in range(len(run) - 1))
    return found
