"""The player bar's site-wide data: labels in the site's language, the show's title, its cover."""

from __future__ import annotations

import json
from dataclasses import replace

from site_plugins.podcast import Settings
from site_plugins.podcast.build import BAR_SCRIPT_URI, PLAYER_SCRIPT_URI, PLAYER_SITE_URI, page_assets
from site_plugins.podcast.model import Cover, Show
from site_plugins.podcast.render.i18n import PLAYER_LABELS
from site_plugins.podcast.render.playersite import render_player_site


def data_of(script: str) -> dict:
    line = next(line for line in script.splitlines() if line.startswith("window.podcastSite = "))
    return json.loads(line.removeprefix("window.podcastSite = ").removesuffix(";"))


def test_the_labels_follow_the_sites_language_and_the_cover_is_relative_to_the_script():
    settings = Settings(language="zh-TW", show=Show(title="鵝播客"))
    data = data_of(render_player_site(settings, Cover(b"", "image/jpeg"), script_uri=PLAYER_SITE_URI))
    assert data["show"] == "鵝播客"
    assert data["cover"] == "../../cover.jpg"
    assert sorted(data["labels"]) == sorted(PLAYER_LABELS)
    assert data["labels"]["resume"] == "繼續播放 {time}"
    english = data_of(render_player_site(replace(settings, language="en"), None, script_uri=PLAYER_SITE_URI))
    assert english["cover"] == "" and english["labels"]["play"] == "Play"


def test_no_text_can_end_the_script():
    script = render_player_site(Settings(show=Show(title="</script><b>")), None, script_uri=PLAYER_SITE_URI)
    assert "</script" not in script and data_of(script)["show"] == "</script><b>"


def test_the_data_and_the_bar_load_before_the_pages_player():
    _, scripts = page_assets(Settings(search=False))
    assert scripts[:3] == [PLAYER_SITE_URI, BAR_SCRIPT_URI, PLAYER_SCRIPT_URI]  # then the subscribe box's copy button
