"""The player's site-wide data, as a small ES module (`site-data.js`) the player's modules import.

The bar outlives the page it started on (instant navigation keeps it), and a card's play button
starts an episode on a listing page, which has no episode player to read labels from: the labels in
the site's language, the show's title and its cover come from here. A module file rather than data in
each page: it is written once per build, fetched once per visit, and the same for every page.
"""

from __future__ import annotations

import json

from ..layout import relative_url
from ..model import Cover, Settings
from .i18n import PLAYER_LABELS, labels_for


def render_player_site(settings: Settings, cover: Cover | None, *, script_uri: str) -> str:
    """The module published at `script_uri`: `show`, `cover` (an absolute URL) and `labels`."""
    labels = labels_for(settings.language)
    data = {"show": settings.show.title, "cover": relative_url(cover.uri, script_uri) if cover else "",
            "labels": {key: labels[key] for key in PLAYER_LABELS}}
    # "<" escaped so that no text can end a script element if the data is ever inlined.
    payload = json.dumps(data, ensure_ascii=False, sort_keys=True).replace("<", "\\u003c")
    return ("/* Made by the build from the site's settings: what the player shows on every page. */\n"
            f"const data = {payload};\n"
            "export const show = data.show;\n"
            "export const labels = Object.freeze(data.labels);\n"
            "/* The cover's address is relative to this module. */\n"
            'export const cover = data.cover ? new URL(data.cover, import.meta.url).href : "";\n')
