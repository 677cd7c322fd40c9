"""Every test belongs to a tier, so that `scripts/test --fast` selects what it should."""

from __future__ import annotations

import pytest

from .tiers import TIERS, UNTIERED

pytestmark = pytest.mark.unit


def test_every_test_has_a_tier(request):
    untiered = request.config.stash.get(UNTIERED, [])
    assert not untiered, (f"{len(untiered)} tests have no tier, e.g. {untiered[:3]}: add near the top of the file "
                          f"`pytestmark = pytest.mark.<tier>` with one of: {', '.join(TIERS)} (see tests/tiers.py)")


def test_the_check_names_a_test_without_a_tier(pytester):
    pytester.makepyfile(
        test_marked="import pytest\npytestmark = pytest.mark.unit\ndef test_marked():\n    pass\n",
        test_forgotten="def test_forgotten():\n    pass\n",
        test_check="from tests.tiers import UNTIERED\n"
                   "def test_check(request):\n    untiered = request.config.stash[UNTIERED]\n"
                   "    assert not untiered, 'no tier: ' + ' '.join(untiered)\n")
    result = pytester.runpytest_inprocess("-p", "tests.tiers", "-p", "no:cacheprovider", "-p", "no:xdist")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*no tier: *test_forgotten.py::test_forgotten*"])


def test_a_tests_own_tier_wins_over_its_modules(pytester):
    pytester.makepyfile(test_mixed="import pytest\npytestmark = pytest.mark.unit\n"
                                   "def test_quick():\n    pass\n"
                                   "@pytest.mark.site\ndef test_builds():\n    pass\n")
    unit = pytester.runpytest_inprocess("-p", "tests.tiers", "-p", "no:cacheprovider", "-p", "no:xdist",
                                        "--tier", "unit", "-v")
    unit.assert_outcomes(passed=1, deselected=1)
    unit.stdout.fnmatch_lines(["*test_quick PASSED*"])
    site = pytester.runpytest_inprocess("-p", "tests.tiers", "-p", "no:cacheprovider", "-p", "no:xdist",
                                        "--tier", "site", "-v")
    site.assert_outcomes(passed=1, deselected=1)
    site.stdout.fnmatch_lines(["*test_builds PASSED*"])
