"""The build reports the site's size and warns before GitHub Pages' limits are reached."""

from __future__ import annotations

import pytest

from site_plugins.podcast.sitesize import size_report

pytestmark = pytest.mark.unit


def test_small_site_is_reported_as_information(tmp_path):
    (tmp_path / "a.mp3").write_bytes(b"x" * 1000)
    assert size_report(tmp_path, limit=10_000) == ("info", "site size: 0.0 MB of GitHub Pages' 0 GB (10%)")


def test_nearing_the_limit_warns_with_the_way_out(tmp_path):
    (tmp_path / "a.mp3").write_bytes(b"x" * 8500)
    level, message = size_report(tmp_path, limit=10_000)
    assert level == "warning" and "(85%)" in message and "media_base_url" in message


def test_a_file_over_100_mb_is_named(tmp_path):
    big = tmp_path / "audio" / "huge.mp3"
    big.parent.mkdir()
    with big.open("wb") as file:
        file.truncate(100_000_001)
    level, message = size_report(tmp_path)
    assert level == "warning" and message.endswith("files over 100 MB, which Pages refuses: audio/huge.mp3")
