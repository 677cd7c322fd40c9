"""The core's layers point one way: load -> audio -> render -> build/output, and the adapter on top.

Rules read from the code's own imports (with `ast`, function-level imports included):
- render never imports audio or load: a page needs the audio's times and a broken file's address,
  which are model types;
- load and audio never import each other: what both need (MP3 frames, recordings, voices) lies below
  them, beside the model;
- load and audio never import render, and nothing below `build` imports it or the hosts;
- nothing in the core imports MkDocs or the MkDocs plugin;
- the MkDocs plugin imports the core's public names alone (`site_plugins.podcast`), never a module behind them;
- cli imports the drafting code only inside a function (its packages are an extra).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import site_plugins.podcast as podcast

from .conftest import REPO

pytestmark = pytest.mark.unit

CORE = REPO / "site_plugins/podcast"
PLUGIN = REPO / "site_plugins/mkdocs_plugin.py"
HOSTS = {"build", "episodefiles", "finished", "staging", "cli", "preview", "devserver", "publishing", "session",
         "auditions", "copies"}
"""Top-level modules that run or host the stages."""


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(source: str, module: str, *, is_package: bool = False) -> list[tuple[str, bool]]:
    """(imported module, whether inside a function) for every import in `source`."""
    package = module if is_package else module.rsplit(".", 1)[0]
    found: list[tuple[str, bool]] = []

    def visit(node: ast.AST, lazy: bool) -> None:
        for child in ast.iter_child_nodes(node):
            inner = lazy or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef))
            if isinstance(child, ast.Import):
                found.extend((alias.name, inner) for alias in child.names)
            elif isinstance(child, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - (child.level - 1)] if child.level else []
                name = ".".join([*base, child.module] if child.module else base)
                found.append((name, inner))
                found.extend((f"{name}.{alias.name}", inner) for alias in child.names)
            visit(child, inner)

    visit(ast.parse(source), False)
    return found


def stage(name: str) -> str:
    """load, audio, render, drafting, a host module's name, or 'base' (model, errors, markup, writer)."""
    parts = name.split(".")
    if parts[:2] != ["site_plugins", "podcast"] or len(parts) < 3:
        return "outside"
    if parts[2] in ("load", "audio", "render", "drafting"):
        return parts[2]
    return parts[2] if parts[2] in HOSTS else "base"


FORBIDDEN = {
    "base": {"load", "audio", "render", "drafting", *HOSTS},
    "load": {"audio", "render", "drafting", *HOSTS},
    "audio": {"load", "render", "drafting", *HOSTS},
    "render": {"load", "audio", "drafting", *HOSTS},
    "drafting": {"render", "audio", *HOSTS - {"cli"}},
}


def violations(path: Path, source: str | None = None) -> list[str]:
    module = module_name(path)
    if path == PLUGIN:
        return plugin_violations(source if source is not None else path.read_text(encoding="utf-8"))
    found = []
    for target, lazy in imports_of(source if source is not None else path.read_text(encoding="utf-8"), module,
                                   is_package=path.name == "__init__.py"):
        if target.split(".")[0] == "mkdocs" or target.startswith("site_plugins.mkdocs_plugin"):
            found.append(f"{module} imports {target}: the core never imports MkDocs or its plugin")
        elif stage(target) in FORBIDDEN.get(stage(module), ()) and not module.endswith("__init__"):
            found.append(f"{module} imports {target}")
        elif stage(module) == "cli" and stage(target) == "drafting" and not lazy:
            found.append(f"{module} imports {target} at start-up: drafting packages are an extra")
    return found


def plugin_violations(source: str) -> list[str]:
    """Imports of the MkDocs plugin that reach past the core's public names (the package's `__all__`)."""
    public = {"site_plugins.podcast", *(f"site_plugins.podcast.{name}" for name in podcast.__all__)}
    return [f"the plugin imports {target}: import the core's public names from site_plugins.podcast"
            for target, _ in imports_of(source, "site_plugins.mkdocs_plugin")
            if target.startswith("site_plugins.podcast") and target not in public]


def test_the_layers_point_one_way():
    files = [*sorted(CORE.rglob("*.py")), PLUGIN]
    assert len(files) > 30
    assert [v for path in files for v in violations(path)] == []


@pytest.mark.parametrize("where, source, expected", [
    ("render/feed.py", "from ..audio.builder import AudioBuilder\n", "imports site_plugins.podcast.audio.builder"),
    ("render/errorpages.py", "from ..load.validate import slug_from_title\n", "imports site_plugins.podcast.load"),
    ("load/catalog.py", "from ..render import pages\n", "imports site_plugins.podcast.render"),
    ("load/catalog.py", "from ..audio.id3 import read_finished\n", "imports site_plugins.podcast.audio.id3"),
    ("audio/clips.py", "from ..load import voices\n", "imports site_plugins.podcast.load"),
    ("audio/builder.py", "def f():\n    from ..load.catalog import Catalog\n", "imports site_plugins.podcast.load"),
    ("model.py", "import mkdocs.plugins\n", "never imports MkDocs"),
    ("cli.py", "from .drafting.command import run_draft\n", "at start-up"),
    ("audio/id3.py", "def f():\n    from ..build import build_site\n", "imports site_plugins.podcast.build"),
    (PLUGIN.name, "from .podcast.preview import QuickPreview\n", "imports site_plugins.podcast.preview"),
    (PLUGIN.name, "from .podcast import build as core\n", "imports site_plugins.podcast.build"),
    (PLUGIN.name, "def f():\n    from .podcast.render import search\n", "imports site_plugins.podcast.render"),
    (PLUGIN.name, "import site_plugins.podcast.writer\n", "imports site_plugins.podcast.writer"),
])
def test_the_rule_checker_finds_each_kind_of_violation(where, source, expected):
    path = PLUGIN if where == PLUGIN.name else CORE / where
    assert any(expected in v for v in violations(path, source)), violations(path, source)


def test_the_plugin_may_import_the_cores_public_names():
    assert violations(PLUGIN, "from .podcast import OPTIONS, PodcastError, SiteSession\n") == []


def test_the_packages_public_names_are_all_there():
    """`__all__` lists what the package's lazy `__getattr__` gives, and each name is found where it says."""
    assert podcast.__all__ == sorted(podcast._EXPORTS)
    assert all(getattr(podcast, name) is not None for name in podcast.__all__)


def test_a_lazy_import_in_cli_is_allowed():
    assert violations(CORE / "cli.py", "def f():\n    from .drafting.command import run_draft\n") == []


def error_classes(source: str) -> dict[str, list[str]]:
    """Each class named `...Error` in `source`, with the names of its bases."""
    return {node.name: [ast.unparse(base) for base in node.bases] for node in ast.walk(ast.parse(source))
            if isinstance(node, ast.ClassDef) and node.name.endswith("Error")}


def outside_the_family(source: str, family: set[str]) -> list[str]:
    """Error classes of `source` whose bases are not all in `family` (which grows as they are found)."""
    found = error_classes(source)
    for name, bases in found.items():
        if bases and all(base.rsplit(".", 1)[-1] in family for base in bases):
            family.add(name)
    return sorted(name for name in found if name not in family)


def test_every_error_the_core_raises_is_a_podcast_error():
    """One root: a host catches `PodcastError` and shows one line, whichever stage failed."""
    source = "\n".join(path.read_text(encoding="utf-8") for path in sorted(CORE.rglob("*.py")))
    family = {"PodcastError"}
    size = 0
    while size != len(family):  # a subclass may be read before its base: go round until nothing is added
        size = len(family)
        strays = outside_the_family(source, family)
    assert strays == []
    assert len(family) > 5, family


def test_the_error_rule_can_fail():
    assert outside_the_family("class StoreError(Exception):\n    pass\n", {"PodcastError"}) == ["StoreError"]
    assert outside_the_family("class A(errors.PodcastError): ...\n", {"PodcastError"}) == []


def test_no_module_over_400_lines_and_no_function_over_40():
    long_modules, long_functions = [], []
    for path in sorted(CORE.rglob("*.py")) + [PLUGIN]:
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 400:
            long_modules.append(path.name)
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 40:
                long_functions.append(f"{path.relative_to(REPO)}:{node.lineno} {node.name}")
    assert (long_modules, long_functions) == ([], [])
    assert PLUGIN.read_text(encoding="utf-8").count("\n") <= 150
