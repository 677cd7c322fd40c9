"""Related podcasts: picks first, then shared tags, category and words; deterministic."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from site_plugins.podcast import Episode, Section, Turn
from site_plugins.podcast.render.related import compute_related, episode_terms, terms_bytes, terms_from

pytestmark = pytest.mark.unit


def ep(slug, *, tags=(), category=None, title="t", summary=None, related=(), day=1) -> Episode:
    return Episode(source_path=f"{slug}.yaml", slug=slug, title=title, summary=summary, category=category,
                   published=datetime(2025, 12, day, tzinfo=UTC), has_time=False,
                   sections=(Section("Intro", (Turn("a", "b"),)),), hosts=(), language="en",
                   tags=tuple(tags), related=tuple(related))


def test_shared_tags_beat_shared_category_and_picks_come_first():
    episodes = [
        ep("a", tags=["energy", "russia"], category="Business", related=["z"], day=1),
        ep("b", tags=["energy", "russia"], day=2),
        ep("c", category="Business", day=3),
        ep("d", tags=["sport"], day=4),
        ep("z", tags=["cooking"], day=5),
    ]
    related = compute_related(episodes, count=5)
    assert related["a"] == ("z", "b", "c", "d"), "d shares nothing: it comes last, as the nearest left in time"
    assert compute_related(episodes, count=3)["a"] == ("z", "b", "c")


def test_chinese_words_without_spaces_relate():
    episodes = [ep("a", title="俄罗斯能源收入锐减"), ep("b", title="能源收入的新变化"), ep("c", title="城市图书馆")]
    assert compute_related(episodes, count=3)["a"] == ("b", "c")
    assert compute_related(episodes, count=1)["a"] == ("b",)


def test_a_catalog_that_shares_nothing_still_has_related_podcasts_nearest_in_time():
    episodes = [ep("a", title="Tides", day=1), ep("b", title="Libraries", day=5), ep("c", title="Chess", day=9)]
    related = compute_related(episodes, count=5)
    assert related == {"a": ("b", "c"), "b": ("a", "c"), "c": ("b", "a")}
    assert compute_related([ep("only")], count=5) == {"only": ()}


def test_deterministic_and_bounded():
    episodes = [ep(f"e{n:02d}", tags=["same"], day=n + 1) for n in range(25)]
    first = compute_related(episodes, count=5)
    assert first == compute_related(list(reversed(episodes)), count=5)
    assert all(len(v) == 5 and k not in v for k, v in first.items())
    assert first["e10"][:2] == ("e09", "e11"), "ties go to the nearest in time, then by slug"


def test_words_fold_case_and_chinese_pairs_stop_at_punctuation():
    episodes = [ep("a", title="能源，收入"), ep("b", title="源收"), ep("c", title="收入"),
                ep("d", title="ﬁsh"), ep("e", title="FISH")]
    related = compute_related(episodes, count=1)  # the one best: what the words found, not the time fallback
    assert related["a"] == ("c",), "能源，收入 has no pair 源收"
    assert related["d"] == ("e",), "ﬁ (one letter) folds to fi"


def test_shared_rare_words_anywhere_in_the_text_rank_first():
    """Words of the analysis and the transcript count, and an episode's own words (which no other episode has)
    do not crowd out the one it shares."""
    own = "zebra yak walrus vole urchin tapir stoat raccoon quail panda ocelot newt marmot lemur"
    a = replace(ep("a", title="Monday", summary=own, day=1),
                analysis=(("Core Event", "The tidal lagoon turbines in Swansea."),))
    b = replace(ep("b", title="Thursday", day=9),
                sections=(Section("Intro", (Turn("x", "We visit the Swansea lagoon and its turbines."),)),))
    unrelated = [ep(name, title=f"Episode {name}", summary="Chess openings and library hours.", day=day)
                 for name, day in (("c", 2), ("d", 3), ("e", 4))]
    related = compute_related([a, b, *unrelated], count=4)
    assert related["a"][0] == "b", related
    assert related["b"][0] == "a", related


def test_chinese_words_of_the_transcript_relate():
    talk = (Section("Intro", (Turn("卿姐", "今天我们聊潮汐发电站和海上风电。"),)),)
    episodes = [replace(ep("a", title="周一", day=1), sections=talk),
                ep("b", title="周二", summary="图书馆开到午夜。", day=2),
                replace(ep("c", title="周三", day=3),
                        sections=(Section("Intro", (Turn("晓旭", "潮汐发电站终于并网了。"),)),))]
    assert compute_related(episodes, count=1)["a"] == ("c",), "b is nearer in time, c shares 潮汐发电站"


def related_titles(page_html: str) -> list[str]:
    from lxml import html as lxml_html

    tree = lxml_html.fragment_fromstring(page_html, create_parent="main")
    return [" ".join(h.text_content().split()) for h in tree.xpath("//section[@class='gp-related']//h3")]


@pytest.mark.site  # the sample site's build
def test_every_episode_page_of_the_sample_site_shows_related_podcasts(sample_site):
    site = sample_site.root / "site"
    pages = sorted(site.glob("episodes/*/index.html"))
    assert len(pages) == len(list((sample_site.root / "episodes").glob("*.yaml")))
    for page in pages:
        titles = related_titles(page.read_text(encoding="utf-8"))
        assert titles, f"{page.parent.name} shows no related podcasts"


def test_three_episodes_sharing_no_tag_still_show_related_podcasts():
    from site_plugins.podcast import Host, build_pages

    from .conftest import TEST_SETTINGS

    episodes = [replace(e, hosts=(Host("a"),)) for e in (
        ep("a", title="Tides", tags=["sea"], day=1), ep("b", title="Libraries", tags=["books"], day=5),
        ep("c", title="Chess", day=9))]
    pages = {p.src_uri: p for p in build_pages(episodes, TEST_SETTINGS)}
    shown = {slug: related_titles(pages[f"episodes/{slug}/index.md"].html) for slug in "abc"}
    assert shown == {"a": ["Libraries", "Chess"], "b": ["Tides", "Chess"], "c": ["Libraries", "Tides"]}


def test_a_rare_word_deep_in_two_transcripts_finds_the_partner():
    """Every word of the transcript counts, not a sample: two episodes far apart in time share one rare word,
    said once in the middle of each long script, among thirty episodes of the same everyday words."""
    import random

    rng = random.Random(3)
    common = ("能源", "市场", "银行", "利率", "物价", "工业", "贸易", "谈判", "出口", "储备")

    def script(rare_at: int | None = None) -> tuple[Section, ...]:
        turns = ["".join(rng.choice(common) for _ in range(30)) + "。" for _ in range(55)]
        if rare_at is not None:
            turns[rare_at] = turns[rare_at][:20] + "潮汐发电站" + turns[rare_at][20:]
        return (Section("Core Event", tuple(Turn("卿姐", text) for text in turns)),)

    episodes = [replace(ep(f"e{day:02d}", title="周报", day=day), sections=script()) for day in range(2, 28)]
    episodes.append(replace(ep("a", title="周报", day=1), sections=script(rare_at=40)))
    episodes.append(replace(ep("z", title="周报", day=28), sections=script(rare_at=31)))
    related = compute_related(episodes, count=1)
    assert related["a"] == ("z",), related["a"]
    assert related["z"] == ("a",), related["z"]


def test_words_kept_as_a_build_keeps_them_relate_as_words_made_anew():
    episodes = [ep("a", title="Tidal lagoon 潮汐发电站", day=1), ep("b", title="Chess 图书馆", day=2),
                ep("c", title="The lagoon opens 潮汐", day=3), ep("d", title="图书馆 chess club", day=4)]
    kept = {e.slug: terms_from(terms_bytes(episode_terms(e))) for e in episodes}
    assert compute_related(episodes, count=1, terms=kept) == compute_related(episodes, count=1) == \
        {"a": ("c",), "b": ("d",), "c": ("a",), "d": ("b",)}
    assert [len(kept[slug]) for slug in "abcd"] == [6, 3, 3, 4], "tidal lagoon 潮汐 汐发 发电 电站; chess 图书 书馆"


def test_each_episodes_rarest_words_are_its_smallest_ranks_however_they_lie():
    """The picking of each episode's TEXT_TERMS rarest words (ranks under a growing limit, the last few episodes one
    by one) against sorting each episode's ranks: episodes of no words, of fewer words than wanted, of only common
    words among many of rare ones, and of words no other episode has."""
    import numpy as np

    from site_plugins.podcast.render.related import TEXT_TERMS, _chosen

    rng = np.random.default_rng(5)
    for unshared, spread in ((50, 50), (5000, 5000), (5000, 40)):
        segments = []
        for n in range(300):
            size = int(rng.integers(0, 30)) if n < 295 else 0  # the newest episodes have no words
            top = unshared + 1 if n % 97 else unshared  # now and then an episode of common words only
            low = unshared - 12 if n % 97 == 0 else 0
            pool = np.arange(low, min(top, low + spread + 12))
            mine = rng.choice(pool, size=min(size, len(pool)), replace=False)
            alone = np.full(int(rng.integers(0, 4)), unshared)  # words no other episode has share one rank
            segments.append(rng.permutation(np.concatenate((mine, alone))).astype(np.int32))
        lengths = np.array([len(s) for s in segments], np.int64)
        shuffled = rng.permutation(int(lengths.sum()))  # words come word by word, not episode by episode
        ranks = np.concatenate(segments)[shuffled]
        owners = np.repeat(np.arange(len(segments), dtype=np.int32), lengths)[shuffled]
        expected = [sorted(r for r in s.tolist() if r < unshared)[:TEXT_TERMS] for s in segments]
        chosen = _chosen(ranks, owners, len(segments), unshared).tolist()
        assert [[r for r in row if r < unshared] for row in chosen] == expected
    few = np.array([3, 1, 2], np.int32)
    assert _chosen(few, np.zeros(3, np.int32), 3, 5).tolist() == \
        [[1, 2, 3] + [5] * (TEXT_TERMS - 3), [5] * TEXT_TERMS, [5] * TEXT_TERMS]


def test_pairs_are_scored_and_ranked_as_one_episode_at_a_time_would():
    """All episodes' partners scored and ranked at once (numpy) against the plain way: for each episode, add each
    looked-up term's weight to the partners in its slice, then sort by (best score, nearest in time, publication
    order). Few distinct weights and times make ties of score and of distance common."""
    import numpy as np

    from site_plugins.podcast.render.related import _best, _Lookups

    rng = np.random.default_rng(11)
    for total in (1, 2, 7, 60):
        members = rng.integers(0, total, 400)
        lookups = int(rng.integers(0, 3 * total + 1))
        owner = np.sort(rng.integers(0, total, lookups))
        begin = rng.integers(0, len(members), lookups)
        end = np.minimum(begin + rng.integers(0, 12, lookups), len(members))
        weight = rng.choice([0.5, 1.0, 2.25, 9.0], lookups)
        times = rng.integers(0, 6, total).astype(float).cumsum()
        wanted = rng.integers(0, 7, total)
        found = _best(*_Lookups(members, owner, begin, end, weight).scored(total), times, wanted)
        for index in range(total):
            scores: dict[int, float] = {}
            for at in np.flatnonzero(owner == index).tolist():
                for other in members[begin[at]:end[at]].tolist():
                    if other != index:
                        scores[other] = scores.get(other, 0.0) + float(weight[at])
            ranked = sorted(scores, key=lambda other: (-scores[other], abs(times[other] - times[index]), other))
            assert found[index] == ranked[:wanted[index]], (total, index)
