"""The user docs keep up with the code: every field and option is documented."""

from __future__ import annotations

import re
from pathlib import Path

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


GUIDES = [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]


def headings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each Markdown heading of a file, outside code blocks."""
    found, fenced = [], False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        fenced ^= line.startswith("```")
        if not fenced and re.match(r"#{1,6} ", line):
            found.append((number, line.lstrip("#").strip()))
    return found


def anchor(heading: str) -> str:
    """The id MkDocs (Python-Markdown's toc) gives a heading."""
    return re.sub(r"[-\s]+", "-", re.sub(r"[^\w\s-]", "", heading).strip().lower())


def cross_reference_problems(path: Path) -> list[str]:
    """Links to a section that does not exist, and 'see *X* below' that points at a section above (or the
    other way round)."""
    problems, own = [], headings(path)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for target, fragment in re.findall(r"\]\(([^)#\s]*)#([^)\s]+)\)", line):
            other = (path.parent / target).resolve() if target else path
            if fragment not in {anchor(text) for _, text in headings(other)}:
                problems.append(f"{path.name}:{number}: no section '#{fragment}' in {other.name}")
        for name, where in re.findall(r"\*([^*]+)\*,? (below|above)", line):
            at = [n for n, text in own if text == name or text.startswith(f"{name} ")]
            if at and (at[0] > number) != (where == "below"):
                problems.append(f"{path.name}:{number}: *{name}* is {'above' if at[0] < number else 'below'}, "
                                f"not {where}")
    return problems


def test_the_guides_cross_references_lead_where_they_say():
    assert [p for path in GUIDES for p in cross_reference_problems(path)] == []


def test_the_cross_reference_check_can_fail(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# Page\n\n## Scheduling\n\nText.\n\nSee *Scheduling* below, and [this](#nowhere).\n",
                    encoding="utf-8")
    assert cross_reference_problems(page) == ["page.md:7: no section '#nowhere' in page.md",
                                              "page.md:7: *Scheduling* is above, not below"]
