"""The suite's tiers: every test carries one of these markers (a module's `pytestmark` is enough).

`scripts/test --fast` runs the unit tier for the edit-test loop; `scripts/test` runs them all.
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


def pytest_configure(config: pytest.Config) -> None:
    for name, meaning in TIERS.items():
        config.addinivalue_line("markers", f"{name}: {meaning}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    config.stash[UNTIERED] = [item.nodeid for item in items
                              if not any(item.get_closest_marker(tier) for tier in TIERS)]
