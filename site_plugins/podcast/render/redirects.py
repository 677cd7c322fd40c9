"""Old addresses keep working: a page an episode was published at, before its slug or the site's
`episode_url` changed, sends a visitor (and a search engine) on to the episode's page as it is now; the
address of an episode that was deleted says so, with the latest episodes.

The publish record says where each episode's page was published (`Published.page`) and where it was
before that (`Published.former`). A record written before addresses could change gives neither: its
episodes were at '<episodes_uri>/<slug>/', which `legacy` places.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from datetime import date

from markupsafe import escape

from ..layout import SiteLayout, relative_url, url_file
from ..model import Episode, EpisodeAddress, Settings
from ..store.record import Published
from .i18n import labels_for


def former_addresses(episodes: Sequence[Episode], record: Mapping[str, Published], *, layout: SiteLayout,
                     legacy: SiteLayout) -> dict[str, tuple[str, ...]]:
    """Slug -> every address (a page URL) the episode's page was published at and is no longer."""
    found = {}
    for episode in episodes:
        entry = record.get(episode.guid)
        if entry is None or episode.draft:
            continue
        last = entry.page or _legacy_url(entry, legacy)
        now = layout.episode_page_url(episode)
        former = tuple(dict.fromkeys(url for url in (last, *entry.former) if url and url != now))
        if former:
            found[episode.slug] = former
    return found


def _legacy_url(entry: Published, legacy: SiteLayout) -> str:
    try:
        return legacy.episode_page_url(EpisodeAddress(entry.slug, date.fromisoformat(entry.date)))
    except ValueError:  # a record edited by hand: no address to keep
        return ""


def redirect_files(episodes: Sequence[Episode], former: Mapping[str, tuple[str, ...]], settings: Settings, *,
                   layout: SiteLayout, taken: Collection[str]) -> dict[str, bytes]:
    """Site path -> a page that sends its visitor on, at each former address; never where `taken` (the
    paths of this build's pages and files) has something: a page that is there now wins."""
    files: dict[str, bytes] = {}
    for episode in episodes:
        for url in former.get(episode.slug, ()):
            path = url_file(url)
            if path not in taken and path not in files:
                files[path] = render_redirect(episode, settings, from_url=url, to_url=layout.episode_page_url(episode))
    return files


def render_redirect(episode: Episode, settings: Settings, *, from_url: str, to_url: str) -> bytes:
    """A page at `from_url` that sends its visitor to `to_url` at once; left out of search engines, which
    are pointed to the new address instead."""
    href = escape(relative_url(to_url, from_url))
    canonical = escape(settings.show.absolute(to_url) or href)
    title = escape(episode.title)
    return (f'<!doctype html>\n<html lang="{escape(episode.language)}">\n<head>\n<meta charset="utf-8">\n'
            f'<title>{title}</title>\n<meta name="robots" content="noindex">\n'
            f'<link rel="canonical" href="{canonical}">\n<meta http-equiv="refresh" content="0; url={href}">\n'
            f'</head>\n<body>\n<p>{escape(labels_for(episode.language)["moved"])} <a href="{href}">{title}</a></p>\n'
            "</body>\n</html>\n").encode()


def removed_files(record: Mapping[str, Published], episodes: Sequence[Episode], settings: Settings, *,
                  layout: SiteLayout, legacy: SiteLayout, gone: Callable[[Published], bool],
                  taken: Collection[str]) -> dict[str, bytes]:
    """Site path -> a 'this episode was removed' page at every address of a published episode that is `gone`
    (its GUID matches no episode and its file is no more), never where `taken` has something."""
    live = {e.guid for e in episodes}
    latest = sorted(episodes, key=lambda e: (e.published, e.slug), reverse=True)[:5]
    files: dict[str, bytes] = {}
    for entry in record.values():
        if entry.guid in live or not gone(entry):
            continue
        for url in dict.fromkeys((entry.page or _legacy_url(entry, legacy), *entry.former)):
            if url and url_file(url) not in taken:
                files.setdefault(url_file(url), render_removed(entry, latest, settings, from_url=url, layout=layout))
    return files


def render_removed(entry: Published, latest: Sequence[Episode], settings: Settings, *, from_url: str,
                   layout: SiteLayout) -> bytes:
    items = "".join(f'<li><a href="{escape(relative_url(layout.episode_page_url(e), from_url))}">{escape(e.title)}</a>'
                    f' <time datetime="{e.date.isoformat()}">{e.date.isoformat()}</time></li>' for e in latest)
    home = escape(relative_url("", from_url))
    return (f'<!doctype html>\n<html lang="{escape(settings.language)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<title>{escape(entry.title)} · {escape(settings.show.title)}</title>\n'
            f'<meta name="robots" content="noindex">\n</head>\n<body>\n<h1>{escape(entry.title)}</h1>\n'
            f'<p>{escape(labels_for(settings.language)["removed"])}</p>\n<ul>{items}</ul>\n'
            f'<p><a href="{home}">{escape(settings.show.title)}</a></p>\n</body>\n</html>\n').encode()
