"""Related podcasts: picks first, then shared tags, category and words; deterministic."""

from __future__ import annotations

from datetime import datetime, timezone

from site_plugins.podcast import Episode, Section, Turn
from site_plugins.podcast.render.related import compute_related


def ep(slug, *, tags=(), category=None, title="t", summary=None, related=(), day=1) -> Episode:
    return Episode(source_path=f"{slug}.yaml", slug=slug, title=title, summary=summary, category=category,
                   published=datetime(2025, 12, day, tzinfo=timezone.utc), has_time=False,
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


def test_the_garbage_collector_is_left_as_it_was():
    import gc

    episodes = [ep(f"e{n}", tags=["x"], day=n + 1) for n in range(3)]
    compute_related(episodes, count=2)
    assert gc.isenabled()
    gc.disable()
    try:
        compute_related(episodes, count=2)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_words_fold_case_and_chinese_pairs_stop_at_punctuation():
    episodes = [ep("a", title="能源，收入"), ep("b", title="源收"), ep("c", title="收入"),
                ep("d", title="ﬁsh"), ep("e", title="FISH")]
    related = compute_related(episodes, count=1)  # the one best: what the words found, not the time fallback
    assert related["a"] == ("c",), "能源，收入 has no pair 源收"
    assert related["d"] == ("e",), "ﬁ (one letter) folds to fi"
