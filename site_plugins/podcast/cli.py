"""The `podcast` command: `podcast check` validates episode files without building the site."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

from .catalog import load_catalog
from .draftcli import add_draft_command, run_draft
from .errors import PodcastError
from .model import Settings
from .settings import parse_settings

PLUGIN_NAME = "podcast"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="podcast", description="Check and build podcast episodes.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate episode files; exit 1 if any has an error")
    check.add_argument("paths", nargs="*", type=Path, help="episode files or folders (default: the site's)")
    check.add_argument("--config", "-f", type=Path, default=Path("mkdocs.yml"),
                       help="the site's mkdocs.yml, for hosts and language (default: ./mkdocs.yml)")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors too")
    add_draft_command(commands)
    args = parser.parse_args(argv)
    try:
        if args.command == "draft":
            return run_draft(args)
        return run_check(args.paths, config_path=args.config, strict=args.strict)
    except PodcastError as exc:
        print(f"podcast: {exc}", file=sys.stderr)
        return 2


def run_check(paths: list[Path], *, config_path: Path, strict: bool = False) -> int:
    settings = read_site_settings(config_path)
    root = config_path.resolve().parent if config_path.exists() else Path.cwd()
    catalog = load_catalog(paths or [root / settings.episodes_dir], settings, root=Path.cwd(),
                           include_drafts=True)
    for problem in catalog.problems:
        print(problem)
    errors, warnings = len(catalog.errors), len(catalog.warnings)
    print(f"{len(catalog.episodes)} episodes valid, {errors} errors, {warnings} warnings", file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml files that use `!ENV` or `!!python/name:` tags (their values are not needed)."""


_TolerantLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def read_site_settings(config_path: Path) -> Settings:
    """The podcast plugin's options from mkdocs.yml, without importing MkDocs."""
    if not config_path.exists():
        return parse_settings({})
    try:
        config = yaml.load(config_path.read_text(encoding="utf-8"), Loader=_TolerantLoader) or {}
    except yaml.YAMLError as exc:
        raise PodcastError(f"{config_path}: not readable as YAML: {exc}") from exc
    options = dict(_plugin_options(config.get("plugins")))
    theme = config.get("theme")
    if not options.get("language") and isinstance(theme, dict) and theme.get("language"):
        options["language"] = theme["language"]
    return parse_settings(options, origin=str(config_path), site_name=str(config.get("site_name") or ""),
                          site_description=str(config.get("site_description") or ""),
                          site_url=str(config.get("site_url") or ""))


def _plugin_options(plugins: object) -> dict:
    entries = plugins.items() if isinstance(plugins, dict) else (
        next(iter(p.items())) if isinstance(p, dict) else (p, None) for p in plugins or [])
    for name, options in entries:
        if name == PLUGIN_NAME:
            return options or {}
    return {}


if __name__ == "__main__":
    sys.exit(main())
