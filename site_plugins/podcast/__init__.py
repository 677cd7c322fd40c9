"""The podcast core: episode files in, the site's pages, audio, feed and search out.

Stages, each in its folder: `load` (episode files and settings into the model), `audio` (speech and
MP3s), `render` (pages, feed, transcripts, search as text); `build` runs them in that order and
`writer` is where files are written. `store` keeps published audio on a git branch, with the standard
library alone. Nothing here imports MkDocs: the MkDocs plugin (`site_plugins.mkdocs_plugin`) and the
`podcast` command are two thin ways in. A host's events call a `SiteSession`, and a host imports the
names below, never the modules behind them.

The names below are imported when first used, so that `python -m site_plugins.podcast.store` runs
with no package installed (the publishing job that holds write access installs nothing).
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "BuildRequest": "build", "SiteOutput": "build", "build_site": "build", "prepare": "build",
    "rebuild_episodes": "build", "strict_refusal": "build",
    "SiteCopies": "copies", "ExpectedAnswers": "devserver",
    "PodcastError": "errors", "Problem": "errors", "SettingsError": "errors", "Severity": "errors",
    "ValidationError": "errors",
    "Catalog": "load.catalog", "find_episode_files": "load.catalog", "load_catalog": "load.catalog",
    "OPTIONS": "load.settings", "parse_settings": "load.settings",
    "slug_from_title": "load.validate", "validate_episode": "load.validate",
    "BrokenFile": "model", "Episode": "model", "Host": "model", "Section": "model", "Settings": "model",
    "Source": "model", "Turn": "model",
    "BODY_PLACEHOLDER": "render.document", "GeneratedPage": "render.document", "build_pages": "render.pages",
    "SiteFile": "session", "SiteInfo": "session", "SiteSession": "session", "Themed": "render.stencil",
    "full_disk_line": "writer", "link_or_copy": "writer",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
