"""The user docs keep up with the code: every field and option is documented."""

from __future__ import annotations

import pytest

from site_plugins.podcast.load.fields import EPISODE_FIELDS
from site_plugins.podcast.load.settings import OPTIONS

from .conftest import REPO

pytestmark = pytest.mark.unit


def field_rows() -> list[str]:
    """The field table as the authoring guide must show it: made from the table validation reads."""
    return [f"| `{key}` | {'yes' if spec.required else ''} | {spec.doc} |".replace("|  |", "| |")
            for key, spec in EPISODE_FIELDS.items()]


def test_the_authoring_guide_shows_the_field_table_row_by_row():
    guide = (REPO / "docs/guide/authoring.md").read_text(encoding="utf-8")
    shown = [line for line in guide.splitlines() if line.startswith("| `") and line.count("|") == 4]
    expected = field_rows()
    assert shown[:len(expected)] == expected, "paste into docs/guide/authoring.md:\n" + "\n".join(expected)


def test_the_row_check_can_fail(monkeypatch):
    from site_plugins.podcast.load import fields

    monkeypatch.setitem(fields.EPISODE_FIELDS, "title", fields.FieldSpec("text", "Changed.", required=True))
    assert field_rows()[0] == "| `title` | yes | Changed. |"


def test_every_option_is_in_the_configuration_reference():
    reference = (REPO / "docs/guide/configuration.md").read_text(encoding="utf-8")
    assert [o for o in OPTIONS if f"| `{o}` |" not in reference] == []


def test_the_authoring_guide_shows_the_host_fields_row_by_row():
    from site_plugins.podcast.load.fields import HOST_FIELDS

    guide = (REPO / "docs/guide/authoring.md").read_text(encoding="utf-8")
    expected = [f"| `{key}` | {spec.doc} |" for key, spec in HOST_FIELDS.items()]
    shown = [line for line in guide.splitlines() if line.startswith("| `") and line.count("|") == 3]
    assert shown[:len(expected)] == expected, "paste into docs/guide/authoring.md:\n" + "\n".join(expected)
