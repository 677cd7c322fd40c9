"""The code stays lint-clean: ruff with the rules in pyproject.toml, as pre-commit runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.unit

RUFF = Path(sys.executable).with_name("ruff")


def test_ruff_finds_nothing():
    result = subprocess.run([str(RUFF), "check", "--no-cache", "--output-format", "concise", "."], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_would_fail_on_an_unused_import(tmp_path):
    (tmp_path / "bad.py").write_text("import os\n", encoding="utf-8")
    result = subprocess.run([str(RUFF), "check", "--no-cache", "--config", str(REPO / "pyproject.toml"), "bad.py"],
                            cwd=tmp_path, capture_output=True, text=True)
    assert result.returncode == 1 and "F401" in result.stdout, result.stdout
