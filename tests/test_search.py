"""The search index: how text is cut into terms, which text is indexed, and the files written."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from site_plugins.podcast.render.search import SearchIndex, count_terms, fnv1a, normalize, page_sections, terms_of
from site_plugins.podcast.writer import SiteWriter

pytestmark = pytest.mark.browser


def test_chinese_is_cut_into_characters_and_pairs_and_latin_into_words():
    assert terms_of(normalize("俄罗斯 Turbines，ＡＢＣ 2025年")) == [
        "俄", "罗", "斯", "俄罗", "罗斯", "turbines", "abc", "2025", "年"]


def test_fnv1a_matches_the_published_test_vectors():
    # The browser computes the same hash (assets/search.js) to find a term's shard.
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C
    assert fnv1a("foobar") == 0xBF9CF968


def test_sections_follow_headings_and_skip_excluded_elements():
    html = ('<p>Top text</p><h2 id="core">Core Event</h2><p class="gp-speaker" data-search-exclude>卿姐</p>'
            '<p>预算<b>赤字</b></p><script>var x = 1;</script><h3>No id</h3><p>more</p>'
            '<section data-search-exclude><h2 id="related">Related</h2><p>other</p></section>tail')
    assert page_sections(html, "Title") == [("", "Title", "Top text"),
                                            ("core", "Core Event", "预算赤字 No id more tail")]


def test_written_index_finds_pages_newest_first(tmp_path):
    index = SearchIndex(SiteWriter(tmp_path))
    index.add_page(url="old/", title="Old", html="<p>能源 energy energy</p>", order=1.0)
    index.add_page(url="new/", title="New", html="<p>能源</p>", order=2.0)
    index.add_page(url="about/", title="About", html="<p>nothing here</p>")
    assert index.write() == 1 + 3 + 1  # one shard, three page files, meta.json
    meta = json.loads((tmp_path / "search-index/meta.json").read_text(encoding="utf-8"))
    pages = [json.loads((tmp_path / f"search-index/p/{n}.json").read_text(encoding="utf-8"))["url"]
             for n in meta["files"]]
    assert pages == ["new/", "old/", "about/"]

    def posting(term):
        shard = json.loads((tmp_path / f"search-index/t/{fnv1a(term) % meta['shards']}.json").read_text("utf-8"))
        return shard.get(term)

    assert posting("能源") == "0,1"  # pages 0 and 1, once each
    assert posting("energy") == "1:2"  # page 1, twice
    assert posting("old") == "1:5"  # title words weigh more
    assert posting("missing") is None


def _decoded(posting: str) -> list[tuple[int, int]]:
    """(rank, count) of each page of an encoded posting: base-36 gaps, ':count' when more than once."""
    found, rank = [], 0
    for part in posting.split(","):
        gap, _, count = part.partition(":")
        rank += int(gap, 36)
        found.append((rank, int(count, 36) if count else 1))
    return found


def test_the_postings_of_many_pages_posted_in_batches_are_each_pages_counts(tmp_path):
    """More pages than one batch (`_BATCH`): a term's postings gather from several batches, and the title weighs."""
    import random

    from site_plugins.podcast.render.search import _BATCH, TITLE_WEIGHT

    rng = random.Random(3)
    words = ["能源", "预算", "alpha", "beta", "gamma", "黄金"]
    texts = [" ".join(rng.choice(words) for _ in range(rng.randint(0, 12))) for _ in range(2 * _BATCH + 7)]
    index = SearchIndex(SiteWriter(tmp_path))
    for number, text in enumerate(texts):
        index.add_page(url=f"p{number}/", title="alpha" if number % 5 == 0 else "t", html=f"<p>{text}</p>",
                       order=float(number))
    index.write()
    meta = json.loads((tmp_path / "search-index/meta.json").read_text(encoding="utf-8"))
    for term in ("能源", "预算", "预", "alpha", "beta"):
        shard = json.loads((tmp_path / f"search-index/t/{fnv1a(term) % meta['shards']}.json").read_text("utf-8"))
        expected = []
        for rank, number in enumerate(reversed(range(len(texts)))):  # the highest order ranks first
            count = Counter(terms_of(normalize(texts[number])))[term]
            count += TITLE_WEIGHT if term == "alpha" and number % 5 == 0 else 0
            if count:
                expected.append((rank, count))
        assert _decoded(shard[term]) == expected


def test_counting_with_numpy_gives_the_counts_of_the_terms():
    text = normalize("俄罗斯对俄罗斯，turbines and Turbines；ＡＢＣ 2025年\n能源 中 日本語のテスト 中 x中y")
    assert count_terms(text) == Counter(terms_of(text))
    assert count_terms(normalize("only words, 2025")) == Counter(terms_of("only words, 2025"))
    assert count_terms("") == {}


def test_counting_a_long_random_text_gives_the_counts_of_the_terms():
    import random

    rng = random.Random(7)
    alphabet = [*"能源制裁预算黄金石油", *"ひらがなカタカナ", *"abc 12", "，", "\n", " ", "丽", "\u3400", "\u9fff"]
    text = normalize("".join(rng.choice(alphabet) for _ in range(20_000)))
    assert count_terms(text) == Counter(terms_of(text))


@pytest.mark.unit
@pytest.mark.parametrize("pages", [1, 7, 5000])
def test_postings_are_encoded_alike_for_all_pages_at_once_and_one_by_one(pages):
    """Gaps and counts up to 4095 are looked up; a larger one (a term on page 4200 alone, or 70 000 times on a
    page) takes the one-by-one way, which gives the same text."""
    import random
    from array import array

    import numpy as np

    from site_plugins.podcast.render.search import _encode, _encode_packed

    rng = random.Random(pages)
    order = list(range(pages))
    rng.shuffle(order)
    rank = np.array(order, dtype=np.uint64)  # page number -> rank
    for share, most in ((1.0, 4095), (0.3, 4095), (0.3, 65535), (0.001, 4095)):
        numbers = [n for n in range(pages) if rng.random() < share] or [pages - 1]
        counts = [rng.choice((1, 1, 2, 37, most)) for _ in numbers]
        posting = array("Q", [n << 16 | c for n, c in zip(numbers, counts, strict=True)])
        expected = _encode(sorted((order[n], c) for n, c in zip(numbers, counts, strict=True)))
        assert _encode_packed(posting, rank) == expected
