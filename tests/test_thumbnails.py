"""Cover art made small: three JPEG sizes named by the picture, made once and then read from the cache."""

from __future__ import annotations

import pytest

from site_plugins.podcast.thumbnails import SIZES, thumbnail_set

from .conftest import REPO

pytestmark = pytest.mark.unit


def test_a_picture_gets_three_small_jpegs_named_by_its_bytes(tmp_path):
    from PIL import Image

    data = (REPO / "episodes/images/tidal-power-pilot.png").read_bytes()
    made = thumbnail_set(data, tmp_path)
    assert sorted(made) == list(SIZES)
    for size, (uri, jpeg) in made.items():
        assert uri.startswith("assets/podcast/thumbs/") and uri.endswith(f"-{size}.jpg")
        with Image.open(tmp_path / "thumbs" / uri.rsplit("/", 1)[1]) as picture:
            assert (picture.format, picture.size) == ("JPEG", (size, size))
        assert len(jpeg) < len(data) / 4
    assert len({uri.rsplit("-", 1)[0] for uri, _ in made.values()}) == 1
    other = thumbnail_set((REPO / "docs/assets/cover.png").read_bytes(), tmp_path)
    assert other[96][0] != made[96][0], "another picture, other names"


def test_a_rebuild_reads_the_thumbnails_it_made(tmp_path):
    data = (REPO / "episodes/images/tidal-power-pilot.png").read_bytes()
    first = thumbnail_set(data, tmp_path)
    kept = tmp_path / "thumbs" / first[96][0].rsplit("/", 1)[1]
    kept.write_bytes(b"kept")  # what a second build returns proves where it came from
    assert thumbnail_set(data, tmp_path)[96][1] == b"kept"
