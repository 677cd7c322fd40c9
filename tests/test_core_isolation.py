"""The core runs with MkDocs blocked: it must outlive mkdocs-material (end of life 2027-05-05)."""

from __future__ import annotations

import subprocess
import sys

from .conftest import REPO

SCRIPT = """
import importlib, pkgutil, sys
from pathlib import Path
sys.modules["mkdocs"] = None  # any `import mkdocs...` now raises ImportError
import site_plugins.podcast as core
for module in pkgutil.iter_modules(core.__path__):
    importlib.import_module("site_plugins.podcast." + module.name)
from site_plugins.podcast.siteconfig import read_site_settings
settings = read_site_settings(Path("mkdocs.yml"))
catalog = core.load_catalog([Path("episodes")], settings, root=Path("."), include_drafts=False)
pages = core.build_pages(catalog.episodes, settings)
assert catalog.episodes and not catalog.errors, catalog.problems
print(len(catalog.episodes), len(pages), sorted(m for m in sys.modules if m.startswith("mkdocs")))
"""


def test_core_imports_and_renders_without_mkdocs():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=REPO, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    episodes, pages, modules = result.stdout.split(" ", 2)
    assert int(episodes) >= 2 and int(pages) > int(episodes)
    assert modules.strip() == "['mkdocs']", "only the blocked placeholder may be present"


def test_blocking_really_blocks():
    """Guard for the test above: with the block in place, importing MkDocs fails."""
    code = 'import sys; sys.modules["mkdocs"] = None\ntry:\n import mkdocs.plugins\nexcept ImportError: print("blocked")'
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "blocked"
