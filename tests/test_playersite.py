"""The player's site-wide data (site-data.js): labels in the site's language, the show's title, its cover."""

from __future__ import annotations

import json
import subprocess
from dataclasses import replace

import pytest

from site_plugins.podcast import Settings
from site_plugins.podcast.build import SITE_DATA_URI, page_assets
from site_plugins.podcast.model import Cover, Show
from site_plugins.podcast.render.i18n import PLAYER_LABELS
from site_plugins.podcast.render.playersite import render_player_site

from .checkers import require
from .test_javascript import NODE

pytestmark = pytest.mark.unit


def data_of(module: str) -> dict:
    line = next(line for line in module.splitlines() if line.startswith("const data = "))
    return json.loads(line.removeprefix("const data = ").removesuffix(";"))


def imported(module: str, tmp_path) -> dict:
    """What a page gets when it imports the module (kept in `tmp_path`, as a site would keep it)."""
    require(NODE)
    (tmp_path / "site-data.mjs").write_text(module, encoding="utf-8")
    loader = (f'import * as site from {json.dumps((tmp_path / "site-data.mjs").as_uri())};\n'
              "console.log(JSON.stringify(site));\n")
    result = subprocess.run([NODE, "--input-type=module", "-e", loader], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_labels_follow_the_sites_language_and_the_cover_is_relative_to_the_module():
    settings = Settings(language="zh-TW", show=Show(title="鵝播客"))
    data = data_of(render_player_site(settings, Cover(b"", "image/jpeg"), script_uri=SITE_DATA_URI))
    assert data["show"] == "鵝播客"
    assert data["cover"] == "../../cover.jpg"
    assert sorted(data["labels"]) == sorted(PLAYER_LABELS)
    assert data["labels"]["resume"] == "繼續播放 {time}"
    english = data_of(render_player_site(replace(settings, language="en"), None, script_uri=SITE_DATA_URI))
    assert english["cover"] == "" and english["labels"]["play"] == "Play"


def test_the_module_exports_the_data_with_the_cover_made_absolute(tmp_path):
    settings = Settings(language="zh", show=Show(title="鹅播客"))
    site = imported(render_player_site(settings, Cover(b"", "image/png"), script_uri=SITE_DATA_URI), tmp_path)
    assert site["show"] == "鹅播客"
    assert site["labels"]["play"] == "播放" and sorted(site["labels"]) == sorted(PLAYER_LABELS)
    # Relative to the module: two folders up from assets/podcast/, wherever the site is served.
    assert site["cover"] == (tmp_path / "site-data.mjs").parent.parent.parent.joinpath("cover.png").as_uri()
    assert imported(render_player_site(settings, None, script_uri=SITE_DATA_URI), tmp_path)["cover"] == ""


def test_no_text_can_end_the_script():
    module = render_player_site(Settings(show=Show(title="</script><b>")), None, script_uri=SITE_DATA_URI)
    assert "</script" not in module and data_of(module)["show"] == "</script><b>"


def test_the_pages_load_the_player_as_a_module():
    _, scripts = page_assets(Settings(search=False))
    assert {"path": "assets/podcast/player.js", "type": "module"} in scripts  # it imports the bar and the data
