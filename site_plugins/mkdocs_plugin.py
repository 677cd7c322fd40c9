"""The MkDocs plugin: routes MkDocs events to the podcast core (`podcast.build`), which checks the options too."""

from __future__ import annotations

import html as html_text
import os
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data

from .podcast import OPTIONS, PodcastError, parse_settings
from .podcast import build as core
from .podcast.devserver import byte_ranges
from .podcast.preview import QuickPreview, write_changed
from .podcast.render.errorpages import add_notice
from .podcast.render.pages import BODY_PLACEHOLDER
from .podcast.render.search import SearchIndex
from .podcast.sitesize import size_report
from .podcast.writer import SiteWriter

log = get_plugin_logger("podcast")

PodcastPluginConfig = type("PodcastPluginConfig", (Config,), {name: c.Optional(c.Type(object)) for name in OPTIONS})


class PodcastPlugin(BasePlugin[PodcastPluginConfig]):
    command = "build"
    output = index = None  # the core's last SiteOutput (tests read it); the search index of a build

    def on_startup(self, *, command: str, dirty: bool) -> None:  # before on_config: serve or build
        self.command = command

    def on_config(self, config):
        options = {**self.config, "language": self.config["language"] or config.theme.get("language") or "en"}
        project_dir = Path(config.config_file_path or ".").resolve().parent
        try:
            settings = parse_settings(options, site_name=config.site_name, site_url=config.site_url or "",
                                      site_description=config.site_description or "")
            self.request = core.prepare(settings, project_dir, now=datetime.now(UTC), environ=os.environ,
                                   preview=self.command == "serve", directory_urls=config.use_directory_urls,
                                   progress=log.info, warn=log.warning)
        except PodcastError as exc:
            raise PluginError(str(exc)) from None
        if self.command == "serve":
            config.watch.append(str(project_dir / settings.episodes_dir))
            self.quick = QuickPreview([Path(config.docs_dir), Path(config.config_file_path or "mkdocs.yml"),
                                       *(Path(w) for w in config.watch)], project_dir)
        config.extra_css.extend(core.page_assets(settings)[0])
        config.extra_javascript.extend(c.ExtraScript().validate(s) for s in core.page_assets(settings)[1])
        for message in core.clashing_plugins(settings, list(config.plugins)):
            log.warning("%s", message)
        return config

    def on_files(self, files: Files, *, config) -> Files:
        home = files.get_file_from_path("index.md")
        if home is not None:  # the editor's home page becomes the intro of the generated one
            files.remove(home)
        request = replace(self.request, now=datetime.now(UTC),
                          home_intro=get_data(home.content_string)[0] if home is not None else None)
        try:
            self.output = core.build_site(request, previous=self.output)
        except PodcastError as exc:  # a full disk, a folder that cannot be written: one line, no traceback
            raise PluginError(str(exc)) from None
        if config.strict and (refusal := core.strict_refusal(self.output, request.engine.name)):
            raise PluginError(refusal)
        for warn, line in core.problem_lines(self.output):
            (log.warning if warn else log.info)("%s", line)
        taken = {f.dest_uri: f.src_uri for f in files}
        generated = [File.generated(config, p.src_uri, content=p.markdown, inclusion=InclusionLevel.UNDEFINED
                                    if p.in_nav else InclusionLevel.NOT_IN_NAV) for p in self.output.pages]
        for uri, content in {**self.output.files, **core.asset_files()}.items():
            generated.append(File.generated(config, uri, abs_src_path=str(content)) if isinstance(content, Path)
                             else File.generated(config, uri, content=content))
        for file in generated:
            if file.dest_uri in taken:
                raise PluginError(f"docs/{taken[file.dest_uri]} would be published at {file.dest_uri}, where the "
                                  "podcast plugin writes a generated file; rename or move it")
            files.append(file)
        log.info("%d episodes, %d generated pages", len(self.output.episodes), len(self.output.pages))
        self.bodies, self.output = self.output.page_bodies, (self.output if self.request.preview  # a build keeps
                                                             else replace(self.output, pages=()))  # no HTML twice
        self.index = SearchIndex(SiteWriter(Path(config.site_dir))) if request.settings.search else None
        return files

    def on_nav(self, nav, *, config, files):
        self._site = (config, files, nav)  # what a quick preview needs to redo a page
        return nav

    def on_env(self, env, *, config, files):
        self._env = env  # the same
        return env

    def on_serve(self, server, *, config, builder):  # page-only edits are previewed without a full rebuild
        full_build = server.builder
        server.set_app(byte_ranges(server.get_app()))  # browsers seek audio with Range requests

        def build() -> None:
            if not (self.output and self.quick.run(self.output, self.request, self._redo_pages)):
                full_build()

        server.builder = build
        return server

    def _redo_pages(self, output, previous, pages: list[str]) -> None:  # through MkDocs' own page steps
        config, files, nav = self._site
        write_changed(previous, output, Path(config.site_dir))
        self.output, self.bodies = output, output.page_bodies
        for uri in pages:
            file = files.get_file_from_path(uri)
            file.content_string = next(p.markdown for p in output.pages if p.src_uri == uri)
            _populate_page(file.page, config, files)
            _build_page(file.page, config, files.documentation_pages(inclusion=InclusionLevel.is_in_serve),
                        nav, self._env, excluded=file.inclusion.is_excluded())

    def on_page_content(self, html: str, *, page, config, files) -> str:  # generated HTML goes in after Markdown
        generated = self.bodies.pop(page.file.src_uri, None)
        if generated is not None:  # its HTML, and its parts in the theme's table of contents
            html = html.replace(BODY_PLACEHOLDER, generated.html, 1)
            page.toc = get_toc(generated.toc_tokens()) if generated.toc else page.toc
        if page.file.src_uri == "index.md":
            html = add_notice(html, self.output.notice)  # the preview's list of broken episode files
        excluded = isinstance(page.meta.get("search"), dict) and page.meta["search"].get("exclude")
        if self.index is not None and not excluded:
            self.index.add_page(url=page.url, title=html_text.unescape(page.title or ""), html=html,
                                order=self.output.search_order.get(page.file.src_uri, 0.0))
        return html

    def on_post_page(self, output: str, *, page, config) -> str:
        return core.finish_page(output, self.output, self.request, src_uri=page.file.src_uri, page_url=page.url)

    def on_post_template(self, output: str, *, template_name: str, config) -> str:  # the theme's 404 page
        return core.finish_not_found(output, self.output, self.request) if template_name == "404.html" else output

    def on_post_build(self, *, config) -> None:
        if self.index is not None:
            log.info("search: %d pages indexed (%d files)", len(self.index.pages), self.index.write())
            self.index = None  # a quick preview leaves the index of the last full build
        level, message = size_report(Path(config.site_dir))
        (log.warning if level == "warning" else log.info)(message)
