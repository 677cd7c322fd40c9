"""Pages a host finished in an earlier build, published again as they were.

The host wraps each generated page in its theme: Markdown, the theme's template, then the podcast's
<head> tags and search box. When every input of that is the same as in an earlier build, the page is
published as that build's file (kept in the cache folder, linked into the site), and the host renders
neither its Markdown nor its theme for it. The key digests the host's print (everything its theme reads
besides the page: its configuration, theme and packages, its own pages' sources; the host gives one only
when nothing else it runs can change a page), the podcast's settings and addresses, the page's Markdown,
HTML and table of contents (or the page's own key, a digest of everything it was made from) and <head> tags,
and (by `digest_of`) the podcast's code. The search index takes
such a page's terms from its own cache by the key the page had there.

Only pages the host neither lists in its navigation nor reads Markdown of the editor's for are kept
(the home page's intro can hold links the host checks).
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path

from .memo import MEMO_FOLDER, Memo, digest_of, file_signature
from .render.document import BODY_PLACEHOLDER, GeneratedPage
from .writer import OutputError, link_or_copy, remove_others, write_over

FINISHED = "finished"
"""The memo (and the folder of kept files) in the memos' folder."""


class FinishedPages:
    """One build's kept pages: `find` before the host renders, `finish` as it finishes each, `save` at the end."""

    def __init__(self, cache_dir: Path, site_print: str) -> None:
        self.memo = Memo(cache_dir, FINISHED)
        self.folder = cache_dir / MEMO_FOLDER / FINISHED
        self.site_print = site_print
        self._pending: dict[str, tuple[str, str]] = {}
        """Source URI -> (key, search key once the page's HTML was indexed) of each page the host renders."""
        self._written: list[tuple[str, str, Path, int]] = []
        """(key, search key, the file the host writes, its size) of each page finished, kept by `save`."""

    def file(self, key: str) -> Path:
        return self.folder / f"{key}.html"

    def find(self, page: GeneratedPage, *, url: str, head: str, index: Callable[[str], bool]) -> Path | None:
        """The kept file of `page`, or None (the host renders it, and `finish` keeps it). `index(key)` has the
        search index take a kept page's terms from its cache by the key the page had there; False when it
        cannot (the page is rendered instead)."""
        if page.in_nav or not page.markdown.endswith("---\n\n" + BODY_PLACEHOLDER + "\n"):
            return None
        made = ("made from", page.key) if page.key else ("made", page.markdown, page.html, repr(page.toc))
        key = digest_of((self.site_print, page.src_uri, url, *made, head))
        kept = self.memo.get(key)  # (search key, '' when search leaves the page out; the file's size and time)
        if isinstance(kept, tuple) and len(kept) == 3 and file_signature(self.file(key))[1:3] == kept[1:] and (
                not kept[0] or index(kept[0])):
            return self.file(key)
        self._pending[page.src_uri] = (key, "")
        return None

    def pending_file(self, src_uri: str) -> Path:
        """Where a page `find` did not find is kept once finished here (`made`) rather than by the host."""
        return self.file(self._pending[src_uri][0])

    def made(self, src_uri: str, html: str, *, old: Path | None = None) -> None:
        """A page finished here (`stencil`), not by the host: written where it is kept (`pending_file`), which the
        host links into the site as a file; `save` keeps it. `old`: the site's file of the page, written over when
        a build before left it there (`write_over`)."""
        key, search_key = self._pending.pop(src_uri)
        data = html.encode("utf-8", errors="xmlcharrefreplace")  # as the host writes its pages
        write_over(self.file(key), data, old=old)
        self._written.append((key, search_key, self.file(key), len(data)))

    def indexed(self, src_uri: str, search_key: str) -> None:
        """The search index took the page's HTML under `search_key`."""
        if src_uri in self._pending:
            self._pending[src_uri] = (self._pending[src_uri][0], search_key)

    def finish(self, src_uri: str, html: str, written: Path) -> None:
        """The page as the host finished it, which it writes to `written` next (UTF-8, unencodable characters as
        references); `save` keeps that file. A file there already (a dirty build's, perhaps kept by an earlier
        build through a link) is removed first, so that the host writes a new file, not into a kept one."""
        if src_uri in self._pending:
            key, search_key = self._pending.pop(src_uri)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(written)
            self._written.append((key, search_key, written, len(html.encode("utf-8", errors="xmlcharrefreplace"))))

    def save(self) -> None:
        """Keep the pages the host wrote, and only what this build used. A page is kept as the host's own file,
        linked (writing each page a second time was a tenth of a first build): one the host left out or that
        something changed since (its size is not what was finished) is rendered again next time, and so is one
        changed in place later (the file's size and time are kept with it: a link shares its changes)."""
        for key, search_key, written, size in self._written:
            try:
                if os.stat(written).st_size != size:
                    continue
                if written != self.file(key):  # a page the host wrote (`made` wrote the others there)
                    link_or_copy(written, self.file(key))
            except (OSError, OutputError):
                continue  # not kept: rendered again
            kept = file_signature(self.file(key))[1:3]  # its size and time
            if None not in kept:
                self.memo.put(key, (search_key, *kept))
        self._written.clear()
        self.memo.save()
        remove_others(self.folder, {f"{key}.html" for key in self.memo.used})

