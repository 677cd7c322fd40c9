"""The MkDocs plugin: routes MkDocs events to the podcast core's `SiteSession`, which checks the options too.

It imports the core's public names alone (`site_plugins.podcast`), maps the core's files onto MkDocs' `File`s,
and turns `PodcastError` into `PluginError`. MkDocs' private page steps are called in one place, `_redo_pages`,
for the preview's quick edits (tests/test_serve.py pins what they do); stencilled pages: `mkdocs_files.Themer`."""

from __future__ import annotations

import logging
import os
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.toc import get_toc
from mkdocs.utils.meta import get_data

from .mkdocs_files import Themer, editor_text, host_print, site_file, sitemap_pages
from .podcast import OPTIONS, ExpectedAnswers, PodcastError, SiteCopies, SiteInfo, SiteSession, full_disk_line

log = get_plugin_logger("podcast")

PodcastPluginConfig = type("PodcastPluginConfig", (Config,), {name: c.Optional(c.Type(object)) for name in OPTIONS})


class PodcastPlugin(BasePlugin[PodcastPluginConfig]):
    command, dirty, serving = "build", False, False
    session: SiteSession | None = None

    @property
    def output(self):
        """The core's last output (tests read it)."""
        return self.session.output if self.session is not None else None

    def on_startup(self, *, command: str, dirty: bool) -> None:  # before on_config: serve or build
        self.command, self.dirty = command, dirty

    def on_config(self, config):
        options = {**self.config, "language": self.config["language"] or config.theme.get("language") or "en"}
        project_dir = Path(config.config_file_path or ".").resolve().parent
        site = SiteInfo(config.site_name, project_dir, Path(config.site_dir), url=config.site_url or "",
                        description=config.site_description or "", directory_urls=config.use_directory_urls,
                        serve_at=(config.dev_addr.host, config.dev_addr.port) if config.dev_addr else None,
                        docs_dir=Path(config.docs_dir),
                        theme_dir=Path(config.theme.custom_dir) if config.theme.custom_dir else None)
        watched = [Path(config.docs_dir), Path(config.config_file_path or "mkdocs.yml"), *map(Path, config.watch)]
        try:
            self.session = SiteSession.start(options, site, clock=partial(datetime.now, UTC), environ=os.environ,
                                             watched=watched, preview=self.command == "serve",
                                             other_plugins=list(config.plugins), progress=log.info,
                                             warn=log.warning, previous=self.session,
                                             ends_process=self.command != "serve" and not self.serving)
        except PodcastError as exc:
            raise PluginError(str(exc)) from None
        config.watch.extend(str(folder) for folder in self.session.watch)
        config.extra_css.extend(self.session.page_assets[0])
        config.extra_javascript.extend(c.ExtraScript().validate(s) for s in self.session.page_assets[1])
        return config

    def on_pre_build(self, *, config) -> None:  # MkDocs empties the site folder next, unless the build is dirty
        self.session.set_aside_old_site(keep=self.dirty)

    def on_files(self, files: Files, *, config) -> Files:
        printed, named = host_print(config, files), editor_text(config, files)  # the home page's too: see below
        home = files.get_file_from_path("index.md")
        if home is not None:  # the editor's home page becomes the intro of the generated one
            files.remove(home)
        taken = {f.dest_uri: f.src_uri for f in files}
        try:
            made = self.session.build(home_intro=get_data(home.content_string)[0] if home is not None else None,
                                      strict=config.strict, host_print=printed, named=named, host_files=taken)
        except PodcastError as exc:  # a full disk, a folder that cannot be written: one line, no traceback
            raise PluginError(str(exc)) from None
        self._made = made
        self._copies = SiteCopies.of(self.session.request)
        for item in made:
            file = site_file(config, item, self._copies)
            if file.dest_uri in taken:
                raise PluginError(f"docs/{taken[file.dest_uri]} would be published at {file.dest_uri}, where the "
                                  "podcast plugin writes a generated file; rename or move it")
            files.append(file)
        return files

    def on_template_context(self, context, *, template_name: str, config):
        if template_name == "sitemap.xml":  # pages published as kept are not pages to MkDocs
            context["pages"] = sitemap_pages(context["pages"], getattr(self, "_made", []), config)
        return context

    def on_nav(self, nav, *, config, files):
        self._site = (config, files, nav)  # what a quick preview needs to redo a page
        return nav

    def on_env(self, env, *, config, files):
        self._env, env.bytecode_cache = env, self.session.template_cache(env)  # the same; compiled once
        Themer(env, config, files, self._site[2]).finish(self.session)  # stencilled pages, before files are copied
        return env

    def on_serve(self, server, *, config, builder):  # page-only edits are previewed without a full rebuild
        self.serving = True  # `serve --clean` starts as a build: its next builds hold nothing (`collector`)
        full_build = server.builder
        server.set_app(self.session.serve(server.get_app()))
        served = logging.getLogger("mkdocs.livereload")
        if not any(isinstance(f, ExpectedAnswers) for f in served.filters):
            served.addFilter(ExpectedAnswers())

        def build() -> None:
            if not self.session.preview_edits(self._redo_pages):
                full_build()

        server.builder = build
        return server

    def _redo_pages(self, pages: dict[str, str]) -> None:
        """Render pages again (source URI -> new Markdown) through MkDocs' own page steps, which are private:
        the one place the plugin calls them."""
        config, files, nav = self._site
        for uri, markdown in pages.items():
            file = files.get_file_from_path(uri)
            file.content_string = markdown
            _populate_page(file.page, config, files)
            _build_page(file.page, config, files.documentation_pages(inclusion=InclusionLevel.is_in_serve),
                        nav, self._env, excluded=file.inclusion.is_excluded())

    def on_page_content(self, html: str, *, page, config, files) -> str:  # generated HTML goes in after Markdown
        search = page.meta.get("search")
        html, toc = self.session.page_content(html, src_uri=page.file.src_uri, url=page.url, title=page.title or "",
                                              search_excluded=isinstance(search, dict) and bool(search.get("exclude")))
        page.toc = get_toc(toc) if toc is not None else page.toc  # a generated page's parts, in the theme's toc
        return html

    def on_post_page(self, output: str, *, page, config) -> str:
        return self.session.finish_page(output, src_uri=page.file.src_uri, url=page.url)

    def on_post_template(self, output: str, *, template_name: str, config) -> str:  # the theme's 404 page
        return self.session.finish_not_found(output) if template_name == "404.html" else output

    def on_post_build(self, *, config) -> None:
        self._copies.save()
        self.session.finish_build()

    def on_build_error(self, *, error: Exception) -> None:  # MkDocs copying assets onto a full disk: one line
        if full_disk_line(error):
            raise Abort(full_disk_line(error)) from None
