"""The site's search box: a plain HTML form in the header of every page, which opens the search page
(see render/search.py for the index it searches)."""

from __future__ import annotations

from markupsafe import escape

from ..layout import SiteLayout, relative_url
from ..model import Settings
from .i18n import labels_for

_MAGNIFIER = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true"><path d="M9.5 3A6.5 6.5 '
              '0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79l-.27-.27A6.52 6.52 0 0 1 9.5 16 '
              '6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>')


def search_form(*, action: str, label: str) -> str:
    """A search box that opens the search page with ?q=: plain HTML, so it works before scripts load. On a
    phone only its icon shows (a link to the search page), so the header keeps room for the site's name."""
    return (f'<form class="gp-search-form" role="search" action="{escape(action)}" method="get">'
            f'<input class="gp-search-form__input" type="search" name="q" placeholder="{escape(label)}" '
            f'aria-label="{escape(label)}" autocomplete="off" required>'
            f'<a class="gp-search-form__icon md-header__button md-icon" href="{escape(action)}" '
            f'aria-label="{escape(label)}">{_MAGNIFIER}</a></form>')


def add_search_box(html: str, *, form: str) -> str:
    """A page of mkdocs-material's layout with the search box at the end of its header bar."""
    header_end = html.find("</header>")
    nav_end = html.rfind("</nav>", 0, header_end) if header_end >= 0 else -1
    return html if nav_end < 0 else html[:nav_end] + form + html[nav_end:]


def search_box(html: str, settings: Settings, *, page_url: str, layout: SiteLayout) -> str:
    """A page with the site's search box in its header, when the site has search."""
    if not settings.search:
        return html
    action = relative_url(layout.url(layout.search_page), page_url)
    return add_search_box(html, form=search_form(action=action, label=labels_for(settings.language)["search"]))
