"""Work shared with helping processes gives the same values, in the same order, as work done alone: the episode
files' checks, the search index's files; a worker that dies leaves its work to the build's own process."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from site_plugins.podcast import load_catalog
from site_plugins.podcast.load.siteconfig import read_site_settings
from site_plugins.podcast.parallel import MAX_WORKERS, SWITCH_INTERVAL, Feed, Spooled, Workers, worker_count
from site_plugins.podcast.render.search import SearchIndex
from site_plugins.podcast.writer import SiteWriter

from .conftest import REPO

pytestmark = pytest.mark.site


def append_line(path: str, line: str) -> None:
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")


def square(number: int) -> tuple[int, int]:
    return number, number * number


def square_or_die(number: int) -> tuple[int, int]:
    if multiprocessing.parent_process() is not None:
        os._exit(3)  # the worker is killed in the middle of its work
    return square(number)


@pytest.mark.unit
def test_the_workers_count_is_the_cores_but_one_unless_set():
    assert worker_count({"PODCAST_WORKERS": "0"}) == 0
    assert worker_count({"PODCAST_WORKERS": "2"}) == 2
    assert worker_count({"PODCAST_WORKERS": "64"}) == MAX_WORKERS
    assert worker_count({}) == max(0, min(len(os.sched_getaffinity(0)) - 1, MAX_WORKERS))


@pytest.mark.parametrize("count", [0, 1, 2])
def test_mapped_work_gives_the_values_in_order_with_any_number_of_workers(count):
    items = [(n,) for n in range(100)]
    with Workers(count) as workers:
        assert list(workers.map(square, items, chunk=4)) == [square(n) for n in range(100)]


def made_where(marker: str, number: int) -> tuple[int, str]:
    """(`number`, who made it); the second chunk's first item, a worker's, waits until the build's own process has
    made an item of a later chunk (for a minute at most)."""
    if multiprocessing.parent_process() is None:
        if number >= 8:  # beyond the first chunk
            Path(marker).touch()
        return number, "here"
    for _ in range(600 if number == 8 else 0):
        if Path(marker).exists():
            break
        multiprocessing.Event().wait(0.1)
    return number, "worker"


def test_the_builds_own_process_works_while_the_workers_do(tmp_path):
    """Every chunk a worker holds is one the build's own process need not wait for: it does the next ones itself."""
    items = [(str(tmp_path / "here-did-more"), n) for n in range(80)]
    with Workers(1) as workers:
        made = list(workers.map(made_where, items, chunk=8))
    assert [number for number, _ in made] == list(range(80))
    places = [where for _, where in made]
    assert places[:8] == ["here"] * 8 and places[8:16] == ["worker"] * 8, "the first chunk here, the next given"
    assert places.count("here") > 8, "the build's own process did more than the first chunk"


def test_the_build_hands_work_over_often_while_there_are_workers_and_as_before_after():
    """The pool's threads get the interpreter every millisecond while the workers run, not every 5 ms: each result
    handed back and each chunk handed out waits that long."""
    before = sys.getswitchinterval()
    with Workers(1) as workers:
        assert list(workers.map(square, [(n,) for n in range(40)], chunk=4)) == [square(n) for n in range(40)]
        assert sys.getswitchinterval() == pytest.approx(min(before, SWITCH_INTERVAL))
    assert sys.getswitchinterval() == before


def test_work_for_each_worker_goes_only_to_workers_already_started(tmp_path):
    """`each` readies the workers of a big build for what comes; a small build's workers are never started for it."""
    marker = tmp_path / "ran"
    with Workers(1) as workers:
        workers.each(append_line, str(marker), "ready")
        assert workers._pool is None and not marker.exists(), "no worker started for it"
        assert list(workers.map(square, [(n,) for n in range(40)], chunk=4)) == [square(n) for n in range(40)]
        workers.each(append_line, str(marker), "ready")
        deadline = time.monotonic() + 60  # not waited for by the build: the test waits for it
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    assert marker.read_text() == "ready\n", "the started worker did it, once"


def test_a_worker_that_cannot_write_its_results_sends_them_through_the_pipe(tmp_path):
    from site_plugins.podcast.parallel import _each

    (tmp_path / "a-file").write_text("not a folder", encoding="utf-8")  # as a full disk, even for root
    assert _each(square, [(2,), (3,)], str(tmp_path / "a-file")) == [square(2), square(3)]
    written = _each(square, [(2,)], str(tmp_path))
    assert isinstance(written, str) and Path(written).parent == tmp_path, "a file, named, when it can"


def test_the_work_of_a_worker_that_dies_is_done_here():
    with Workers(1) as workers:
        future = workers.submit(square_or_die, 99)
        assert workers.result(future, lambda: square(99)) == square(99)
        assert workers.count == 0, "a broken pool is given nothing more"
        assert list(workers.map(square, [(n,) for n in range(40)], chunk=4)) == [square(n) for n in range(40)]


def _project_with_many_episodes(root):
    """40 episode files (the samples under other names and slugs) and two broken ones: more than one chunk."""
    (root / "episodes").mkdir(parents=True)
    (root / "mkdocs.yml").write_text((REPO / "mkdocs.yml").read_text(encoding="utf-8"), encoding="utf-8")
    samples = sorted((REPO / "episodes").glob("*.yaml"))
    shutil.copytree(REPO / "episodes/images", root / "episodes/images")
    shutil.copytree(REPO / "docs/assets", root / "docs/assets")  # the cover
    for number in range(40):
        lines = samples[number % len(samples)].read_text(encoding="utf-8").splitlines(keepends=True)
        own = "".join(line for line in lines if not line.startswith(("slug:", "guid:")))
        (root / f"episodes/{number:03d}.yaml").write_text(f"slug: copy-{number}\n{own}", encoding="utf-8")
    (root / "episodes/broken-1.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    (root / "episodes/broken-2.yaml").write_text("title: No script\ndate: 2025-12-08\n", encoding="utf-8")
    return root


def test_episode_files_checked_by_workers_are_those_checked_alone(tmp_path):
    root = _project_with_many_episodes(tmp_path)
    settings = read_site_settings(root / "mkdocs.yml")
    alone = load_catalog([root / "episodes"], settings, root=root, include_drafts=False)
    with Workers(1) as workers:
        shared = load_catalog([root / "episodes"], settings, root=root, include_drafts=False, workers=workers)
        assert workers._pool is not None, "the workers checked files"
    assert len(alone.episodes) >= 30 and alone.problems
    assert shared.episodes == alone.episodes
    assert shared.problems == alone.problems


def test_a_search_index_cut_by_workers_is_the_one_cut_alone(tmp_path):
    pages = [(f"p{n}/", f"第{n}页", f"<h2 id='a'>能源 {n}</h2><p>{'预算赤字，石油出口。' * (n % 7 + 1)} w{n % 5}</p>")
             for n in range(60)]
    for name, count in (("alone", 0), ("shared", 1)):
        with Workers(count) as workers:
            workers.spool_file_bytes = 2_000  # a few pages a spool file: files go while the pages are cut
            index = SearchIndex(SiteWriter(tmp_path / name), workers=workers)
            for number, (url, title, html) in enumerate(pages):
                index.add_page(url=url, title=title, html=html, order=float(number % 9))
            index.write()
            if count:  # every spool file but the one appended to went once its pages were cut
                assert len(list(workers.scratch().glob("spool-*"))) == 1
            assert (workers._pool is not None) == bool(count), "the workers cut pages"
    assert _files(tmp_path / "shared") == _files(tmp_path / "alone")
    assert len(_files(tmp_path / "alone")) > 60


def wait_for(path: str) -> None:
    """Until `path` exists (at most a minute): a worker kept busy while a test lines work up behind it."""
    deadline = time.monotonic() + 60
    while not os.path.exists(path) and time.monotonic() < deadline:
        time.sleep(0.01)


def square_where(number: int) -> tuple[int, int, int]:
    return number, number * number, os.getpid()


def test_a_feed_gives_the_earliest_items_to_the_workers_and_does_the_latest_here_when_waited_for(tmp_path):
    """Items wait (a few values each) until a worker has room; waited for, the latest ones are done here while
    the workers do the earliest, and every result is placed by its number."""
    gate = tmp_path / "open"
    placed: dict[int, tuple[int, int, int]] = {}

    def place(number: int, result: tuple[int, int, int]) -> None:
        placed[number] = result
        gate.touch()  # the worker starts once the build has done an item itself

    with Workers(1) as workers:
        workers.submit(wait_for, str(gate))  # the worker is busy until then
        feed = Feed(workers, square_where, place, ahead=2)
        for number in range(20):
            feed.add(number, (number,))
        assert not placed, "nothing is done while it waits"
        feed.take(wait=True)
    assert {n: r[:2] for n, r in placed.items()} == {n: (n, n * n) for n in range(20)}
    assert placed[19][2] == os.getpid(), "the latest item was done here"
    assert placed[0][2] != os.getpid() and placed[1][2] != os.getpid(), "the earliest were the worker's"


class CountedWorkers(Workers):
    """Workers that count the work handed to them: each a handover to and from a worker."""

    given = 0

    def submit(self, work, *args):
        self.given += 1
        return super().submit(work, *args)


def test_a_feed_hands_items_over_a_batch_at_a_time_and_places_each_by_its_number(tmp_path):
    placed: dict[int, tuple[int, int, int]] = {}
    with CountedWorkers(1) as workers:
        feed = Feed(workers, square_where, placed.__setitem__, ahead=64, batch=8)
        for number in range(100):
            feed.add(number, (number,))
            feed.take()
        feed.take(wait=True)
    assert {n: r[:2] for n, r in placed.items()} == {n: (n, n * n) for n in range(100)}
    assert any(r[2] != os.getpid() for r in placed.values()), "the worker did some"
    assert workers.given <= 100 // 8 + 8, f"{workers.given} handovers for 100 items"


def test_a_feed_whose_workers_are_gone_at_the_end_does_the_rest_here(tmp_path, monkeypatch):
    """No folder to hand work over in (a full disk): the workers are given up, and a feed waited for does every
    item here, each once, rather than wait for a batch that is never given."""
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    placed: dict[int, tuple[int, int, int]] = {}
    with Workers(1) as workers:
        feed = Feed(workers, square_where, placed.__setitem__, batch=8)
        for number in range(5):
            feed.add(number, (number,))
        feed.take(wait=True)
        assert workers.count == 0
    assert {n: r[:2] for n, r in placed.items()} == {n: (n, n * n) for n in range(5)}


@pytest.mark.unit
def test_bytes_spooled_for_the_workers_are_read_back_as_they_were():
    with Workers(1) as workers:
        places = [workers.spool(bytes([n]) * n) for n in range(50)]
        assert [place.read() for place in places] == [bytes([n]) * n for n in range(50)]
        assert workers.submit(Spooled.read, places[7]).result() == bytes([7]) * 7  # and a worker reads them
    with Workers(0) as workers:
        assert workers.spool(b"page") is None, "no workers: no spool, the work is done here"


@pytest.mark.unit
def test_a_spool_file_goes_once_none_of_its_data_is_waited_for():
    with Workers(1) as workers:
        workers.spool_file_bytes = 100  # two pieces a file
        places = [workers.spool(bytes([n]) * 60) for n in range(6)]
        files = list(dict.fromkeys(place.path for place in places))  # in the order made (spool-9 before spool-10)
        assert len(files) == 3
        for place in places[:2]:
            workers.release(place)
        assert not Path(files[0]).exists(), "all of the first file's data was released"
        assert [place.read() for place in places[2:]] == [bytes([n]) * 60 for n in range(2, 6)]
        for place in places[2:]:
            workers.release(place)
        assert not Path(files[1]).exists() and Path(files[2]).exists(), "the file appended to stays"


SHORT_WRITE = """
import resource, signal, sys
from site_plugins.podcast.parallel import Workers
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # past the limit, a write is cut short instead
resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 100_000))
with Workers(1) as workers:
    places = [workers.spool(bytes([n]) * 4_000) for n in range(1, 4)]  # the third is cut short
    resource.setrlimit(resource.RLIMIT_FSIZE, (100_000, 100_000))  # room again: the fourth could be written
    places.append(workers.spool(bytes([4]) * 4_000))
    print([place.read() == bytes([n]) * 4_000 if place else None for n, place in zip(range(1, 5), places)])
"""


@pytest.mark.unit
def test_a_spool_that_cannot_take_a_whole_page_takes_nothing_more():
    """A full disk cuts a write short: the bytes after it would not be where their places say, so the spool
    takes nothing more and the work is done here."""
    run = subprocess.run([sys.executable, "-c", SHORT_WRITE], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[True, True, None, None]"


@pytest.mark.unit
def test_a_spools_file_is_closed_when_its_workers_are_collected_unclosed():
    def open_on_spool(path: str) -> list[str]:
        found = []
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):  # the listing's own handle is gone by now
                found += [fd] if os.readlink(f"/proc/self/fd/{fd}").startswith(path) else []
        return found

    workers = Workers(1)
    place = workers.spool(b"page")
    assert open_on_spool(place.path) and Path(place.path).is_file()
    del workers
    gc.collect()
    assert open_on_spool(place.path) == [], "the handle was left open"
    assert not Path(place.path).exists(), "the scratch folder was left behind"


def _files(folder):
    return {path.relative_to(folder): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


def test_workers_never_run_the_hosts_main_script_again(tmp_path):
    """A host script without a main guard (as many build scripts are) runs once: a worker needs nothing of it."""
    marker = tmp_path / "runs.txt"
    script = tmp_path / "host.py"
    script.write_text(
        "import os\n"
        f"open({str(marker)!r}, 'a').write('run\\n')\n"
        "from site_plugins.podcast.parallel import Workers\n"
        "from tests.test_parallel import process_of\n"
        "with Workers(1) as workers:\n"
        "    number, pid = workers.submit(process_of, 7).result()\n"
        "print(number, pid != os.getpid())\n", encoding="utf-8")
    result = subprocess.run([sys.executable, str(script)], cwd=REPO, capture_output=True, text=True, timeout=300,
                            env={**os.environ, "PYTHONPATH": str(REPO)}, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["7", "True"], "a worker did the work"
    assert marker.read_text() == "run\n"


def process_of(number: int) -> tuple[int, int]:
    return number, os.getpid()


def test_episode_texts_made_by_workers_are_those_made_alone(tmp_path):
    """Transcripts, chapters and embed pages, over audio whose turns last a second each."""
    from datetime import UTC, datetime

    from site_plugins.podcast.build import prepare
    from site_plugins.podcast.episodefiles import EpisodeFiles, episode_files
    from site_plugins.podcast.model import EpisodeAudio, TurnSpan

    root = _project_with_many_episodes(tmp_path)
    settings = read_site_settings(root / "mkdocs.yml")
    episodes = load_catalog([root / "episodes"], settings, root=root, include_drafts=False).episodes
    request = prepare(settings, root, now=datetime.now(UTC), environ={"PODCAST_TTS": "espeak"})
    audio = {e.slug: EpisodeAudio(path=root / f"audio/{e.slug}.mp3", uri=f"audio/{e.slug}.mp3", size=1, duration=99.0,
                                  turns=tuple(TurnSpan(str(n), 0, 0, float(n), n + 1.0) for n in range(len(e.turns))),
                                  chapters=(("Intro", 0.0, 9.0),), publishable=True) for e in episodes}
    alone = episode_files(request, episodes, audio)
    with Workers(1) as workers:
        few = episode_files(request, episodes[:3], audio, workers=workers)
        assert workers._pool is None, "a few texts are made here, sooner than a worker starts"
        assert few == episode_files(request, episodes[:3], audio)
        shared = episode_files(request, episodes, audio, workers=workers)
        assert workers._pool is not None, "the workers made texts"
        started = EpisodeFiles(request, episodes, audio, workers=workers)
        started.start()  # the build then renders its listings: the worker makes texts meanwhile
        deadline = time.monotonic() + 60
        while not started.made and time.monotonic() < deadline:
            started.more()
        assert started.made, "the worker made texts before the build asked for the files"
        assert started.files() == alone
    assert len(alone) > 3 * len(episodes) >= 90
    assert shared == alone


def test_a_worker_reads_an_episode_from_the_catalogs_memo_with_the_fields_set_since(tmp_path):
    from dataclasses import replace
    from datetime import UTC, datetime

    from site_plugins.podcast.build import prepare
    from site_plugins.podcast.episodefiles import _sent_texts, episode_texts
    from site_plugins.podcast.episodeprints import EpisodePrints
    from site_plugins.podcast.memo import CHECKED_EPISODES, Kept, Memo
    from site_plugins.podcast.model import EpisodeAudio, TurnSpan

    root = _project_with_many_episodes(tmp_path)
    settings = read_site_settings(root / "mkdocs.yml")
    with Memo(root / settings.cache_dir, CHECKED_EPISODES) as checked:
        catalog = load_catalog([root / "episodes"], settings, root=root, include_drafts=False, memo=checked)
    request = prepare(settings, root, now=datetime.now(UTC), environ={"PODCAST_TTS": "espeak"})
    prints = EpisodePrints(sources=catalog.sources)
    retitled = replace(catalog.episodes[5], title="A title set after checking")  # as the publish record sets a GUID
    for episode in (catalog.episodes[3], retitled):
        given = prints.sendable(episode, checked.path)
        assert isinstance(given, Kept), "sent by where the memo keeps it"
        clip = EpisodeAudio(path=root / f"audio/{episode.slug}.mp3", uri=f"audio/{episode.slug}.mp3", size=1,
                            duration=99.0, turns=tuple(TurnSpan(str(n), 0, 0, float(n), n + 1.0)
                                                       for n in range(len(episode.turns))),
                            chapters=(("Intro", 0.0, 9.0),), publishable=True)
        with Workers(1) as workers:
            made = workers.submit(_sent_texts, given, clip, settings, request.layout, "", 0, None).result()
        assert made == episode_texts(episode, clip, settings, request.layout, "", 0, None)
    assert b"A title set after checking" in b"".join(made.values())


def test_episode_pages_rendered_by_workers_are_those_rendered_alone(tmp_path):
    """Pages a worker renders with episodes and audio read from the memos, beside pages rendered here."""
    from dataclasses import replace

    from site_plugins.podcast.episodeprints import EpisodePrints
    from site_plugins.podcast.layout import SiteLayout
    from site_plugins.podcast.memo import CHECKED_EPISODES, KEPT_AUDIO, Memo
    from site_plugins.podcast.model import EpisodeAudio, TurnSpan
    from site_plugins.podcast.render.pages import build_pages
    from site_plugins.podcast.render.sharedpages import SHARED_FROM

    root = _project_with_many_episodes(tmp_path)
    settings = read_site_settings(root / "mkdocs.yml")
    cache = root / settings.cache_dir
    with Memo(cache, CHECKED_EPISODES) as checked:
        catalog = load_catalog([root / "episodes"], settings, root=root, include_drafts=False, memo=checked)
    episodes = catalog.episodes
    audio = {e.slug: EpisodeAudio(path=root / f"audio/{e.slug}.mp3", uri=f"audio/{e.slug}.mp3", size=1, duration=99.0,
                                  turns=tuple(TurnSpan(str(n), 0, 0, float(n), n + 1.0) for n in range(len(e.turns))),
                                  chapters=(("Intro", 0.0, 9.0),), publishable=True) for e in episodes}
    with Memo(cache, KEPT_AUDIO) as kept:
        for slug, clip in audio.items():
            kept.put(f"audio-{slug}", clip)
    prints = EpisodePrints(sources=catalog.sources)
    prints.hear(audio, {slug: f"audio-{slug}" for slug in audio})
    layout = SiteLayout.from_settings(settings)
    alone = build_pages(episodes, settings, layout=layout, audio=audio)
    with Workers(1) as workers, Memo(cache, "pages") as memo:
        shared = build_pages(episodes, settings, layout=layout, audio=audio, memo=memo, prints=prints, workers=workers)
        assert workers._pool is not None, "the workers rendered pages"
        scratch = workers.scratch()
        assert scratch is not None and not list(scratch.iterdir()), "results and the stage's file are removed"
    assert not scratch.exists(), "and the folder when the workers stop"
    assert len(episodes) >= SHARED_FROM
    assert [replace(page, key="") for page in shared] == alone
