"""The MkDocs plugin: routes MkDocs events to the podcast core, and nothing more."""

from __future__ import annotations

from pathlib import Path

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils.meta import get_data

from .podcast import OPTIONS, PodcastError, build_pages, load_catalog, parse_settings

log = get_plugin_logger("podcast")

STYLESHEET = Path(__file__).parent / "podcast" / "assets" / "podcast.css"
STYLESHEET_URI = "assets/podcast/podcast.css"


# The options are described and checked once, in the core (`OPTIONS`, `parse_settings`);
# MkDocs only has to know their names.
PodcastPluginConfig = type("PodcastPluginConfig", (Config,),
                           {name: c.Optional(c.Type(object)) for name in OPTIONS})


class PodcastPlugin(BasePlugin[PodcastPluginConfig]):
    def __init__(self) -> None:
        self.command = "build"

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        options = {name: self.config[name] for name in OPTIONS}
        options["language"] = options["language"] or config.theme.get("language") or "en"
        try:
            self.settings = parse_settings(options)
        except PodcastError as exc:
            raise PluginError(str(exc)) from exc
        self.project_dir = Path(config.config_file_path or ".").resolve().parent
        self.episodes_dir = self.project_dir / self.settings.episodes_dir
        if self.command == "serve" and self.episodes_dir.is_dir():
            config.watch.append(str(self.episodes_dir))
        if STYLESHEET_URI not in config.extra_css:
            config.extra_css.append(STYLESHEET_URI)
        return config

    def on_files(self, files: Files, *, config) -> Files:
        catalog = load_catalog([self.episodes_dir], self.settings, root=self.project_dir,
                               include_drafts=self.command == "serve")
        self._report(catalog.problems, strict=bool(config.strict))
        intro = None
        user_home = files.get_file_from_path("index.md")
        if user_home is not None:
            intro, _ = get_data(user_home.content_string)
            files.remove(user_home)
        pages = build_pages(catalog.episodes, self.settings, directory_urls=config.use_directory_urls,
                            home_intro=intro)
        for page in pages:
            if files.get_file_from_path(page.src_uri) is not None:
                raise PluginError(f"docs/{page.src_uri} has the address of a generated podcast page; "
                                  "rename or move it")
            file = File.generated(config, page.src_uri, content=page.markdown)
            if not page.in_nav:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        files.append(File.generated(config, STYLESHEET_URI, abs_src_path=str(STYLESHEET)))
        log.info("%d episodes, %d generated pages", len(catalog.episodes), len(pages))
        return files

    def _report(self, problems, *, strict: bool) -> None:
        errors = [p for p in problems if p.is_error]
        if strict and errors:
            raise PluginError("invalid episode files (fix them, or build without --strict to leave them out):\n"
                              + "\n".join(str(p) for p in problems))
        for problem in problems:
            log.warning("%s%s", problem, " (episode left out)" if problem.is_error else "")

