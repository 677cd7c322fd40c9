"""The MkDocs plugin: routes MkDocs events to the podcast core, and nothing more."""

from __future__ import annotations

import html as html_text
import os
import time
from datetime import datetime, timezone
from pathlib import Path

from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.utils.meta import get_data

from .podcast import OPTIONS, PodcastError, build_pages, load_catalog, parse_settings
from .podcast.audio import AudioBuilder, AudioReport
from .podcast.devserver import byte_ranges
from .podcast.errorpages import BrokenEpisodes, add_notice
from .podcast.feed import render_feed
from .podcast.i18n import labels_for
from .podcast.metadata import episode_head, feed_link, inject_head
from .podcast.pages import BODY_PLACEHOLDER, build_episode_page
from .podcast.preview import Edit, changed_files, page_only_edits, snapshot
from .podcast.search import SEARCH_PAGE_URI, SearchIndex, add_search_box, search_form
from .podcast.show import load_cover
from .podcast.sitesize import size_report
from .podcast.speech import EspeakEngine, engine_name, make_engine
from .podcast.transcripts import transcript_files
from .podcast.urls import episode_page_uri, page_url, relative_url
from .podcast.writer import write_atomic

log = get_plugin_logger("podcast")

ASSETS = Path(__file__).parent / "podcast" / "assets"
STYLESHEET_URI = "assets/podcast/podcast.css"
SCRIPT_URI = "assets/podcast/player.js"
SEARCH_SCRIPT_URI = "assets/podcast/search.js"


# The options are described and checked once, in the core (`OPTIONS`, `parse_settings`);
# MkDocs only has to know their names.
PodcastPluginConfig = type("PodcastPluginConfig", (Config,),
                           {name: c.Optional(c.Type(object)) for name in OPTIONS})


class PodcastPlugin(BasePlugin[PodcastPluginConfig]):
    def __init__(self) -> None:
        self.command = "build"
        self.heads: dict[str, str] = {}
        self.last_report: AudioReport | None = None
        self.last_preview: list[str] = []
        """Episode pages the last quick preview redid (empty when the last change needed a full build)."""
        self._built = None
        self.index: SearchIndex | None = None
        self.broken = BrokenEpisodes()
        self.notice = ""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command

    def on_config(self, config):
        options = {name: self.config[name] for name in OPTIONS}
        options["language"] = options["language"] or config.theme.get("language") or "en"
        try:
            self.settings = parse_settings(options, site_name=config.site_name,
                                           site_description=config.site_description or "",
                                           site_url=config.site_url or "")
            self.engine = make_engine(engine_name(self.settings.tts, os.environ),
                                      requests_per_second=self.settings.tts_rate)
        except PodcastError as exc:
            raise PluginError(str(exc)) from exc
        self.project_dir = Path(config.config_file_path or ".").resolve().parent
        try:
            self.cover = load_cover(self.project_dir, self.settings.cover)
        except PodcastError as exc:
            raise PluginError(f"mkdocs.yml: podcast plugin settings: {exc}") from exc
        self.episodes_dir = self.project_dir / self.settings.episodes_dir
        if self.command == "serve" and self.episodes_dir.is_dir():
            config.watch.append(str(self.episodes_dir))
        if self.command == "serve":
            # Taken before anything is read: a change made during this build shows in the next one.
            self._watched = [Path(config.docs_dir), Path(config.config_file_path or "mkdocs.yml"),
                             *(Path(w) for w in config.watch)]
            self._snapshot = snapshot(self._watched)
        if STYLESHEET_URI not in config.extra_css:
            config.extra_css.append(STYLESHEET_URI)
        self.scripts = (SCRIPT_URI, SEARCH_SCRIPT_URI) if self.settings.search else (SCRIPT_URI,)
        for uri in self.scripts:
            if uri not in config.extra_javascript:
                config.extra_javascript.append(uri)
        if self.settings.search and any(name.split("/")[-1] == "search" for name in config.plugins):
            log.warning("mkdocs.yml turns on mkdocs-material's search plugin as well as the podcast plugin's "
                        "search: remove '- search' from plugins (or set 'search: false' for the podcast plugin)")
        self.search_label = labels_for(self.settings.language)["search"]
        return config

    def on_files(self, files: Files, *, config) -> Files:
        folders = [self.episodes_dir] if self.episodes_dir.is_dir() else []  # no folder yet: no episodes yet
        catalog = load_catalog(folders, self.settings, root=self.project_dir, include_drafts=self.command == "serve",
                               now=datetime.now(timezone.utc))
        self._report(catalog.problems, strict=bool(config.strict))
        report = self._audio(catalog.episodes, strict=bool(config.strict))
        intro = None
        user_home = files.get_file_from_path("index.md")
        if user_home is not None:
            intro, _ = get_data(user_home.content_string)
            files.remove(user_home)
        pages = build_pages(catalog.episodes, self.settings, directory_urls=config.use_directory_urls,
                            home_intro=intro, audio=report.audio)
        if self.command == "serve":  # a broken episode file shows its problems at its address
            preview = self.broken.render(catalog, self.settings, root=self.project_dir,
                                         directory_urls=config.use_directory_urls)
            pages, self.notice = [*pages, *preview.pages], preview.notice
        self._taken = {f.dest_uri: f.src_uri for f in files}
        self.bodies = {page.src_uri: page.html for page in pages}
        for page in pages:
            file = self._claim(File.generated(config, page.src_uri, content=page.markdown))
            if not page.in_nav:
                file.inclusion = InclusionLevel.NOT_IN_NAV
            files.append(file)
        self.heads = {}
        self.published = {episode_page_uri(self.settings.episodes_uri, e.slug): e.published.timestamp()
                          for e in catalog.episodes}
        self.index = SearchIndex(Path(config.site_dir)) if self.settings.search else None
        for episode in catalog.episodes:
            audio = report.audio.get(episode.slug)
            self._head(episode, audio, config)
            if audio is not None and not self.settings.show.media_base_url:
                files.append(self._claim(File.generated(config, audio.uri, abs_src_path=str(audio.path))))
            for uri, text in transcript_files(episode, audio, episodes_uri=self.settings.episodes_uri).items():
                files.append(self._claim(File.generated(config, uri, content=text)))
        if self.cover is not None:
            files.append(self._claim(File.generated(config, self.cover.uri, content=self.cover.data)))
        self._feed(files, config, catalog.episodes, report)
        self._built = (config, files, catalog.episodes, dict(report.audio))
        for uri in (STYLESHEET_URI, *self.scripts):
            files.append(File.generated(config, uri, abs_src_path=str(ASSETS / Path(uri).name)))
        log.info("%d episodes, %d generated pages", len(catalog.episodes), len(pages))
        return files

    def on_nav(self, nav, *, config, files):
        self._nav = nav
        return nav

    def on_env(self, env, *, config, files):
        self._env = env
        return env

    def on_serve(self, server, *, config, builder):
        """Page-only edits of episodes are previewed without the full rebuild (see podcast.preview)."""
        full_build = server.builder
        server.set_app(byte_ranges(server.get_app()))  # browsers seek audio with Range requests

        def build() -> None:
            self.last_preview = []
            if not self._preview_edits():
                full_build()

        server.builder = build
        return server

    def _preview_edits(self) -> bool:
        if self._built is None:
            return False
        started = time.perf_counter()
        config, files, episodes, audio = self._built
        now = snapshot(self._watched)
        edits = page_only_edits(changed_files(self._snapshot, now), episodes, self.settings,
                                episodes_dir=self.episodes_dir, root=self.project_dir)
        if edits is None:
            return False
        self._snapshot = now
        swap = {edit.old.slug: edit.new for edit in edits}
        episodes = tuple(swap.get(e.slug, e) for e in episodes)
        for edit in edits:
            for problem in edit.warnings:
                log.warning("%s", problem)
        audio.update(self._audio([edit.new for edit in edits], strict=False).audio)
        site = Path(config.site_dir)
        for edit in edits:
            self._preview_page(edit, episodes, audio, config, files, site)
        if self.settings.show.site_url:
            write_atomic(site / "feed.xml", self._feed_xml(config, episodes, audio))
        self._built = (config, files, episodes, audio)
        self.last_preview = [edit.new.slug for edit in edits]
        log.info("previewed %s in %.2f s (only %s changed: no full rebuild)", ", ".join(self.last_preview),
                 time.perf_counter() - started, "its page" if len(edits) == 1 else "their pages")
        return True

    def _preview_page(self, edit: Edit, episodes, audio, config, files: Files, site: Path) -> None:
        """Redo one episode's page through MkDocs' own page steps, and its audio and transcript files."""
        episode = edit.new
        page = build_episode_page(episode, episodes, self.settings, directory_urls=config.use_directory_urls,
                                  audio=audio)
        file = files.get_file_from_path(page.src_uri)
        file.content_string = page.markdown
        self.bodies[page.src_uri] = page.html
        clip = audio.get(episode.slug)
        self._head(episode, clip, config)
        if clip is not None and not self.settings.show.media_base_url:
            write_atomic(site / clip.uri, clip.path.read_bytes())
        for uri, text in transcript_files(episode, clip, episodes_uri=self.settings.episodes_uri).items():
            write_atomic(site / uri, text.encode("utf-8"))
        _populate_page(file.page, config, files)
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        _build_page(file.page, config, doc_files, self._nav, self._env, excluded=file.inclusion.is_excluded())

    def _claim(self, file: File) -> File:
        """A generated file, unless a file of docs/ would be published at the same address."""
        if file.dest_uri in self._taken:
            raise PluginError(f"docs/{self._taken[file.dest_uri]} would be published at {file.dest_uri}, where the "
                              "podcast plugin writes a generated file; rename or move it")
        self._taken[file.dest_uri] = file.src_uri
        return file

    def on_page_content(self, html: str, *, page, config, files) -> str:
        """A generated page's HTML goes in after Markdown: Python-Markdown need not parse it (it is most
        of the build's time otherwise)."""
        body = self.bodies.pop(page.file.src_uri, None)
        if body is not None:
            html = html.replace(BODY_PLACEHOLDER, body, 1)
        if page.file.src_uri == "index.md":
            html = add_notice(html, self.notice)  # the preview's list of broken episode files
        excluded = isinstance(page.meta.get("search"), dict) and page.meta["search"].get("exclude")
        if self.index is not None and not excluded:
            self.index.add_page(url=page.url, title=html_text.unescape(page.title or ""), html=html,
                                order=self.published.get(page.file.src_uri, 0.0))
        return html

    def on_post_page(self, output: str, *, page, config) -> str:
        extra = self.heads.get(page.file.src_uri, "") + feed_link(self.settings, page_url=page.url)
        output = inject_head(output, extra)
        if self.settings.search:
            action = relative_url(_url(SEARCH_PAGE_URI, config), page.url)
            output = add_search_box(output, form=search_form(action=action, label=self.search_label))
        return output

    def on_post_build(self, *, config) -> None:
        if self.index is not None:
            started = time.perf_counter()
            files = self.index.write()
            log.info("search: %d pages indexed in %.1f s (%d files)", len(self.index.pages),
                     time.perf_counter() - started, files)
            self.index = None  # a quick preview leaves the index of the last full build
        level, message = size_report(Path(config.site_dir))
        (log.warning if level == "warning" else log.info)(message)

    def _feed(self, files: Files, config, episodes, report: AudioReport) -> None:
        if not self.settings.show.site_url:
            log.warning("mkdocs.yml has no site_url, so no feed.xml is written: set it to the site's address")
            return
        feed = self._feed_xml(config, episodes, report.audio)
        files.append(self._claim(File.generated(config, "feed.xml", content=feed)))

    def _feed_xml(self, config, episodes, audio) -> bytes:
        return render_feed([e for e in episodes if not e.draft], audio, self.settings, cover=self.cover,
                           page_uri=lambda e: _url(episode_page_uri(self.settings.episodes_uri, e.slug), config))

    def _head(self, episode, audio, config) -> None:
        """The episode page's JSON-LD and Open Graph tags, put in by on_post_page."""
        page_uri = episode_page_uri(self.settings.episodes_uri, episode.slug)
        self.heads[page_uri] = episode_head(episode, audio, self.settings, cover=self.cover,
                                            page_uri=_url(page_uri, config))

    def _audio(self, episodes, *, strict: bool) -> AudioReport:
        builder = AudioBuilder(self.settings, project_dir=self.project_dir, engine=self.engine,
                               fallback=EspeakEngine(), cover=self.cover, progress=log.info, warn=log.warning)
        try:
            report = builder.build(episodes)
        except PodcastError as exc:  # a full disk, a folder that cannot be written: one line, no traceback
            raise PluginError(str(exc)) from None
        self.last_report = report
        log.info("audio: %d turns synthesized, %d episodes unchanged", report.synthesized, report.reused)
        if strict and report.fallback:
            raise PluginError(f"{self.engine.name} could not be reached: {report.fallback} turns were spoken "
                              "by the offline engine, and a strict build never publishes that fallback")
        self._report(report.problems, strict=strict, consequence=" (the page is built without audio)")
        return report

    def _report(self, problems, *, strict: bool, consequence: str = " (episode left out)") -> None:
        errors = [p for p in problems if p.is_error]
        if strict and errors:
            raise PluginError("invalid episode files (fix them, or build without --strict to leave them out):\n"
                              + "\n".join(str(p) for p in problems))
        for problem in problems:
            log.warning("%s%s", problem, consequence if problem.is_error else "")


def _url(src_uri: str, config) -> str:
    return page_url(src_uri, directory_urls=config.use_directory_urls)
