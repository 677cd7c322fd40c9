"""`podcast build`: the core's output as a plain docs tree and config that any MkDocs-compatible
builder turns into the site, with no podcast plugin: plain `mkdocs build`, or Zensical.

The staging folder holds `mkdocs.yml` (the site's own, less the podcast plugin, pointing at the
staged docs), `docs/` (the editor's pages, the generated pages with their HTML inline, audio,
transcripts, feed, cover, search index, stylesheet and scripts) and `overrides/main.html`, which
puts each episode's <head> tags and the feed link into the theme's page.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from html import escape
from pathlib import Path

import yaml

from .build import BuildRequest, SiteOutput, asset_files, derived_folders, page_assets, search_cache
from .build import build_site as run_build
from .collector import release_objects
from .errors import PodcastError
from .load.siteconfig import PLUGIN_NAME, SiteConfig
from .load.tree import read_folder_links
from .render.document import GeneratedPage
from .render.i18n import labels_for
from .render.search import SearchIndex
from .render.searchbox import search_form
from .writer import SiteWriter, write_atomic

OVERRIDE = """{% extends "base.html" %}
{% block extrahead %}{{ super() }}
{%- if page and page.meta and page.meta.podcast_head %}{{ page.meta.podcast_head }}{% endif %}
<link rel="alternate" type="application/rss+xml" title="{{ config.site_name }}" href="{{ '@FEED@' | url }}">
{% endblock %}
{% block content %}
{%- if config.extra.podcast_search_form %}
{{- config.extra.podcast_search_form | replace("__SEARCH__", "@SEARCH@" | url) }}
{%- endif %}{{ super() }}{% endblock %}
"""
"""The theme's page with what the plugin's last steps add: head tags and the feed link (@FEED@ and @SEARCH@
stand for the addresses of the feed and the search page)."""


def stage_site(site: SiteConfig, request: BuildRequest, out: Path) -> SiteOutput:
    """Build the podcast part with the core and write the staging folder `out`; returns the core's output."""
    release_objects()  # what a build before it in this process held (`collector`)
    config = _site_yaml(site.project_dir / "mkdocs.yml")
    docs = out / "docs"
    if out.exists():
        shutil.rmtree(out)
    leaks = read_folder_links(site.project_dir, site.read_folders)
    if leaks:
        raise PodcastError("\n".join(str(p) for p in leaks))
    intro = _copy_docs(site.project_dir / site.docs_dir, docs)
    output = run_build(replace(request, home_intro=intro))
    writer = SiteWriter(docs, link_from=derived_folders(request))
    for path in docs.rglob("*"):
        if path.is_file():
            writer.claim(path.relative_to(docs).as_posix(), f"{site.docs_dir}/")
    for page in output.pages:
        writer.write(page.src_uri, _document(page, output.heads.get(page.src_uri, "")).encode("utf-8"),
                     owner="the podcast's pages")
    for uri, content in {**output.files, **asset_files()}.items():
        writer.write(uri, content, owner="the podcast's files")
    if request.settings.search:
        _index(output, writer, request)
    layout = request.layout
    override = OVERRIDE.replace("@FEED@", layout.feed).replace("@SEARCH@", layout.url(layout.search_page))
    write_atomic(out / "overrides" / "main.html", override.encode("utf-8"), durable=False)
    write_atomic(out / "mkdocs.yml", _staged_config(config, request).encode("utf-8"), durable=False)
    return output


def _site_yaml(path: Path) -> dict:
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.constructor.ConstructorError as exc:
        raise PodcastError(f"{path}: uses a YAML tag ({exc.problem}) that podcast build cannot copy into a plain "
                           "config; write the value out") from None
    except (OSError, yaml.YAMLError) as exc:
        raise PodcastError(f"{path}: not readable: {exc}") from None
    return config


def _copy_docs(source: Path, docs: Path) -> str | None:
    """The editor's pages, except the home page, whose Markdown becomes the generated home page's intro."""
    shutil.copytree(source, docs, ignore=shutil.ignore_patterns("index.md"))
    home = source / "index.md"
    if not home.is_file():
        return None
    text = home.read_text(encoding="utf-8")
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        text = text[end + 4:].lstrip("\n") if end != -1 else text
    return text


def _document(page: GeneratedPage, head: str) -> str:
    """The page as one Markdown file, HTML inline, with its <head> tags in the front matter."""
    document = page.document
    if head:
        document = document.replace("---\n", f"---\npodcast_head: {json.dumps(head, ensure_ascii=False)}\n", 1)
    return document


def _index(output: SiteOutput, writer: SiteWriter, request: BuildRequest) -> None:
    """The search index of the episode pages, from their HTML (no other builder runs our indexer)."""
    layout = request.layout
    index = SearchIndex(writer, cache=search_cache(request))
    for page in (p for p in output.pages if p.searchable):
        index.add_page(url=layout.url(page.src_uri), title=page.title,
                       html=f"<h1>{escape(page.title)}</h1>{page.html}",
                       order=output.search_order.get(page.src_uri, 0.0))
    index.write()


def _staged_config(config: dict, request: BuildRequest) -> str:
    staged = dict(config)
    staged["docs_dir"] = "docs"
    staged.pop("site_dir", None)
    plugins = staged.get("plugins") or []
    staged["plugins"] = [p for p in plugins if p != PLUGIN_NAME and not (isinstance(p, dict) and PLUGIN_NAME in p)]
    css, scripts = page_assets(request.settings)
    staged["extra_css"] = [*(staged.get("extra_css") or []), *css]
    staged["extra_javascript"] = [*(staged.get("extra_javascript") or []), *scripts]
    theme = dict(staged.get("theme") or {"name": "material"})
    theme["custom_dir"] = "overrides"
    staged["theme"] = theme
    if request.settings.search:
        form = search_form(action="__SEARCH__", label=labels_for(request.settings.language)["search"])
        staged["extra"] = {**(staged.get("extra") or {}), "podcast_search_form": form}
    return "# Made by `podcast build`: the site without the podcast plugin. Do not edit; build it again.\n" + \
        yaml.safe_dump(staged, allow_unicode=True, sort_keys=False)
