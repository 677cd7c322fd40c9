"""The podcast core: episode files in, the site's pages, audio, feed and search out.

Stages, each in its folder: `load` (episode files and settings into the model), `audio` (speech and
MP3s), `render` (pages, feed, transcripts, search as text); `build` runs them in that order and
`writer` is where files are written. Nothing here imports MkDocs: the MkDocs plugin
(`site_plugins.mkdocs_plugin`) and the `podcast` command are two thin ways in.
"""

from .build import BuildRequest, SiteOutput, build_site, prepare, rebuild_episodes
from .errors import PodcastError, Problem, SettingsError, Severity, ValidationError
from .load.catalog import Catalog, find_episode_files, load_catalog
from .load.settings import OPTIONS, parse_settings
from .load.validate import slug_from_title, validate_episode
from .model import Episode, Host, Section, Settings, Source, Turn
from .render.pages import GeneratedPage, build_pages

__all__ = [
    "OPTIONS", "BuildRequest", "Catalog", "Episode", "GeneratedPage", "Host", "PodcastError", "Problem", "Section",
    "Settings", "SettingsError", "Severity", "SiteOutput", "Source", "Turn", "ValidationError", "build_pages",
    "build_site", "find_episode_files", "load_catalog", "parse_settings", "prepare", "rebuild_episodes",
    "slug_from_title", "validate_episode",
]
