"""A host's build session: what a site generator's events call, each in a line or three.

mkdocs' own search plugin keeps a `SearchIndex` and only routes events to it. Here a host (the MkDocs
plugin today, another generator tomorrow) opens one `SiteSession` per configuration and hands it what
its events see: a build's start, each page's HTML once Markdown is rendered, each finished page, the
end of the build, the preview server. The session keeps what lives between those events: the request,
the last output (a preview's next build remembers broken files' addresses from it), the pages whose HTML
goes in after Markdown, the search index and the quick preview. It speaks in strings, bytes and paths,
never in a host's types, and raises `PodcastError` (a host shows it as one line).
"""

from __future__ import annotations

import contextlib
import hashlib
import html as html_text
import os
import stat
import tempfile
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from functools import partial
from pathlib import Path

import jinja2
from jinja2 import Environment, FileSystemBytecodeCache
from jinja2.bccache import Bucket

from .build import (
    BuildRequest,
    SiteOutput,
    asset_files,
    build_site,
    clashing_plugins,
    derived_folders,
    finish_not_found,
    finish_page,
    page_assets,
    prepare,
    problem_lines,
    search_cache,
    strict_refusal,
)
from .collector import hold_objects, release_objects
from .devserver import WSGIApp, byte_ranges, port_problem
from .errors import PodcastError
from .finished import FinishedPages
from .load.settings import parse_settings
from .load.tree import read_folder_links
from .parallel import Workers, worker_count
from .preview import QuickPreview, write_changed
from .render.document import BODY_PLACEHOLDER, GeneratedPage
from .render.errorpages import add_notice
from .render.search import SearchIndex
from .render.stencil import STENCIL_VARIABLE, Stencil, Themed, marker_page, stencil_pages
from .sitesize import size_report
from .writer import OLD_SITE, LinkRule, SetAside, SiteWriter


@dataclass(frozen=True, slots=True)
class SiteFile:
    """A file the podcast adds to the site: a page's Markdown, bytes, or a file to copy as it is."""

    uri: str
    """Its path in the docs tree (a page's source URI)."""
    content: str | bytes | Path
    in_nav: bool = True
    """For a page: whether it may appear in the site's navigation."""
    link: bool = False
    """For a file to copy: one the build derives (in the audio or cache folder), to be hard-linked instead."""
    page: str = ""
    """For a page published as an earlier build finished it (`finished`): its source URI."""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What the host's own configuration says about the site."""

    name: str
    project_dir: Path
    """The folder of the host's configuration: episode files, audio and the cache are found from it."""
    site_dir: Path
    """Where the host writes the built site (the search index and a quick preview's files go there)."""
    url: str = ""
    description: str = ""
    directory_urls: bool = True
    serve_at: tuple[str, int] | None = None
    """The preview server's address (host, port): checked free before the first build, not after it."""
    docs_dir: Path | None = None
    """The host's folder of pages and files it publishes: a link in it that leads outside stops the build."""
    theme_dir: Path | None = None
    """The theme's overrides (`custom_dir`), published too: checked like `docs_dir`."""


class SiteSession:
    """One configuration's builds, for a host's events; `start` opens one."""

    def __init__(self, request: BuildRequest, *, site_dir: Path, clock: Callable[[], datetime],
                 output: SiteOutput | None = None, quick: QuickPreview | None = None,
                 environ: Mapping[str, str] | None = None) -> None:
        self.request = request
        self.site_dir = site_dir
        self.clock = clock
        self.output = output
        """The last build's output (a build keeps no page bodies in it: their HTML is not held twice)."""
        self.quick = quick
        self.watch = [request.project_dir / request.settings.episodes_dir] if request.preview else []
        """Folders a preview server watches besides the host's own: the episode files."""
        self._bodies: dict[str, GeneratedPage] = {}
        self._index: SearchIndex | None = None
        self._host_print = ""
        self._finished: FinishedPages | None = None
        self._stenciled: list[GeneratedPage] = []
        self._old: SetAside | None = None
        self.workers = Workers(worker_count(environ or {}))
        """Processes that share a build's independent work (`parallel`), started when first given some."""
        self._stencils = (environ or {}).get(STENCIL_VARIABLE, "").strip() != "0"
        """Whether episode pages may be finished from a stencil of the host's theme (`render.stencil`)."""

    @classmethod
    def start(cls, options: Mapping[str, object], site: SiteInfo, *, clock: Callable[[], datetime],
              environ: Mapping[str, str], preview: bool = False, watched: Sequence[Path] = (),
              other_plugins: Sequence[str] = (), progress: Callable[[str], None] = lambda _: None,
              warn: Callable[[str], None] = lambda _: None, previous: SiteSession | None = None,
              ends_process: bool = False) -> SiteSession:
        """A session for the host's options; `previous`, the session of the configuration before (a preview
        server reads its configuration again for each full build), passes on its last output. `ends_process`:
        the host's process ends after this build (`BuildRequest.ends_process`; never in a preview)."""
        release_objects()  # what a build before it in this process held
        leaks = read_folder_links(site.project_dir, (site.docs_dir, site.theme_dir))
        if leaks:
            raise PodcastError("\n".join(str(p) for p in leaks))
        if preview and previous is None and site.serve_at is not None:
            problem = port_problem(*site.serve_at)
            if problem:
                raise PodcastError(problem)
        settings = parse_settings(options, site_name=site.name, site_url=site.url,
                                  site_description=site.description)
        request = prepare(settings, site.project_dir, now=clock(), environ=environ, preview=preview,
                          directory_urls=site.directory_urls, progress=progress, warn=warn)
        request = replace(request, ends_process=ends_process and not preview)
        if previous is not None:
            request = replace(request, unreachable=previous.request.unreachable)
        for message in clashing_plugins(settings, other_plugins):
            warn(message)
        session = cls(request, site_dir=site.site_dir, clock=clock, environ=environ,
                      output=previous.output if previous is not None else None)
        if preview:  # its snapshot is taken now, before anything is read: an edit during the build shows next
            session.quick = QuickPreview([*watched, *session.watch], site.project_dir)
        session.ending()  # what the process has imported and read so far lives to its end
        return session

    def ending(self) -> None:
        """Hold what is alive now from the collector's later passes (`collector`) when the host's process ends
        after this build."""
        if self.request.ends_process:
            hold_objects()

    @property
    def page_assets(self) -> tuple[list[str], list[dict[str, str]]]:
        """(stylesheets, script modules) every page of the site loads, as `page_assets` gives them."""
        return page_assets(self.request.settings)

    def set_aside_old_site(self, *, keep: bool = False) -> None:
        """Move the last build's files out of the site folder before the host empties it (see `SetAside`). `keep`:
        the host keeps them (a dirty build), and so does this."""
        if not keep:
            self._old = SetAside(self.site_dir, self.request.project_dir / self.request.settings.cache_dir / OLD_SITE)
            self._old.start()

    def template_cache(self, env: Environment) -> FileSystemBytecodeCache | None:
        """A place for the host's templates as a build compiled them, kept for the next (compiling the theme's
        templates again was a tenth of a rebuild with nothing changed): in `template_folder`, by Jinja's version and
        the settings and extensions of the host's `env` (what compiling reads besides a template's source, which Jinja
        checks itself). None where another plugin may change `env` (`build` was given no host print)."""
        made = repr((jinja2.__version__, sorted(env.extensions), env.trim_blocks, env.lstrip_blocks, env.autoescape,
                     env.newline_sequence, env.keep_trailing_newline, env.optimized, env.is_async,
                     env.block_start_string, env.variable_start_string, env.comment_start_string,
                     env.line_statement_prefix, env.line_comment_prefix))
        folder = template_folder() if self._host_print and " at 0x" not in made else None  # a function: no print
        name = hashlib.sha256(made.encode()).hexdigest()[:20]
        try:
            if folder is not None:
                (folder / name).mkdir(exist_ok=True)
                return _CompiledTemplates(str(folder / name))
        except OSError:
            pass
        return None

    def build(self, *, home_intro: str | None = None, strict: bool = False, host_print: str = "",
              named: str = "", host_files: Collection[str] = ()) -> list[SiteFile]:
        """Build the podcast part of the site: the pages and files to add. A strict build raises `PodcastError` when
        it may not publish (warnings are left to the host's strict mode, which sees them logged). `host_print`: a
        digest of everything the host's theme reads besides a page, given only when nothing else changes a page;
        with it, pages as an earlier build finished them are published again as they were (`finished`), not
        rendered, and others may be finished from a stencil of the theme. `named`: the host's navigation and
        editor's pages, whose links to a page's source it checks. `host_files`: the site paths of its own files."""
        written_over = self._old.take_back(host_files) if self._old is not None else None  # see `SetAside`
        request = replace(self.request, now=self.clock(), home_intro=home_intro, written_over=written_over)
        self._host_print = host_print
        try:
            output = self.output = build_site(request, previous=self.output, workers=self.workers)
        except BaseException:
            self.workers.close()
            raise
        if strict and (refusal := strict_refusal(output, request.engine.name, count_warnings=False)):
            raise PodcastError(refusal)
        for warn, line in problem_lines(output):
            (request.warn if warn else request.progress)(line)
        request.progress(f"{len(output.episodes)} episodes, {len(output.pages)} generated pages")
        if output.drafts_note:
            request.progress(output.drafts_note)
        self._bodies = output.page_bodies
        if not request.preview:  # a build holds no page's HTML twice; a preview's quick edits need them
            self.output = replace(output, pages=())
        derived = derived_folders(request)
        self._index = SearchIndex(SiteWriter(self.site_dir, link_from=derived), cache=search_cache(request),
                                  workers=self.workers) if request.settings.search else None
        linkable = LinkRule(derived)
        made = [*self._pages(output, host_print, named),
                *(SiteFile(uri, content, link=isinstance(content, Path) and linkable(content))
                  for uri, content in {**output.files, **asset_files()}.items())]
        self.ending()  # the episodes, audio and pages read or made live to the build's end
        return made

    def _pages(self, output: SiteOutput, host_print: str, named: str) -> list[SiteFile]:
        """The generated pages for the host to render, or as earlier builds finished them (linked files), or to be
        finished from a stencil of its theme (`finish_stenciled`) unless `named` (the editor's text) names them."""
        request, layout = self.request, self.request.layout
        self._finished = None if request.preview or not host_print else FinishedPages(
            request.project_dir / request.settings.cache_dir,
            repr((host_print, request.settings, layout, request.cover_uri, self._stencils)))
        if self._finished is None:
            return [SiteFile(p.src_uri, p.markdown, p.in_nav) for p in output.pages]
        made, rendered = [], []
        for page in output.pages:
            url = layout.url(page.src_uri)
            kept = self._finished.find(page, url=url, head=output.heads.get(page.src_uri, ""), index=partial(
                self._index_kept, url=url, order=output.search_order.get(page.src_uri, 0.0)))
            if kept is None:
                rendered.append(len(made))
                made.append(SiteFile(page.src_uri, page.markdown, page.in_nav))
            else:
                self._bodies.pop(page.src_uri, None)
                made.append(SiteFile(layout.output_path(page.src_uri), kept, link=True, page=page.src_uri))
        waiting = [self._bodies[made[n].uri] for n in rendered]
        # See `finish_stenciled`: files to come. Not a page the editor's navigation or Markdown names (MkDocs checks
        # such links to its pages), as '<its folder>/index.md'.
        stenciled = {uri for uri in stencil_pages(waiting) if "/".join(uri.split("/")[-2:]) not in named} \
            if self._stencils else set()
        for n in rendered:
            if (uri := made[n].uri) in stenciled:
                made[n] = SiteFile(layout.output_path(uri), self._finished.pending_file(uri), link=True, page=uri)
        self._stenciled = [page for page in waiting if page.src_uri in stenciled]
        return made

    def written(self, files: Mapping[str, bool]) -> None:
        """The site paths of the files the host writes next (True: linked), kept of the last build's (`SetAside`)."""
        if self._old is not None:
            self._old.keep(files)

    def finish_stenciled(self, themed: Callable[[GeneratedPage, bool, bool], Themed]) -> None:
        """Finish the pages given to the host as files to come (`_pages`), before it copies files: from a stencil
        of its theme when it makes one (`stencil`), else each rendered whole (`themed(page, whole, fields)`)."""
        pages, self._stenciled = self._stenciled, []
        if not pages or self._finished is None:
            return
        markers = [marker_page(pages[0], which) for which in (0, 1)]
        first, second = (themed(page, True, True) for page in markers)
        stencil = Stencil.of(first.whole, first.fields, second.whole, second.fields) if \
            first.content == markers[0].html and second.content == markers[1].html else None
        self.request.progress(f"{len(pages)} pages finished from a stencil of the theme" if stencil else
                              f"{len(pages)} pages rendered whole: no stencil of the theme holds for them (it shows "
                              "more of a page than its fields)")
        for page in pages:
            done = themed(page, stencil is None, stencil is not None)
            if page.searchable:
                self._index_page(done.content, src_uri=page.src_uri, url=done.url, title=done.title)
            self._bodies.pop(page.src_uri, None)
            html = done.whole if stencil is None else stencil.fill(done.fields)
            self._finished.made(page.src_uri, finish_page(html, self._last, self.request, src_uri=page.src_uri,
                                page_url=done.url), old=self.site_dir / self.request.layout.output_path(page.src_uri))
            if self._index is not None:
                self._index.take_cut()

    def _index_kept(self, key: str, *, url: str, order: float) -> bool:
        """Index a kept page by its key in the search cache; False when the cache no longer holds it."""
        return self._index is not None and self._index.add_kept(url=url, key=key, order=order)

    def page_content(self, html: str, *, src_uri: str, url: str, title: str,
                     search_excluded: bool = False) -> tuple[str, list[dict] | None]:
        """(a page's HTML once the host rendered its Markdown, with the podcast's HTML in it; the table of
        contents of a generated page, as Python-Markdown's toc extension gives it, or None)."""
        generated = self._bodies.pop(src_uri, None)
        toc = None
        if generated is not None:
            html = html.replace(BODY_PLACEHOLDER, generated.html, 1)
            toc = generated.toc_tokens() if generated.toc else None
        if src_uri == self.request.layout.home and self.output is not None:
            html = add_notice(html, self.output.notice)  # the preview's list of broken episode files
        if not search_excluded:
            self._index_page(html, src_uri=src_uri, url=url, title=title)
        return html, toc

    def _index_page(self, html: str, *, src_uri: str, url: str, title: str) -> None:
        """A page's HTML into the search index (`title` as the host has it: escaped), under the key its kept
        file is found by next time."""
        if self._index is not None:
            order = self.output.search_order.get(src_uri, 0.0) if self.output is not None else 0.0
            key = self._index.add_page(url=url, title=html_text.unescape(title), html=html, order=order)
            if self._finished is not None:
                self._finished.indexed(src_uri, key)

    def finish_page(self, html: str, *, src_uri: str, url: str) -> str:
        """A finished page with the podcast's <head> tags and the site's search box."""
        html = finish_page(html, self._last, self.request, src_uri=src_uri, page_url=url)
        if self._finished is not None:
            self._finished.finish(src_uri, html, self.site_dir / self.request.layout.output_path(src_uri))
        if self._index is not None:
            self._index.take_cut()
        return html

    def finish_not_found(self, html: str) -> str:
        """The theme's 404 page in the site's language, with a search box and the latest episodes."""
        return finish_not_found(html, self._last, self.request)

    def finish_build(self) -> None:
        """Write the search index of the pages seen, and say how big the site is."""
        if self._finished is not None:
            self._finished.save()
            self._finished = None
        if self._index is not None:
            written = self._index.write()
            self.request.progress(f"search: {len(self._index.pages)} pages indexed ({written} files)")
            self._index = None  # a quick preview leaves the index of the last full build
        self.workers.close()
        if self._old is not None:
            self._old.wait()
            self._old = None
        level, message = size_report(self.site_dir)
        (self.request.warn if level == "warning" else self.request.progress)(message)
        self.ending()  # the host's process ends next: the interpreter's last passes need not walk the build

    def serve(self, app: WSGIApp) -> WSGIApp:
        """The preview server's application, answering byte ranges (browsers seek audio with them). The server
        keeps the process: what a build before it held is given back (`serve --clean` builds first as a build)."""
        release_objects()
        return byte_ranges(app)

    def preview_edits(self, redo_pages: Callable[[Mapping[str, str]], None]) -> bool:
        """Preview page-only edits without a full build: their files are written into the site, and
        `redo_pages` (source URI -> new Markdown) has the host render those pages again; False when the
        host must build it all."""
        if self.quick is None or self.output is None:
            return False
        return bool(self.quick.run(self.output, self.request, partial(self._redo, redo_pages=redo_pages)))

    def _redo(self, new: SiteOutput, old: SiteOutput, pages: list[str], *,
              redo_pages: Callable[[Mapping[str, str]], None]) -> None:
        write_changed(old, new, self.site_dir, link_from=derived_folders(self.request))
        self.output, self._bodies = new, new.page_bodies
        markdown = {p.src_uri: p.markdown for p in new.pages}
        redo_pages({uri: markdown[uri] for uri in pages})

    @property
    def _last(self) -> SiteOutput:
        if self.output is None:
            raise PodcastError("the site has not been built in this session yet")
        return self.output


class _CompiledTemplates(FileSystemBytecodeCache):
    """A template that cannot be kept compiled (its folder removed meanwhile, a full disk) is compiled again by the
    next build, and this one goes on."""

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


TEMPLATE_FOLDER = "podcast-templates-"
"""Named, in the system's temporary folder, with the user's id (`template_folder`)."""


def template_folder() -> Path | None:
    """This user's folder of compiled templates, in the system's temporary folder: never in the project's cache,
    which a workflow restores from elsewhere and whose values are read back as data only (a compiled template is
    code). Made private to the user and used only while it is the user's and no one else may open it, as Jinja's
    own; None where there is no such folder."""
    uid = os.getuid() if hasattr(os, "getuid") else None
    folder = Path(tempfile.gettempdir()) / f"{TEMPLATE_FOLDER}{uid}"
    try:
        if uid is None:
            return None
        folder.mkdir(mode=0o700, exist_ok=True)
        found = folder.lstat()
    except OSError:
        return None
    return folder if stat.S_ISDIR(found.st_mode) and found.st_uid == uid and not found.st_mode & 0o077 else None
