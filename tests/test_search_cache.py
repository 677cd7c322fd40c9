"""The search index keeps what it made of each page between builds: an unchanged page is not parsed and
counted again, and a change to any input of that work (the page's address, title or HTML, or the indexer's
own code) can only miss the cache. Each case is compared with an index built without any cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from site_plugins.podcast.render import searchcache
from site_plugins.podcast.render.search import SearchIndex
from site_plugins.podcast.render.searchcache import SearchCache, page_key
from site_plugins.podcast.writer import SiteWriter

pytestmark = pytest.mark.unit

PAGES = [
    ("episodes/a/", "潮汐发电",
     "<h1>潮汐发电</h1><p>两台涡轮机在港口试运行了一年。</p><h2 id='s'>Turbines</h2><p>Tidal turbines.</p>"),
    ("episodes/b/", "图书馆", "<h1>图书馆</h1><p>三家图书馆开放到午夜。</p>"),
    ("about/", "About", "<h1>About</h1><p>Two hosts, one story.</p>"),
]


def index(site: Path, pages, cache: Path | None) -> dict[str, bytes]:
    # As a build makes it: the cache folder is among the folders whose files are linked into the site.
    writer = SiteWriter(site, link_from=(cache,) if cache else ())
    built = SearchIndex(writer, cache=SearchCache(cache) if cache else None)
    for order, (url, title, html) in enumerate(pages):
        built.add_page(url=url, title=title, html=html, order=float(order))
    built.write()
    return {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}


def test_an_index_from_the_cache_is_the_index_made_without_it(tmp_path):
    plain = index(tmp_path / "plain", PAGES, None)
    first = index(tmp_path / "first", PAGES, tmp_path / "cache")
    again = index(tmp_path / "again", PAGES, tmp_path / "cache")
    assert first == plain and again == plain
    # The second build took every page's text from the cache: the site's file is the cache's, linked.
    cached = SearchCache(tmp_path / "cache")
    for number, (url, title, html) in enumerate(PAGES):  # named by rank: the largest order first
        rank = len(PAGES) - 1 - number
        assert (tmp_path / f"again/search-index/p/{rank}.json").samefile(cached.page_file(page_key(url, title, html)))


def test_the_index_is_the_same_files_whatever_order_pages_come_in_or_whether_kept(tmp_path):
    """A build that takes some pages whole from an earlier build adds them by their cache key, at its end."""
    plain = index(tmp_path / "plain", PAGES, None)
    writer = SiteWriter(tmp_path / "mixed", link_from=(tmp_path / "cache",))
    first = SearchIndex(writer, cache=SearchCache(tmp_path / "cache"))
    keys = [first.add_page(url=url, title=title, html=html, order=float(n)) for n, (url, title, html)
            in enumerate(PAGES)]
    first.write()
    mixed = SearchIndex(SiteWriter(tmp_path / "mixed", link_from=(tmp_path / "cache",)),
                        cache=SearchCache(tmp_path / "cache"))
    url, title, html = PAGES[2]
    mixed.add_page(url=url, title=title, html=html, order=2.0)
    assert mixed.add_kept(url=PAGES[1][0], key=keys[1], order=1.0)
    assert mixed.add_kept(url=PAGES[0][0], key=keys[0], order=0.0)
    assert not mixed.add_kept(url="gone/", key="0" * 40)
    mixed.write()
    site = tmp_path / "mixed"
    assert {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*"))
            if path.is_file()} == plain


@pytest.mark.parametrize("change", ["url", "title", "html"])
def test_a_changed_input_changes_the_index_as_a_build_without_cache_does(tmp_path, change):
    index(tmp_path / "first", PAGES, tmp_path / "cache")
    url, title, html = PAGES[0]
    edited = {"url": ("episodes/a2/", title, html), "title": (url, "潮汐能", html),
              "html": (url, title, html.replace("涡轮机", "风车"))}[change]
    pages = [edited, *PAGES[1:]]
    from_cache = index(tmp_path / "cached", pages, tmp_path / "cache")
    assert from_cache == index(tmp_path / "plain", pages, None)
    assert from_cache != index(tmp_path / "before", PAGES, None)


def test_another_version_of_the_indexer_misses_every_entry(tmp_path, monkeypatch):
    url, title, html = PAGES[0]
    before = page_key(url, title, html)
    monkeypatch.setattr(searchcache, "CODE", b"another indexer")
    assert page_key(url, title, html) != before


def test_an_unreadable_cache_is_an_empty_one_and_the_cache_keeps_only_the_last_builds_pages(tmp_path):
    index(tmp_path / "first", PAGES, tmp_path / "cache")
    (tmp_path / "cache/terms.marshal").write_bytes(b"\x00not marshal at all")
    assert index(tmp_path / "again", PAGES, tmp_path / "cache") == index(tmp_path / "plain", PAGES, None)
    index(tmp_path / "fewer", PAGES[:1], tmp_path / "cache")
    assert len(list((tmp_path / "cache/pages").iterdir())) == 1
    assert len(SearchCache(tmp_path / "cache").entries) == 1


@pytest.mark.parametrize("counts", ["kept", "unreadable"])
def test_kept_pages_beside_a_changed_one_make_the_index_a_build_without_cache_makes(tmp_path, counts):
    """Kept pages' counts are read only when the index is made anew; counts that cannot be read back are
    counted again from the page's kept text."""
    writer = SiteWriter(tmp_path / "first", link_from=(tmp_path / "cache",))
    first = SearchIndex(writer, cache=SearchCache(tmp_path / "cache"))
    keys = [first.add_page(url=url, title=title, html=html, order=float(n)) for n, (url, title, html)
            in enumerate(PAGES)]
    first.write()
    if counts == "unreadable":
        cache = SearchCache(tmp_path / "cache")
        packed = {key: (length, b"\x00not marshal") for key, (length, _) in cache.entries.items()}
        (tmp_path / "cache/terms.marshal").write_bytes(searchcache.marshal.dumps((searchcache._FORMAT, packed)))
    url, title, html = PAGES[2]
    edited = (url, title, html.replace("Two hosts", "Three hosts"))
    mixed = SearchIndex(SiteWriter(tmp_path / "mixed", link_from=(tmp_path / "cache",)),
                        cache=SearchCache(tmp_path / "cache"))
    mixed.add_page(url=edited[0], title=edited[1], html=edited[2], order=2.0)
    assert mixed.add_kept(url=PAGES[1][0], key=keys[1], order=1.0)
    assert mixed.add_kept(url=PAGES[0][0], key=keys[0], order=0.0)
    mixed.write()
    site = tmp_path / "mixed"
    made = {path.relative_to(site).as_posix(): path.read_bytes() for path in sorted(site.rglob("*")) if path.is_file()}
    assert made == index(tmp_path / "plain", [*PAGES[:2], edited], None)
