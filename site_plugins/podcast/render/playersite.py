"""The player bar's data for every page of the site, as a small script loaded before the player's.

The bar outlives the page it started on (instant navigation keeps it), and a card's play button
starts an episode on a listing page, which has no episode player to read labels from: the labels in
the site's language, the show's title and its cover come from here.
"""

from __future__ import annotations

import json

from ..layout import relative_url
from ..model import Cover, Settings
from .i18n import PLAYER_LABELS, labels_for


def render_player_site(settings: Settings, cover: Cover | None, *, script_uri: str) -> str:
    """The script published at `script_uri`; it sets `window.podcastSite` (cover as an absolute URL)."""
    labels = labels_for(settings.language)
    data = {"show": settings.show.title, "cover": relative_url(cover.uri, script_uri) if cover else "",
            "labels": {key: labels[key] for key in PLAYER_LABELS}}
    # "<" escaped so that no text can end a script element if the data is ever inlined.
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return ("/* Made by the build from the site's settings: what the player bar shows on every page. */\n"
            f"window.podcastSite = {payload};\n"
            "if (window.podcastSite.cover && document.currentScript) {  // relative to this script\n"
            "  window.podcastSite.cover = new URL(window.podcastSite.cover, document.currentScript.src).href;\n"
            "}\n")
