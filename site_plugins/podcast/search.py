"""Site search with Pagefind: an index cut into small pieces, so a query downloads only its words.

mkdocs-material's search writes one JSON index that a visitor downloads whole before the first
query (about 60 MB for 1000 episodes). Pagefind indexes the built HTML instead and a query fetches
the few index chunks and page fragments it needs. The extended build (the `pagefind-bin-extended`
package) splits Chinese and Japanese text into words, so words are found inside sentences.

Only elements marked `data-pagefind-body` are indexed (the pages' article, not the theme's
navigation); `data-pagefind-ignore` keeps speaker labels, players and related lists out.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from markupsafe import escape

from .errors import PodcastError

BUNDLE_URI = "pagefind/"
"""Where Pagefind writes its files in the built site."""
SEARCH_PAGE_URI = "search/index.md"
"""The generated page that shows results."""
TIMEOUT = 1800


def pagefind_executable() -> Path:
    try:
        import pagefind_bin_extended
    except ImportError as exc:
        raise PodcastError("search needs Pagefind: install this project's dependencies again "
                           "(pip install -e .), or set `search: false` for the podcast plugin") from exc
    return Path(pagefind_bin_extended.get_executable())


def index_site(site_dir: Path, *, language: str) -> int:
    """Index the built site into `site_dir`/pagefind/; returns the number of pages indexed.

    The whole site is indexed as one language (the show's), so every page lands in one index.
    """
    command = [str(pagefind_executable()), "--site", str(site_dir), "--output-subdir", BUNDLE_URI.rstrip("/"),
               "--force-language", language.split("-")[0].lower()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, encoding="utf-8", errors="replace",
                              timeout=TIMEOUT, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PodcastError(f"Pagefind could not index the site: {exc}") from exc
    if done.returncode != 0:
        output = (done.stderr.strip() or done.stdout.strip())[-2000:]
        raise PodcastError(f"Pagefind could not index the site (exit status {done.returncode}):\n{output}")
    found = re.search(r"Indexed (\d+) pages?", done.stdout)
    return int(found.group(1)) if found else 0


def search_form(*, action: str, label: str) -> str:
    """A search box that opens the search page with ?q=: plain HTML, so it works before scripts load."""
    return (f'<form class="gp-search-form" role="search" action="{escape(action)}" method="get">'
            f'<input class="gp-search-form__input" type="search" name="q" placeholder="{escape(label)}" '
            f'aria-label="{escape(label)}" autocomplete="off" required></form>')


def add_search_to_page(html: str, *, form: str, searchable: bool) -> str:
    """A page of mkdocs-material's layout with the search box in its header and, when `searchable`,
    its article marked for indexing (pages without the mark, like listings, stay out of the index)."""
    if searchable:
        html = html.replace('<article class="md-content__inner', '<article data-pagefind-body class="md-content__inner', 1)
    header_end = html.find("</header>")
    nav_end = html.rfind("</nav>", 0, header_end) if header_end >= 0 else -1
    return html if nav_end < 0 else html[:nav_end] + form + html[nav_end:]
