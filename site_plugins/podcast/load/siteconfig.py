"""Read the podcast plugin's options from mkdocs.yml without importing MkDocs."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import PodcastError
from ..model import Settings
from .settings import parse_settings

PLUGIN_NAME = "podcast"


@dataclass(frozen=True, slots=True)
class SiteConfig:
    settings: Settings
    project_dir: Path
    """The folder of mkdocs.yml: paths in the settings are relative to it."""
    docs_dir: str = "docs"
    theme_dir: str | None = None
    """The theme's `custom_dir` (overrides), whose files are published too."""

    @property
    def read_folders(self) -> tuple[Path, ...]:
        """The folders MkDocs publishes files from, besides what the podcast makes."""
        return (Path(self.docs_dir), *([Path(self.theme_dir)] if self.theme_dir else []))


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml files that use `!ENV` or `!!python/name:` tags (their values are not needed)."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_config(config_path: Path) -> SiteConfig:
    """The site's podcast settings and folders; defaults (in the current folder) when there is no mkdocs.yml."""
    if not config_path.exists():
        return SiteConfig(parse_settings({}), Path.cwd())
    try:
        config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PodcastError(f"{config_path}: not readable as YAML: {exc}") from exc
    if not isinstance(config, dict):
        raise PodcastError(f"{config_path}: not a MkDocs configuration (expected 'key: value' lines)")
    options = dict(_plugin_options(config.get("plugins")))
    theme = config.get("theme")
    if not options.get("language") and isinstance(theme, dict) and theme.get("language"):
        options["language"] = theme["language"]
    settings = parse_settings(options, origin=str(config_path), site_name=str(config.get("site_name") or ""),
                              site_description=str(config.get("site_description") or ""),
                              site_url=str(config.get("site_url") or ""))
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    return SiteConfig(settings, config_path.resolve().parent, str(config.get("docs_dir") or "docs"),
                      str(custom) if isinstance(custom, str) and custom else None)


def read_site_settings(config_path: Path) -> Settings:
    """The podcast plugin's options from mkdocs.yml."""
    return read_site_config(config_path).settings


def _plugin_options(plugins: object) -> dict:
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins or [])
    for name, options in entries:
        if name == PLUGIN_NAME:
            return options or {}
    return {}
