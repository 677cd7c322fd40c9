"""Show settings: every wrong option is named with its fix, all at once."""

from __future__ import annotations

import re

import pytest

from site_plugins.podcast import SettingsError, parse_settings
from site_plugins.podcast.load.show import load_cover

from .conftest import square_png

pytestmark = pytest.mark.unit


def test_every_problem_is_reported_at_once():
    with pytest.raises(SettingsError) as raised:
        parse_settings({"category": "News > Gossip", "owner_email": "nobody", "show_type": "daily",
                        "explicit": "no", "links": {"Spotify": "open.spotify.com/x"}, "tts": "say"})
    message = str(raised.value)
    assert "'Gossip' is not a subcategory of News (choices: Business News, Daily News" in message
    assert "owner_email 'nobody' is not an e-mail address" in message
    assert "show_type 'daily' must be one of: episodic, serial" in message
    assert "option 'explicit' must be bool, found 'no'" in message
    assert "links: 'Spotify' must be a full address starting with https://" in message
    assert "tts 'say' is not an engine; use one of: gtts, espeak, edge" in message


def test_unknown_category_lists_apples():
    with pytest.raises(SettingsError, match="category 'Newz' is not one of Apple's: Arts, Business"):
        parse_settings({"category": "Newz"})


def test_show_defaults_come_from_mkdocs():
    settings = parse_settings({"category": "Technology"}, site_name="Pod", site_description="About",
                              site_url="https://x.example.org/pod")
    show = settings.show
    assert (show.title, show.description, show.category) == ("Pod", "About", ("Technology",))
    assert show.feed_url == "https://x.example.org/pod/feed.xml"
    assert parse_settings({"title": "Other"}, site_name="Pod").show.title == "Other"


@pytest.mark.parametrize(("width", "height", "message"), [
    (1400, 1400, None),
    (3000, 3000, None),
    (1399, 1399, "cover 'c.png' is 1399x1399 px; podcast apps want a square between 1400x1400 and 3000x3000 px"),
    (1400, 1500, "cover 'c.png' is 1400x1500 px"),
    (3001, 3001, "is 3001x3001 px"),
])
def test_cover_rules(tmp_path, width, height, message):
    (tmp_path / "c.png").write_bytes(square_png(width, height=height))
    if message is None:
        assert load_cover(tmp_path, "c.png").mime == "image/png"
    else:
        with pytest.raises(SettingsError, match=message.replace("(", r"\(")):
            load_cover(tmp_path, "c.png")


def test_cover_must_be_an_image(tmp_path):
    (tmp_path / "c.gif").write_bytes(b"GIF89a....")
    with pytest.raises(SettingsError, match="neither a JPEG nor a PNG"):
        load_cover(tmp_path, "c.gif")
    with pytest.raises(SettingsError, match="cannot be read"):
        load_cover(tmp_path, "missing.png")


def test_jpeg_size_is_read_from_its_frame_header():
    import struct

    from site_plugins.podcast.load.show import image_size

    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x01\x02\x00\x00\x01\x00\x01\x00\x00"
    sof = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 1500, 1600, 1) + b"\x01\x11\x00"
    assert image_size(b"\xff\xd8" + app0 + sof + b"\xff\xd9") == ("image/jpeg", 1600, 1500)


def test_the_voice_lists_are_gtts_own_read_without_importing_its_http_stack():
    import subprocess
    import sys

    from gtts.accents import accents
    from gtts.lang import tts_langs

    from site_plugins.podcast.voices import _speakable, google_domains

    assert google_domains() == frozenset(accents)
    assert _speakable() == frozenset(code.lower() for code in tts_langs())
    code = ("import sys; from site_plugins.podcast.voices import voice_problem, tld_problem; "
            "assert not voice_problem('zh-CN') and not tld_problem('co.uk'); "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('gtts', 'requests', 'urllib3')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("code, speakable", [
    ("zh-CN", True), ("zh-TW", True), ("en", True), ("en-GB", True), ("es-419", True),
    ("zh-|CN", False), ("en-", False), ("en-GB-x", False), ("klingon", False),
])
def test_a_gtts_voice_is_a_language_or_a_language_with_a_region(code, speakable):
    from site_plugins.podcast.voices import voice_problem

    assert (voice_problem(code) == "") is speakable, voice_problem(code)


@pytest.mark.parametrize("option, value, expected", [
    ("audio_dir", "../elsewhere", "option 'audio_dir' must be a path inside the project"),
    ("cache_dir", "/tmp/cache", "option 'cache_dir' must be a path inside the project"),
    ("cover", "../../etc/passwd", "option 'cover' must be a path inside the project"),
    ("pause", float("inf"), "option 'pause' must be a number from 0 to 10, found inf"),
    ("pause", 1e6, "option 'pause' must be a number from 0 to 10"),
    ("per_page", 10**9, "option 'per_page' must be at most 1000"),
])
def test_paths_stay_in_the_project_and_numbers_within_reason(option, value, expected):
    """What once wrote files outside the project, opened /etc/passwd as a cover, or crashed the build."""
    with pytest.raises(SettingsError, match=re.escape(expected)):
        parse_settings({option: value})


@pytest.mark.parametrize("options", [{"copyright": "Goose Pod \ud800"}, {"hosts": {"卿姐\udfff": {"voice": "zh-CN"}}}])
def test_a_lone_surrogate_in_a_setting_is_named_not_a_crash_of_the_build(options):
    """Once a UnicodeEncodeError wherever the text was written (the feed, a page)."""
    with pytest.raises(SettingsError, match=r"holds the character U\+D[89A-F][0-9A-F]{2}, which no page or feed"):
        parse_settings(options)
