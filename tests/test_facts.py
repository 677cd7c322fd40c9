"""Numbers, quotations and names of a draft are looked for in the article by value and by word."""

from __future__ import annotations

import pytest

from site_plugins.podcast.drafting.facts import numbers, text_flags

pytestmark = pytest.mark.unit

ARTICLE = ("Moscow spent $45.8 billion on the war last year. Oil revenue fell 22 per cent in 2025, and reserves "
           "stand at 1,020,000,000 dollars. Reuters quoted a minister: \"we will hold out\". Eight turbines by 2028.")


@pytest.mark.parametrize("said", ["458亿美元", "45.8 billion", "45,800,000,000", "22%", "百分之22", "10.2亿",
                                  "2028年", "1020 million"])
def test_a_number_of_the_article_is_known_however_it_is_written(said):
    assert text_flags("t", f"他说{said}。", ARTICLE, known_names=set()) == []


@pytest.mark.parametrize("said, shown", [("6万亿卢布", "6万亿"), ("3000亿", "3000亿"), ("23%", "23%"),
                                         ("2024年", "2024")])
def test_a_number_the_article_lacks_is_flagged_as_written(said, shown):
    [flag] = text_flags("Core Event, turn 2 (晓旭)", f"他说{said}。", ARTICLE, known_names=set())
    assert str(flag) == f"Core Event, turn 2 (晓旭): the number {shown} is not in the article"


def test_small_numbers_and_the_articles_names_are_not_flagged():
    assert numbers("两位主持人，第1期，3个问题") == set()
    assert text_flags("t", "Reuters说“we will hold out”。卿姐和晓旭在聊。", ARTICLE, known_names={"卿姐"}) == []


def test_invented_quotations_and_names_are_flagged_but_not_sentence_openings():
    flags = [f.what for f in text_flags("t", "The Kremlin said \"we will never stop\". But OPEC agrees.", ARTICLE,
                                        known_names=set())]
    assert flags == ["the quotation “we will never stop” is not in the article",
                     "the name Kremlin is not in the article", "the name OPEC is not in the article"]
