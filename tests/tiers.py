"""The suite's tiers: every test carries one of these markers (a module's `pytestmark` is enough).

A test's tier is its closest tier marker: one on the test itself wins over its module's, so a unit
module may hold a test that needs the sample site's build. `--tier NAME` (repeatable) runs those
tiers alone; `scripts/test --fast` is `--tier unit`, for the edit-test loop; `scripts/test` runs all.
"""

from __future__ import annotations

import pytest

TIERS = {
    "unit": "in-process and fast: models, checks, renderers, one-page builds (scripts/test --fast)",
    "site": "builds real sites or real audio, in-process or through the `podcast` and `mkdocs` commands",
    "browser": "drives Debian's chromium against built pages (installed by scripts/test)",
    "workflow": "replays scripts and workflows against local git remotes, pre-commit and the documented commands",
}
UNTIERED = pytest.StashKey[list[str]]()
"""The collected tests that carry no tier marker."""


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--tier", action="append", choices=sorted(TIERS), default=[],
                     help="run only the tests of this tier (repeatable): " + ", ".join(TIERS))


def tier_of(item: pytest.Item) -> str | None:
    """The test's closest tier marker: its own, else its class's, else its module's."""
    return next((marker.name for marker in item.iter_markers() if marker.name in TIERS), None)


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[UNTIERED] = [item.nodeid for item in items if tier_of(item) is None]
    wanted = config.getoption("tier")
    if wanted:
        left_out = [item for item in items if tier_of(item) not in wanted]
        if left_out:
            config.hook.pytest_deselected(items=left_out)
            items[:] = [item for item in items if tier_of(item) in wanted]
