"""The core builds the whole site with MkDocs blocked (audio, pages, feed, transcripts, search): it must
outlive mkdocs-material (end of life 2027-05-05)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.site

SCRIPT = """
import importlib, pkgutil, sys
from pathlib import Path
sys.modules["mkdocs"] = None  # any `import mkdocs...` now raises ImportError
import site_plugins.podcast as core
for module in pkgutil.walk_packages(core.__path__, "site_plugins.podcast."):
    importlib.import_module(module.name)
import os, shutil, tempfile
from datetime import datetime, timezone
from site_plugins.podcast.build import prepare
from site_plugins.podcast.load.siteconfig import read_site_config
from site_plugins.podcast.staging import stage_site
project = Path(tempfile.mkdtemp()) / "pod"
project.mkdir()
for name in ("mkdocs.yml", "docs", "episodes"):
    (shutil.copytree if Path(name).is_dir() else shutil.copy)(name, project / name)
site = read_site_config(project / "mkdocs.yml")
request = prepare(site.settings, project, now=datetime.now(timezone.utc), environ=os.environ)
output = stage_site(site, request, project / "staged")
assert output.episodes and not output.problems and not output.audio_problems, output.problems
docs = project / "staged/docs"
for slug in (e.slug for e in output.episodes):
    mp3s = [p.relative_to(docs).as_posix() for p in docs.glob(f"audio/{slug}-*.mp3")]
    for name in (*mp3s, f"episodes/{slug}/transcript.vtt", f"episodes/{slug}/chapters.json"):
        assert (docs / name).stat().st_size > 0, name
assert b"<enclosure" in (docs / "feed.xml").read_bytes() and (docs / "search-index/meta.json").is_file()
print(len(output.episodes), len(output.pages), sorted(m for m in sys.modules if m.startswith("mkdocs")))
"""


def test_core_builds_the_site_without_mkdocs():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    episodes, pages, modules = result.stdout.split(" ", 2)
    assert int(episodes) >= 2 and int(pages) > int(episodes)
    assert modules.strip() == "['mkdocs']", "only the blocked placeholder may be present"


def test_blocking_really_blocks():
    """Guard for the test above: with the block in place, importing MkDocs fails."""
    code = ('import sys; sys.modules["mkdocs"] = None\n'
            'try:\n import mkdocs.plugins\nexcept ImportError: print("blocked")')
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "blocked"
