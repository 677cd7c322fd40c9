"""Related podcasts: the editor's picks first, then episodes that share tags, category and words."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence

from .model import Episode

TAG_WEIGHT = 3.0
CATEGORY_WEIGHT = 1.0
TEXT_WEIGHT = 1.0
TERMS_PER_EPISODE = 16
"""Only an episode's most distinctive words count, which keeps the work linear in the catalog."""
MAX_POSTING = 400
"""A term shared by more episodes than this says little about any pair of them."""

_HAN_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[a-z][a-z0-9']{2,}")
_STOP = frozenset("""the and for that with this from have has are was were will would can could into
about their there they them than then what when which who why how its it's our your you but not
all any more most some such only also just over after before been being on of to in by as at""".split())


def compute_related(episodes: Sequence[Episode], *, count: int) -> dict[str, tuple[str, ...]]:
    """slug -> up to `count` related slugs; deterministic for the same episodes."""
    terms = {e.slug: _weighted_terms(e) for e in episodes}
    postings: dict[str, list[str]] = defaultdict(list)
    for slug, weights in terms.items():
        for term in weights:
            postings[term].append(slug)
    total = len(episodes)
    idf = {t: math.log(1 + total / len(p)) for t, p in postings.items()}
    by_slug = {e.slug: e for e in episodes}
    return {e.slug: _related_for(e, terms, postings, idf, by_slug, count) for e in episodes}


def _related_for(episode: Episode, terms, postings, idf, by_slug, count: int) -> tuple[str, ...]:
    picks = [s for s in dict.fromkeys(episode.related) if s in by_slug and s != episode.slug]
    mine = terms[episode.slug]
    ranked = sorted(mine, key=lambda t: (-mine[t] * idf[t], t))[:TERMS_PER_EPISODE]
    scores: dict[str, float] = defaultdict(float)
    for term in ranked:
        posting = postings[term]
        if len(posting) > MAX_POSTING:
            continue
        for other in posting:
            if other != episode.slug:
                scores[other] += mine[term] * terms[other][term] * idf[term] ** 2
    when = episode.published.timestamp()
    order = sorted(scores, key=lambda s: (-round(scores[s], 9), abs(by_slug[s].published.timestamp() - when), s))
    computed = [s for s in order if s not in picks]
    return tuple((picks + computed)[:count])


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
