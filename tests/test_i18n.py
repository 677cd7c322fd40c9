"""The label tables: every language carries every label, and the player's scripts read only labels they are given."""

from __future__ import annotations

import re
import string

import pytest

from site_plugins.podcast.build import ASSETS
from site_plugins.podcast.render.i18n import LABELS, PLAYER_LABELS, labels_for

pytestmark = pytest.mark.unit

PLAYER_MODULES = sorted(p for p in ASSETS.glob("*.js") if p.name != "search.js")  # search has the search page's


EXTRA_NAMES = {"month": {"month"}}
"""Names a label may fill beyond the English one's: month_label() hands the month's number as well as its name."""


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", sorted(set(LABELS) - {"en"}))
def test_every_language_has_the_same_labels_as_english(language):
    assert set(LABELS[language]) == set(LABELS["en"]), {
        "missing": sorted(set(LABELS["en"]) - set(LABELS[language])),
        "unknown": sorted(set(LABELS[language]) - set(LABELS["en"]))}


@pytest.mark.parametrize("language", sorted(LABELS))
def test_each_label_fills_the_same_names_as_in_english(language):
    for key, text in LABELS[language].items():
        assert text.strip(), (language, key)
        assert placeholders(text) <= placeholders(LABELS["en"][key]) | EXTRA_NAMES.get(key, set()), (language, key)


def test_the_player_labels_exist_in_every_language():
    assert len(set(PLAYER_LABELS)) == len(PLAYER_LABELS)
    for language in LABELS:
        assert set(PLAYER_LABELS) <= set(LABELS[language]), language


def test_the_player_scripts_read_only_the_labels_the_build_hands_them():
    read = {name for module in PLAYER_MODULES for name in re.findall(r"\blabels\.(\w+)", module.read_text("utf-8"))}
    assert read, "the player reads its words from the page"
    assert read <= set(PLAYER_LABELS), sorted(read - set(PLAYER_LABELS))


@pytest.mark.parametrize(("code", "table"), [("zh-TW", "zh-Hant"), ("zh-Hant-HK", "zh-Hant"), ("zh-CN", "zh"),
                                             ("zh", "zh"), ("en-GB", "en"), ("fr", "en")])
def test_a_language_code_picks_its_table(code, table):
    assert labels_for(code) is LABELS[table]
