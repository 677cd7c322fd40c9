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
_FORMAT = (2, marshal.version, sys.version_info[:2])
SEARCH_CACHE = "search"
"""The cache's folder in the cache folder."""
COUNTS = "terms.marshal"
PAGES = "pages"
INDEX = "index"
"""The shards and meta.json of the last build's index, in a folder named by `index_key`."""

Entry = tuple[dict[str, int], int]
"""A page's term counts (title weight included) and its length in terms; kept packed by marshal."""


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
        self.used: dict[str, bytes] = {}
        self.index = ""
        """The key of the index files this build used."""

    def page_file(self, key: str) -> Path:
        return self.folder / PAGES / f"{key}.json"

    def get(self, key: str) -> Entry | None:
        packed = self.entries.get(key)
        try:
            entry = marshal.loads(packed) if isinstance(packed, bytes) else None
        except (EOFError, ValueError, TypeError):
            entry = None
        if not (isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], dict)
                and isinstance(entry[1], int)) or not self.page_file(key).is_file():
            return None
        self.used[key] = packed
        return entry

    def put(self, key: str, entry: Entry, page: bytes) -> None:
        write_atomic(self.page_file(key), page, durable=False)
        self.used[key] = marshal.dumps(entry)  # packed: a thousand pages' counts as dicts would take 50 MB

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
        write_atomic(self.folder / COUNTS, marshal.dumps((_FORMAT, self.used)), durable=False)
        remove_others(self.folder / PAGES, {f"{key}.json" for key in self.used})
        remove_others(self.folder / INDEX, {self.index})


def _load(path: Path) -> dict[str, bytes]:
    try:
        found, entries = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if found != _FORMAT or not isinstance(entries, dict):
        return {}
    return entries
