"""Every malformed or hostile file under data/bad gives exactly the messages in its .expected file."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_plugins.podcast import load_catalog
from site_plugins.podcast.cli import main

from .conftest import DATA, REPO, TEST_SETTINGS, UPDATE_GOLDEN

pytestmark = pytest.mark.unit

BAD = DATA / "bad"
CASES = sorted(p for p in BAD.iterdir() if p.suffix != ".expected")


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_bad_episode_messages(case: Path):
    catalog = load_catalog([case], TEST_SETTINGS, root=REPO, include_drafts=True, project_dir=DATA)
    produced = "".join(f"{problem}\n" for problem in catalog.problems)
    expected_path = case.with_name(case.stem + ".expected")
    if UPDATE_GOLDEN:
        expected_path.write_text(produced, encoding="utf-8")
    assert produced == expected_path.read_text(encoding="utf-8")
    assert produced, "a case in the bad corpus must produce at least one message"


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_check_command_prints_them_without_traceback(case: Path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    code = main(["check", "--config", str(DATA / "site.yml"), str(case.relative_to(REPO))])
    out, err = capsys.readouterr()
    expected = case.with_name(case.stem + ".expected").read_text(encoding="utf-8")
    assert out == expected
    assert "Traceback" not in out + err
    has_error = any(": warning: " not in line for line in expected.splitlines())
    assert code == (1 if has_error else 0)
