"""The podcast core: episode files in, validated episodes and rendered pages out.

Nothing here imports MkDocs: the MkDocs plugin (`site_plugins.mkdocs_plugin`) and the
`podcast` command are two thin ways in.
"""

from .catalog import Catalog, find_episode_files, load_catalog
from .errors import PodcastError, Problem, SettingsError, Severity, ValidationError
from .model import Episode, Host, Section, Settings, Source, Turn
from .pages import GeneratedPage, build_pages
from .settings import OPTIONS, parse_settings
from .validate import slug_from_title, validate_episode

__all__ = [
    "OPTIONS", "Catalog", "Episode", "GeneratedPage", "Host", "PodcastError", "Problem", "Section",
    "Settings", "SettingsError", "Severity", "Source", "Turn", "ValidationError", "build_pages",
    "find_episode_files", "load_catalog", "parse_settings", "slug_from_title", "validate_episode",
]
