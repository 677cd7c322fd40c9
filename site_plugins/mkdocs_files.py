"""The MkDocs plugin's files: derived files linked into the site, the project's own copied (once), and what lets
pages of an earlier build be published as they were (`podcast.finished`): a print of everything MkDocs and the
theme read besides a generated page, and the sitemap's list of pages with those kept pages in it.
"""

from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

from jinja2 import TemplateNotFound
from mkdocs.commands.build import get_context
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from .podcast import BODY_PLACEHOLDER, GeneratedPage, PodcastError, SiteCopies, SiteFile, Themed, link_or_copy


class _PlacedFile(File):
    """A file the podcast publishes from a file on disk, put into the site by `put`."""

    def copy_file(self, dirty: bool = False) -> None:
        if dirty and not self.is_modified():
            return
        try:
            self.put(self.abs_src_path, self.abs_dest_path)  # as text: 8000 files' paths cost
        except PodcastError as exc:
            raise PluginError(str(exc)) from None

    def put(self, source: str, target: str) -> None:
        raise NotImplementedError


class LinkedFile(_PlacedFile):
    """A file the build derives (an MP3, a thumbnail), put into the site as a hard link, not a copy."""

    def put(self, source: str, target: str) -> None:
        link_or_copy(source, target)


class CopiedFile(_PlacedFile):
    """One of the project's own files (a recording, an image, a script): copied, and not again while the copy an
    earlier build made and its source are both unchanged (`SiteCopies`)."""

    copies: SiteCopies

    def put(self, source: str, target: str) -> None:
        self.copies.put(source, target)


def site_file(config, item: SiteFile, copies: SiteCopies) -> File:
    """The MkDocs file of a file the podcast publishes: its text, a derived file linked, or a file copied."""
    if not isinstance(item.content, Path):
        return File.generated(config, item.uri, content=item.content,
                              inclusion=InclusionLevel.UNDEFINED if item.in_nav else InclusionLevel.NOT_IN_NAV)
    if item.link:
        return LinkedFile.generated(config, item.uri, abs_src_path=str(item.content))
    file = CopiedFile.generated(config, item.uri, abs_src_path=str(item.content))
    file.copies = copies
    return file


_PACKAGES = ("mkdocs", "mkdocs-material", "jinja2", "markdown", "pymdown-extensions", "markupsafe")


def host_print(config, files: Files) -> str:
    """A digest of everything MkDocs and the theme read besides a generated page: the configuration, the
    versions of the packages that render, the theme's own folders in the project, and the editor's pages
    and files (their Markdown makes the navigation's titles). '' when anything else may change a page:
    another plugin or hook, or a setting whose value has no stable text."""
    if list(config.plugins) != ["podcast"]:
        return ""
    parts = []
    for key in sorted(config):
        value = config[key]
        text = "" if key == "plugins" else repr(value) if key != "theme" else repr(
            (value.name, value.dirs, sorted(value.static_templates), sorted(value.items())))
        if " at 0x" in text:
            return ""
        parts.append(f"{key}={text}")
    for name in _PACKAGES:
        try:
            parts.append(f"{name} {metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} -")
    digest = hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass"))
    project = Path(config.config_file_path or ".").resolve().parent
    for folder in (Path(f) for f in config.theme.dirs if Path(f).resolve().is_relative_to(project)):
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):  # the theme's overrides
            digest.update(path.as_posix().encode("utf-8", "surrogatepass") + b"\0" + path.read_bytes())
    for file in files:  # the editor's pages (titles, links) and the names of the other files
        if file.generated_by is None:
            digest.update(file.src_uri.encode("utf-8", "surrogatepass") + b"\0")
            if file.is_documentation_page():
                digest.update(hashlib.sha256(file.content_bytes).digest())
    return digest.hexdigest()


def sitemap_pages(pages: list[File], made: list, config) -> list[File]:
    """The sitemap's pages with the kept ones among them (`made`: what the core gave, in its order), each
    generated page where the core made it, as a build that rendered them all lists them."""
    kept = [item.page for item in made if item.page]
    if not kept:
        return pages
    order = {item.page or item.uri: n for n, item in enumerate(made)}
    files = [Page(None, File.generated(config, uri, content=""), config).file for uri in kept]
    return sorted([*pages, *files], key=lambda f: order.get(f.src_uri, -1 if f.generated_by is None else len(order)))


THEME_FIELDS = '{% import "partials/language.html" as lang with context %}' + "\0".join((
    "{{ page.meta.description }}", "{{ page.canonical_url }}", "{{ page.title | striptags }}", "{{ page.title }}",
    "{{ (page.toc | first).url | url }}", '{% include "partials/toc.html" %}', "{{ page.content }}"))
"""A page's fields (`stencil.FIELDS`, in that order) as mkdocs-material prints them (its partials use the labels
its main template imports)."""


class Themer:
    """Generated pages through MkDocs' own page steps, not written (`SiteSession.finish_stenciled`): its Markdown,
    the podcast's HTML and table of contents put in as `on_page_content` puts them, the theme's context; a page
    rendered whole, its fields, or both. A theme without mkdocs-material's partials gives no fields (no stencil)."""

    def __init__(self, env, config, files: Files, nav) -> None:
        self.env, self.config, self.files, self.nav = env, config, files, nav
        self.fields = env.from_string(THEME_FIELDS)
        self.pages = files.documentation_pages(inclusion=InclusionLevel.is_included)  # what MkDocs gives a page

    def __call__(self, page: GeneratedPage, whole: bool, fields: bool) -> Themed:
        config = self.config
        found = Page(None, File.generated(config, page.src_uri, content=page.markdown,
                                          inclusion=InclusionLevel.NOT_IN_NAV), config)
        config._current_page = found  # as MkDocs renders a page
        try:
            found.read_source(config)
            if whole:
                found.render(config, self.files)
            found.content = found.content.replace(BODY_PLACEHOLDER, page.html, 1) if whole else page.html
            found.toc = get_toc(page.toc_tokens()) if page.toc else found.toc
            found.active = True
            context = get_context(self.nav, self.pages, config, found)
            printed = self._fields(context) if fields else []
            output = self.env.get_template(found.meta.get("template", "main.html")).render(context) if whole else ""
        finally:
            config._current_page, found.active = None, False
        return Themed(output, printed, found.url, found.title or "", found.content)

    def finish(self, session) -> None:
        """The files MkDocs writes next, told to the session (`SiteSession.written`), and the session's stencilled
        pages finished through this (a full disk: one line, no traceback)."""
        inclusion = InclusionLevel.is_in_serve if session.request.preview else InclusionLevel.is_included
        try:
            session.written({f.dest_uri: isinstance(f, LinkedFile) for f in self.files if inclusion(f.inclusion)})
            session.finish_stenciled(self)
        except PodcastError as exc:
            raise PluginError(str(exc)) from None

    def _fields(self, context) -> list[str]:
        try:
            return self.fields.render(context).split("\0")
        except TemplateNotFound:  # another theme: its pages are rendered whole
            return []


def editor_text(config, files: Files) -> str:
    """The navigation and the editor's own pages' Markdown, where a page's source may be named: such a page is
    rendered by MkDocs, whose links to it are checked (`SiteSession.build`)."""
    return "\n".join([repr(config.nav), *(file.content_string for file in files
                                           if file.generated_by is None and file.is_documentation_page())])
