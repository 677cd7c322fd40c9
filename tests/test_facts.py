"""Numbers, quotations and names of a draft are looked for in the article by value and by word."""

from __future__ import annotations

import pytest

from site_plugins.podcast.drafting.facts import draft_flags, support_flag, text_flags
from site_plugins.podcast.drafting.figures import figures

pytestmark = pytest.mark.unit

ARTICLE = ("Moscow spent $45.8 billion on the war last year. Oil revenue fell 22 per cent in 2025, and reserves "
           "stand at 1,020,000,000 dollars. Reuters quoted a minister: \"we will hold out\". Eight turbines by 2028. "
           "The budget was published on December 9, 2025, and spending rose to 21.3 billion in the first half.")


@pytest.mark.parametrize("said", ["458亿美元", "45.8 billion", "45,800,000,000", "22%", "百分之22", "10.2亿",
                                  "2028年", "1020 million", "四百五十八亿美元", "百分之二十二", "十亿二千万",
                                  "二〇二八年", "两百多亿", "200多亿", "约210亿", "12月9日", "十二月九日",
                                  "2025年12月9日", "2025-12-09"])
def test_a_number_of_the_article_is_known_however_it_is_written(said):
    assert text_flags("t", f"他说{said}。", ARTICLE, known_names=set()) == []


@pytest.mark.parametrize("said, shown", [("6万亿卢布", "6万亿"), ("3000亿", "3000亿"), ("23%", "23%"),
                                         ("2024年", "2024"), ("四千五百八十万美元", "四千五百八十万"),
                                         ("百分之二十三", "百分之二十三"), ("一九九八年", "一九九八年"),
                                         ("五百多亿", "五百多亿"), ("约150亿", "约150亿")])
def test_a_number_the_article_lacks_is_flagged_as_written(said, shown):
    [flag] = text_flags("Core Event, turn 2 (晓旭)", f"他说{said}。", ARTICLE, known_names=set())
    assert str(flag) == f"Core Event, turn 2 (晓旭): the number {shown} is not in the article"


@pytest.mark.parametrize("said", ["12月8日", "十二月八日", "December 8"])
def test_a_date_the_article_lacks_is_flagged_unless_it_is_the_day_of_the_draft(said):
    [flag] = text_flags("Intro, turn 1 (卿姐)", f"今天是{said}。", ARTICLE, known_names=set())
    assert flag.what == f"the date {said} is not in the article"
    assert text_flags("t", f"今天是{said}。", ARTICLE, known_names=set(), known_dates=[(12, 8)]) == []


def test_small_numbers_and_words_made_of_numerals_are_not_figures():
    assert figures("两位主持人，第1期，3个问题，一一说明，两三年，万一，千万不要，十分重要，一点点") == {}
    assert text_flags("t", "Reuters说“we will hold out”。卿姐和晓旭在聊。", ARTICLE, known_names={"卿姐"}) == []


def test_invented_quotations_and_names_are_flagged_but_not_sentence_openings():
    flags = [f.what for f in text_flags("t", "The Kremlin said \"we will never stop\". But OPEC agrees.", ARTICLE,
                                        known_names=set())]
    assert flags == ["the quotation “we will never stop” is not in the article",
                     "the name Kremlin is not in the article", "the name OPEC is not in the article"]


def test_a_supporting_sentence_must_be_the_articles_and_a_turn_that_states_a_fact_must_give_one():
    assert support_flag("t", "Oil revenue fell 22 per cent in 2025", ARTICLE) is None
    flag = support_flag("t", "Oil revenue fell 30 per cent", ARTICLE)
    assert flag is not None and "supporting sentence is not in the article" in flag.what
    draft = {"script": [{"section": "Core Event", "turns": [
        {"speaker": "卿姐", "text": "石油收入下降了22%。", "say": "", "support": ""},
        {"speaker": "晓旭", "text": "真让人担心。", "say": "", "support": ""}]}]}
    assert [str(f) for f in draft_flags(draft, ARTICLE, known_names={"卿姐", "晓旭"})] == [
        "Core Event, turn 1 (卿姐): it states a number, date, name or quotation but gives no supporting sentence"]


def test_what_a_turn_says_aloud_is_checked_too_and_each_flag_given_once():
    draft = {"script": [{"section": "Impact", "turns": [
        {"speaker": "卿姐", "text": "花了$45.8 billion，还有6万亿。", "say": "花了四百五十八亿美元，还有六万亿。",
         "support": "Moscow spent $45.8 billion on the war last year."}]}]}
    assert [f.what for f in draft_flags(draft, ARTICLE, known_names=set())] == [
        "the number 6万亿 is not in the article", "the number 六万亿 is not in the article"]


@pytest.mark.parametrize("said, value", [("三千五", 3500), ("一万二", 12_000), ("两百五", 250), ("一百零五", 105),
                                         ("一亿五", 150_000_000), ("一千零二十亿", 102_000_000_000),
                                         ("三亿五千万", 350_000_000), ("一万零五百", 10_500), ("三点五", 3.5)])
def test_chinese_numerals_are_read_as_they_are_spoken(said, value):
    from site_plugins.podcast.drafting.figures import han_value

    assert han_value(said) == value
