"""How big the built site is, against GitHub Pages' limit of 1 GB per site."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

PAGES_LIMIT = 1_000_000_000
WARN_AT = 0.8
FILE_LIMIT = 100_000_000


def size_report(site_dir: Path, *, limit: int = PAGES_LIMIT) -> tuple[str, str]:
    """('info' or 'warning', message) about the site's total size and its largest files."""
    sizes = list(_files(str(site_dir), ""))
    total = sum(size for size, _ in sizes)
    too_big = [name for size, name in sizes if size > FILE_LIMIT]
    message = f"site size: {total / 1e6:.1f} MB of GitHub Pages' {limit / 1e9:.0f} GB ({total / limit:.0%})"
    if too_big:
        return "warning", f"{message}; files over 100 MB, which Pages refuses: {', '.join(sorted(too_big))}"
    if total >= limit * WARN_AT:
        return "warning", (f"{message}: set media_base_url to serve the audio from elsewhere "
                           "(see the publishing guide)")
    return "info", message


def _files(folder: str, prefix: str) -> Iterator[tuple[int, str]]:
    """(size, name from the site's root) of each file under `folder`; os.scandir, as a site has thousands of
    files and a Path for each cost a tenth of a rebuild."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(entry.path, f"{prefix}{entry.name}/")
            elif entry.is_file():
                yield entry.stat().st_size, prefix + entry.name
