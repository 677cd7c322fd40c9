"""What the search index made of each page, kept between builds: a page whose HTML did not change is not
parsed and counted again.

Entries are found by a digest of everything the work reads: the page's address, title and HTML, and the
source of the search code itself (`CODE`), so a changed input or a changed indexer can only miss, never
hit a stale entry. Each page's text file (`p/<n>.json` in the site) is kept as a file named by its
digest and linked into the site; the term counts of all pages are one file. Both hold only what the last
build used. An unreadable cache is an empty one.
"""

from __future__ import annotations

import hashlib
import marshal
import sys
from pathlib import Path

from ..writer import remove_others, write_atomic

CODE = hashlib.sha256(b"".join(Path(__file__).with_name(name).read_bytes()
                               for name in ("search.py", "searchcache.py"))).digest()
"""The indexer's own source: another version of it makes other entries."""
_FORMAT = (3, marshal.version, sys.version_info[:2])
SEARCH_CACHE = "search"
"""The cache's folder in the cache folder."""
COUNTS = "terms.marshal"
PAGES = "pages"
INDEX = "index"
"""The shards and meta.json of the last build's index, in a folder named by `index_key`."""

Entry = tuple[dict[str, int], int]
"""A page's term counts (title weight included) and its length in terms."""
Packed = tuple[int, bytes]
"""An entry as the cache keeps it: the length, and the counts packed by marshal (read only when needed: a build
whose pages are all as before takes the index files whole, and reads no page's counts)."""


def page_key(url: str, title: str, html: str) -> str:
    """The digest of a page's inputs to the indexer, with the indexer's version."""
    digest = hashlib.sha256(CODE)
    for part in (url, title, html):
        encoded = part.encode("utf-8", "surrogatepass")
        digest.update(len(encoded).to_bytes(8, "little"))
        digest.update(encoded)
    return digest.hexdigest()[:40]


def index_key(pages: list[tuple[float, str, int, str]]) -> str:
    """The digest of an index's inputs: each page's order, address, length and key, in rank order."""
    return hashlib.sha256(CODE + repr((_FORMAT, pages)).encode("utf-8", "surrogatepass")).hexdigest()[:40]


class SearchCache:
    """Entries by page_key; `save` keeps those used since it was opened."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.entries = _load(folder / COUNTS)
        self.used: dict[str, Packed] = {}
        self.index = ""
        """The key of the index files this build used."""

    def page_file(self, key: str) -> Path:
        return self.folder / PAGES / f"{key}.json"

    def get(self, key: str) -> Entry | None:
        length = self.length(key)
        counts = self.counts(key) if length is not None else None
        return (counts, length) if counts is not None else None

    def length(self, key: str) -> int | None:
        """The page's length in terms, when the cache holds its entry and its text file (None otherwise)."""
        packed = self.entries.get(key)
        if not (isinstance(packed, tuple) and len(packed) == 2 and isinstance(packed[0], int)
                and isinstance(packed[1], bytes)) or not self.page_file(key).is_file():
            return None
        self.used[key] = packed
        return packed[0]

    def counts(self, key: str) -> dict[str, int] | None:
        """The page's term counts, as `put` kept them (None when they cannot be read back)."""
        packed = self.used.get(key) or self.entries.get(key)
        try:
            counts = marshal.loads(packed[1]) if packed else None
        except (EOFError, ValueError, TypeError):
            counts = None
        return counts if isinstance(counts, dict) else None

    def put(self, key: str, entry: Entry, page: bytes | None) -> None:
        """Keep a page's entry, and its text (None: it is in `page_file(key)` already)."""
        if page is not None:
            write_atomic(self.page_file(key), page, durable=False)
        self.used[key] = (entry[1], marshal.dumps(entry[0]))  # a thousand pages' counts as dicts would take 50 MB

    def index_files(self, key: str) -> dict[str, Path] | None:
        """The index files kept under `key` (site path in the index -> file), or None."""
        folder = self.folder / INDEX / key
        try:
            names = marshal.loads((folder / "names.marshal").read_bytes())
        except (OSError, EOFError, ValueError, TypeError):
            return None
        if not (isinstance(names, list) and all(isinstance(n, str) and (folder / n).is_file() for n in names)):
            return None
        self.index = key
        return {name: folder / name for name in names}

    def put_index(self, key: str, files: dict[str, bytes]) -> dict[str, Path]:
        """Keep the index files under `key` (the names last, so a half-kept index is never found)."""
        folder = self.folder / INDEX / key
        for name, data in files.items():
            write_atomic(folder / name, data, durable=False)
        write_atomic(folder / "names.marshal", marshal.dumps(list(files)), durable=False)
        self.index = key
        return {name: folder / name for name in files}

    def save(self) -> None:
        """Keep what this build used, and only that: the cache never grows past one site's pages."""
        if self.used != self.entries:  # a build of the same pages rewrites nothing
            write_atomic(self.folder / COUNTS, marshal.dumps((_FORMAT, self.used)), durable=False)
        remove_others(self.folder / PAGES, {f"{key}.json" for key in self.used})
        remove_others(self.folder / INDEX, {self.index})


def _load(path: Path) -> dict[str, Packed]:
    try:
        found, entries = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if found != _FORMAT or not isinstance(entries, dict):
        return {}
    return entries
