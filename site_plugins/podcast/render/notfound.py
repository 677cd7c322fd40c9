"""The site's 404 page in the site's language: the theme's page, with a search box and the latest episodes.

A host serves it for any missing address, at any depth, so its links are absolute paths under the
site's own path (what MkDocs gives the theme's error pages too): '/goose-pod/search/'.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from markupsafe import escape

from ..layout import SiteLayout
from ..model import Episode, Settings
from .i18n import labels_for
from .searchbox import add_search_box, search_form

LATEST = 5
THEME_HEADING = "<h1>404 - Not found</h1>"
"""What mkdocs-material's 404.html says, in English whatever the site's language."""


def render_not_found(theme_html: str, episodes: Sequence[Episode], settings: Settings, *,
                     layout: SiteLayout) -> str:
    """The theme's 404 page with its heading replaced by ours: what happened, a search box, the latest episodes."""
    base = urlsplit(settings.show.site_url or "/").path or "/"
    t = labels_for(settings.language)
    latest = sorted(episodes, key=lambda e: (e.published, e.slug), reverse=True)[:LATEST]
    items = "".join(
        f'<li><a href="{escape(base + layout.episode_page_url(e))}" lang="{escape(e.language)}">'
        f'{escape(e.title)}</a> <time datetime="{e.date.isoformat()}">{e.date.isoformat()}</time></li>'
        for e in latest)
    search = base + layout.url(layout.search_page)
    body = (f'<div class="gp gp-not-found"><h1>{escape(t["not_found"])}</h1><p>{escape(t["not_found_text"])}</p>'
            + (f'<form class="gp-not-found__search" action="{escape(search)}" method="get">'
               f'<label for="gp-not-found-q">{escape(t["search"])}</label>'
               f'<input id="gp-not-found-q" class="gp-search__input" type="search" name="q" required>'
               f'<button class="md-button md-button--primary" type="submit">{escape(t["search"])}</button></form>'
               if settings.search else "")
            + (f'<h2>{escape(t["latest"])}</h2><ul class="gp-not-found__latest">{items}</ul>' if items else "")
            + "</div>")
    html = theme_html.replace(THEME_HEADING, body, 1)
    if settings.search:
        html = add_search_box(html, form=search_form(action=search, label=t["search"]))
    return html
