"""The user docs keep up with the code: every field and option is documented."""

from __future__ import annotations

from site_plugins.podcast.load.fields import EPISODE_FIELDS
from site_plugins.podcast.load.settings import OPTIONS

from .conftest import REPO


def test_every_episode_field_is_in_the_authoring_guide():
    guide = (REPO / "docs/guide/authoring.md").read_text(encoding="utf-8")
    assert [f for f in EPISODE_FIELDS if f"| `{f}` |" not in guide] == []


def test_every_option_is_in_the_configuration_reference():
    reference = (REPO / "docs/guide/configuration.md").read_text(encoding="utf-8")
    assert [o for o in OPTIONS if f"| `{o}` |" not in reference] == []
