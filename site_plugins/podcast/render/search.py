"""Site search: a static index cut into small files, so a query downloads only what it needs.

mkdocs-material's search sends its whole index before the first query (60 MB for 1000
episodes). Here every page's text is cut into terms while the site is built, and written as:

- `search-index/meta.json`: the number of shards and pages, each page's length;
- `search-index/t/<shard>.json`: term -> postings (page number, count), each term in the shard
  its hash picks, so a query fetches one small shard per term;
- `search-index/p/<file>.json`: a page's address, title and text by section, fetched for the
  results shown (the excerpt comes from it); meta.json names each page's file.

Terms: words of letters and digits, lower-cased; Chinese and Japanese text, which has no spaces,
gives single characters and pairs of neighbours, so a word is found inside a sentence: a query's
run of such characters must contain all pairs that cover it (assets/search.js does the same cut).
Pages are numbered newest first, so equal scores show the newest.

Elements marked `data-search-exclude` (speaker labels, players, related lists) are not indexed.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import unicodedata
from array import array
from collections import Counter
from collections.abc import Iterable
from operator import add
from pathlib import Path

import numpy as np

from ..layout import SiteLayout
from ..parallel import Feed, Spooled, Workers
from ..writer import OutputError, SiteWriter, write_atomic
from .pagetext import page_sections
from .searchcache import SearchCache, index_key, page_key

"""The generated page that shows results."""
FORMAT = 1
SHARD_BYTES = 12_000
"""Postings per shard file, on average (before compression)."""
_HERE_FIRST = 16
"""Pages a build cuts into terms itself before it gives any to workers not started yet (starting them costs more
than a few)."""
_BATCH = 64
"""Pages whose counts are posted together (`SearchIndex._post_all`)."""
TITLE_WEIGHT = 5
"""A term in the title counts as this many in the text."""

_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUNS = re.compile(f"[{_CJK}]+")
_WORDS = re.compile(rf"[^\W_{_CJK}]+")
"""Letters and digits other than CJK."""
_TOKEN = re.compile(f"{_CJK_RUNS.pattern}|{_WORDS.pattern}")
_WIDE_FORMS, _WIDE_OFFSET = re.compile("[\uff01-\uff5e]"), 0xFF01 - 0x21
"""Full-width forms of ASCII's visible characters, which NFKC makes those characters (U+FF01 -> '!')."""


def normalize(text: str) -> str:
    """What is indexed and searched: NFKC (full-width letters become plain ones), lower case. Most text is in
    NFKC but for Chinese full-width commas and colons, made ASCII first (as NFKC makes them) in a few quick
    passes: NFKC itself made a page's text again in 1 ms, a tenth of a first build."""
    if not unicodedata.is_normalized("NFKC", text):
        for wide in set(_WIDE_FORMS.findall(text)):
            text = text.replace(wide, chr(ord(wide) - _WIDE_OFFSET))
        if not unicodedata.is_normalized("NFKC", text):
            text = unicodedata.normalize("NFKC", text)
    return text.lower()


def terms_of(text: str) -> list[str]:
    """Every term occurrence in normalized `text`: words, and characters and pairs for CJK runs."""
    found: list[str] = []
    for token in _TOKEN.findall(text):
        if _CJK_RUNS.match(token):
            found.extend(token)
            found.extend(map(add, token, token[1:]))
        else:
            found.append(token)
    return found


def count_terms(text: str) -> dict[str, int]:
    """How often each term of `terms_of` occurs in normalized `text`: the same counts, the characters and pairs
    of CJK runs counted with numpy (a page has ten thousand of each, most of them repeated)."""
    words = Counter(_WORDS.findall(text))
    runs = "\n".join(_CJK_RUNS.findall(text))  # "\n" keeps runs apart, and is no term
    if not runs:
        return dict(words)
    codes = np.frombuffer(runs.encode("utf-32-le"), dtype=np.uint32)
    apart = codes == _NEWLINE
    pairs = (codes[:-1].astype(np.uint64) << _HIGH | codes[1:])[~(apart[:-1] | apart[1:])]
    found, many = np.unique(pairs, return_counts=True)
    both = np.empty((len(found), 2), dtype=np.uint32)  # each pair's two characters, side by side
    both[:, 0], both[:, 1] = found >> _HIGH, found & _LOW_HALF
    counts = dict(zip(_TWO.findall(both.tobytes().decode("utf-32-le")), many.tolist(), strict=True))
    found, many = np.unique(codes[~apart], return_counts=True)
    counts.update(zip(found.tobytes().decode("utf-32-le"), many.tolist(), strict=True))
    counts.update(words)  # words hold no CJK: no key is counted twice
    return counts


_NEWLINE = np.uint32(ord("\n"))
_HIGH, _LOW_HALF = np.uint64(32), np.uint64(0xFFFFFFFF)
_TWO = re.compile("..", re.DOTALL)


def fnv1a(term: str) -> int:
    """32-bit FNV-1a of the term's UTF-8 bytes: the shard a term lives in (the same in search.js)."""
    value = 0x811C9DC5
    for byte in term.encode("utf-8"):
        value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


class SearchIndex:
    """Pages go in one by one while the site is built; `write` finishes the index files.

    Only a page's postings stay in memory, packed as ints (page number << 16 | count), and its text
    (its file in the search cache, or its bytes without a cache) is written by `write` to `p/<rank>.json`:
    the index is the same files whatever order the pages came in.
    """

    def __init__(self, writer: SiteWriter, *, cache: SearchCache | None = None, workers: Workers | None = None
                 ) -> None:
        self.writer = writer
        self.cache = cache
        self.workers = workers
        """Processes that cut pages into terms while the build goes on (`parallel`); without them, it is done here."""
        self.pages: list[tuple[float, str, int]] = []
        """(order, url, length) of each page, in the order pages came."""
        self.texts: list[bytes | Path] = []
        """Each page's text file, in the order pages came."""
        self.keys: list[str] = []
        """Each page's key in the search cache ('' without one), in the order pages came."""
        self.postings: dict[str, list[np.ndarray]] = {}
        """Term -> its postings in parts (one for each batch of pages that has it), packed (page number << 16 |
        count), in no order: joined once, when the index is encoded."""
        self._unposted: list[tuple[int, dict[str, int]]] = []
        """Pages whose counts are not in `postings` yet (`_post_all` adds them, many at once)."""
        self._deferred: list[tuple[int, str]] = []
        """(page number, cache key) of the kept pages whose counts are not in `postings` yet."""
        self._cut = 0
        """Pages cut into terms in this build: the first `_HERE_FIRST` here unless the workers run, as a preview's
        few are."""
        self._feed = Feed(workers, analysed, self._place) if workers is not None else None
        """Pages given to the workers to cut (`parallel.Feed`)."""

    def add_page(self, *, url: str, title: str, html: str, order: float = 0.0) -> str:
        """A rendered page's content (no theme around it). Larger `order` ranks first on equal scores.
        Returns the page's key in the search cache ('' without one)."""
        key = page_key(url, title, html) if self.cache is not None else ""
        entry = self.cache.get(key) if self.cache is not None else None
        number = self._add(url, entry or ({}, 0), self.cache.page_file(key) if entry else b"", order, key)
        if entry is None:
            self._cut += 1
            file = self.cache.page_file(key) if self.cache is not None else None  # a worker writes the text there
            # Spooled: the build holds no text for pages however far ahead of the workers it is.
            here = self.workers is None or (self._cut <= _HERE_FIRST and not self.workers.started)
            spooled = None if here else self.workers.spool(html.encode("utf-8", "surrogatepass"))
            if spooled is None:  # no worker, a few pages, or no spool: cut here
                self._place(number, analysed(url, title, html))
            else:
                self._feed.add(number, (url, title, spooled, file))
        return key

    def add_kept(self, *, url: str, key: str, order: float = 0.0) -> bool:
        """A page the search cache holds by `key` (what `add_page` returned for it in an earlier build);
        False when it no longer holds it. Its counts are read only if the index is made anew (`write`)."""
        length = self.cache.length(key) if self.cache is not None and key else None
        if length is None:
            return False
        self._deferred.append((len(self.pages), key))
        self._add(url, ({}, length), self.cache.page_file(key), order, key)
        return True

    def _add(self, url: str, entry: tuple[dict[str, int], int], text: bytes | Path, order: float, key: str) -> int:
        counts, length = entry
        self._post(len(self.pages), counts)
        self.pages.append((order, url, max(length, 1)))
        self.texts.append(text)
        self.keys.append(key)
        return len(self.pages) - 1

    def _place(self, number: int, cut: tuple[tuple[dict[str, int], int], bytes | None]) -> None:
        """A page's terms and text, once cut (`analysed`), in the place `add_page` kept for it."""
        (counts, length), page = cut
        order, url, _ = self.pages[number]
        self._post(number, counts)
        self.pages[number] = (order, url, max(length, 1))
        if self.cache is None:
            self.texts[number] = page
        else:  # its text is in the cache already when a worker cut it
            self.cache.put(self.keys[number], (counts, length), page)
            self.texts[number] = self.cache.page_file(self.keys[number])

    def take_cut(self, *, wait: bool = False) -> None:
        """Place the pages the workers have cut and give them more (a host calls this as it finishes pages, so that
        cut pages are held compactly and the workers never run dry); with `wait`, all of them (`Feed.take`)."""
        if self._feed is not None:
            self._feed.take(wait=wait)

    def _post(self, number: int, counts: dict[str, int]) -> None:
        if not counts:  # a page kept for later (`_deferred`) or still being cut (`_feed`)
            return
        self._unposted.append((number, counts))
        if len(self._unposted) >= _BATCH:
            self._post_all()

    def _post_all(self, more: Iterable[tuple[int, dict[str, int]]] = ()) -> None:
        """Add the unposted pages' counts (and `more`) to the postings: packed with numpy, grouped by term in one
        sort, rather than one append per term and page (a site's pages hold half a million of them)."""
        terms: list[str] = []
        packed: list[np.ndarray] = []
        for number, counts in itertools.chain(self._unposted, more):
            terms.extend(counts)
            values = np.fromiter(counts.values(), dtype=np.uint64, count=len(counts))
            packed.append(np.minimum(values, _LOW) | np.uint64(number) << _SHIFT)
        self._unposted = []
        if not terms:
            return
        number_of: dict[str, int] = {}
        ids = np.fromiter((number_of.setdefault(term, len(number_of)) for term in terms), dtype=np.int64,
                          count=len(terms))
        grouped = np.concatenate(packed)[np.argsort(ids, kind="stable")]
        ends = np.cumsum(np.bincount(ids, minlength=len(number_of)))
        postings = self.postings
        for term, start, end in zip(number_of, itertools.chain([0], ends.tolist()), ends.tolist(), strict=False):
            postings.setdefault(term, []).append(grouped[start:end])

    def write(self) -> int:
        """Write the shards, the pages' texts and meta.json; returns the number of files in the index. With a
        cache, shards and meta.json made before from the same pages (addresses, orders and cache keys) are
        taken from it."""
        self.take_cut(wait=True)
        ranked = sorted(range(len(self.pages)), key=lambda n: (-self.pages[n][0], self.pages[n][1]))
        key = index_key([(*self.pages[n], self.keys[n]) for n in ranked]) \
            if self.cache is not None and all(self.keys) else ""
        files: dict[str, bytes] | dict[str, Path] | None = self.cache.index_files(key) if key else None
        if files is None:
            self._post_all((number, self._kept_counts(number, page)) for number, page in self._deferred)
            self._deferred = []
            files = self._encoded(ranked)
            if key:
                files = self.cache.put_index(key, files)
        for name, data in files.items():
            self._write(name, data)
        # Postings number pages by rank, and each page's text file is named by its rank (`files` names them).
        for position, number in enumerate(ranked):  # with a cache, a link where the writer links from it
            self._write(f"p/{position}.json", self.texts[number])
        if self.cache is not None:
            self.cache.save()
        return len(files) + len(ranked)

    def _kept_counts(self, number: int, key: str) -> dict[str, int]:
        """A kept page's counts from the cache, else counted again from its kept text (the same sections)."""
        counts = self.cache.counts(key)
        if counts is not None:
            return counts
        try:
            page = json.loads(self.cache.page_file(key).read_bytes())
            return _counted([tuple(part) for part in page["sections"]], page["title"])[0]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise OutputError(f"the search cache lost the text of {self.pages[number][1]} while the site was "
                              f"built (another build at the same time?): build again ({exc})") from None

    def _encoded(self, ranked: list[int]) -> dict[str, bytes]:
        """The shards (`t/<n>.json`) and meta.json of the pages in `ranked` order."""
        rank = np.zeros(len(ranked), dtype=np.uint64)
        rank[ranked] = np.arange(len(ranked), dtype=np.uint64)
        encoded = {term: _encode_packed(np.concatenate(parts), rank) for term, parts in self.postings.items()}
        shards = max(1, math.ceil(sum(len(t) + len(p) + 6 for t, p in encoded.items()) / SHARD_BYTES))
        by_shard: list[dict[str, str]] = [{} for _ in range(shards)]
        for term in sorted(encoded):
            by_shard[fnv1a(term) % shards][term] = encoded[term]
        files = {f"t/{number}.json": _json(terms) for number, terms in enumerate(by_shard) if terms}
        meta = {"format": FORMAT, "shards": shards, "files": list(range(len(ranked))),
                "lengths": [self.pages[number][2] for number in ranked]}
        files["meta.json"] = _json(meta)
        return files

    def _write(self, name: str, data: bytes | Path) -> None:
        self.writer.write(SiteLayout.search_index + name, data, owner="the search index")


def analysed(url: str, title: str, html: str | Spooled, file: Path | None = None
             ) -> tuple[tuple[dict[str, int], int], bytes | None]:
    """A page's term counts and length (`_counted`) and its text file's bytes, or None when they were written to
    `file` (a worker's way: it sends back no text); what `add_page` does with a page not cut before."""
    sections = page_sections(html if isinstance(html, str) else html.read().decode("utf-8", "surrogatepass"), title)
    page = _json({"url": url, "title": title, "sections": sections})
    if file is not None:
        write_atomic(file, page, durable=False)
    return _counted(sections, title), page if file is None else None


def _counted(sections: list[tuple[str, str, str]], title: str) -> tuple[dict[str, int], int]:
    """A page's term counts, its title's terms weighted, and its length in terms."""
    # The top section's heading is the title, counted below.
    counts = count_terms(normalize("\n".join(f"{heading}\n{text}" if anchor else text
                                             for anchor, heading, text in sections)))
    length = sum(counts.values())
    for term in set(terms_of(normalize(title))):
        counts[term] = counts.get(term, 0) + TITLE_WEIGHT
    return counts, length


_SMALL = np.array([np.base_repr(n, 36).lower() for n in range(4096)], dtype=object)
"""Base-36 digits of the gaps and counts most postings hold, looked up rather than made one by one."""
_LOW = np.uint64(0xFFFF)
_SHIFT = np.uint64(16)


def _encode_packed(posting: np.ndarray | array, rank: np.ndarray) -> str:
    """`_encode` of a posting of packed ints (page number << 16 | count), pages numbered by `rank`, the work
    done for all of its pages at once (a term on every page of a 1000-page site holds a thousand)."""
    packed = np.frombuffer(posting, dtype=np.uint64)
    keyed = np.sort(rank[packed >> _SHIFT] << _SHIFT | packed & _LOW)
    numbers, counts = (keyed >> _SHIFT).astype(np.int64), (keyed & _LOW).astype(np.int64)
    gaps = np.diff(numbers, prepend=0)
    if len(gaps) and (gaps.max() >= len(_SMALL) or counts.max() >= len(_SMALL)):
        return _encode(list(zip(numbers.tolist(), counts.tolist(), strict=True)))
    parts = _SMALL[gaps]
    many = counts != 1
    if many.any():
        parts[many] = parts[many] + ":" + _SMALL[counts[many]]
    return ",".join(parts.tolist())


def _encode(posting: list[tuple[int, int]]) -> str:
    """Page numbers as base-36 gaps, each with ':count' when the term occurs more than once."""
    parts = []
    previous = 0
    for number, count in posting:
        gap = _base36(number - previous)
        parts.append(gap if count == 1 else f"{gap}:{_base36(count)}")
        previous = number
    return ",".join(parts)


def _base36(value: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        value, rest = divmod(value, 36)
        out = digits[rest] + out
        if not value:
            return out


def _json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
