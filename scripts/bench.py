#!/usr/bin/env python3
"""Site benchmark: N reference-size episodes against plain mkdocs-material pages of the same text.

Run: .venv/bin/python scripts/bench.py --episodes 1000 [--repeat 3]
Prints wall time and peak memory of both builds (each in its own process), their ratios, what a
browser downloads for one search query (compressed as GitHub Pages serves it), the time from an
edited turn to the page `mkdocs serve` serves, the time of related podcasts and of the feed, the
builds of a site whose episodes have recorded audio, and each goal with its figure.
The baseline is mkdocs-material with its search plugin; the podcast site has its own search.

With --growth 10000: cold builds of the podcast site at --episodes and at 10 000 episodes, and
how their time and memory grow.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import importlib.util
import multiprocessing
import os
import platform
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from site_plugins.podcast import Episode, Section, Turn, load_catalog  # noqa: E402
from site_plugins.podcast.audio.builder import AudioBuilder  # noqa: E402
from site_plugins.podcast.collector import hold_objects, release_objects  # noqa: E402
from site_plugins.podcast.layout import SiteLayout  # noqa: E402
from site_plugins.podcast.memo import MEMO_FOLDER  # noqa: E402
from site_plugins.podcast.model import EpisodeAudio  # noqa: E402
from site_plugins.podcast.render.feed import render_feed  # noqa: E402
from site_plugins.podcast.render.related import compute_related, episode_terms, terms_bytes, terms_from  # noqa: E402
from site_plugins.podcast.render.searchcache import SEARCH_CACHE  # noqa: E402
from site_plugins.podcast.session import template_folder  # noqa: E402
from site_plugins.podcast.speech import EspeakEngine  # noqa: E402

sys.path.insert(0, str(ROOT / "scripts"))
from pages_server import serving  # noqa: E402

SECTIONS = [("Intro", 3), ("Core Event", 12), ("Background", 13), ("Conflict", 10), ("Impact", 8),
            ("Future", 7), ("Conclusion", 2)]
ASPECTS = ("Core Event", "Background", "Conflict", "Impact", "Future", "Related Info")
WORDS = ("能源", "制裁", "预算", "黄金", "石油", "煤炭", "钻石", "卢布", "通胀", "谈判", "储备", "出口", "市场",
         "银行", "利率", "物价", "工业", "军费", "赤字", "贸易")
CATEGORIES = ("Business", "World", "Science", "Society", "Technology", "Culture")
SEARCH_QUERIES = ("预算", "article")
"""A Chinese word inside sentences and an English word of the source block."""
SPOKEN = ("好的。", "是的。", "没错。", "我明白。", "请继续。", "有意思。")
"""What the voices say: a few short clips keep the pre-made audio small; the page text stays full size."""


def sentence(rng: random.Random, length: int) -> str:
    text = ""
    while len(text) < length:
        text += "".join(rng.choice(WORDS) for _ in range(rng.randint(3, 6))) + rng.choice("，。；")
    return text[:length - 1] + "。"


def episode_yaml(number: int) -> str:
    rng = random.Random(number)
    tags = sorted(set(rng.sample(WORDS, 3)))
    day = datetime(2015, 1, 1) + timedelta(hours=number * 6)  # 10 000 episodes end in 2021: none is scheduled
    lines = [f"title: 第{number}期：{sentence(rng, 14)}", f"date: {day:%Y-%m-%d}",
             f"category: {rng.choice(CATEGORIES)}", f"tags: [{', '.join(tags)}]", f"slug: episode-{number:05d}",
             "listener: 蕭睿", "source:", f"  url: https://news.example.com/{number}",
             "  title: A reference-size article",
             "  publisher: Example News", "  text: |"]
    article = ""
    while len(article.encode()) < 8000:
        article += sentence(rng, 200) + "\n\n"
    lines += ["    " + line if line else "" for line in article.strip().splitlines()]
    lines += ["summary: |", "  " + sentence(rng, 120), "script:"]
    for name, count in SECTIONS:
        lines += [f"  - section: {name}", "    turns:"]
        for index in range(count):
            speaker = "卿姐" if index % 2 == 0 else "晓旭"
            lines += [f"      - speaker: {speaker}", f"        text: {sentence(rng, 110)}",
                      f"        say: {rng.choice(SPOKEN)}"]
    lines.append("analysis:")
    lines += [f"  {aspect}: {sentence(rng, 160)}" for aspect in ASPECTS]
    return "\n".join(lines) + "\n"


def markdown_page(number: int) -> str:
    """The same text as a plain Markdown page, for the baseline."""
    import yaml

    data = yaml.safe_load(episode_yaml(number))
    parts = [f"# {data['title']}", "", data["summary"], ""]
    for section in data["script"]:
        parts += [f"## {section['section']}", ""]
        parts += [f"**{turn['speaker']}**: {turn['text']}\n" for turn in section["turns"]]
    parts += ["## Original", "", data["source"]["text"], "## Analysis", ""]
    parts += [f"### {aspect}\n\n{text}\n" for aspect, text in data["analysis"].items()]
    return "\n".join(parts)


PODCAST_YML = """\
site_name: Bench Pod
site_url: https://bench.example.org/
theme: {name: material, language: zh, font: false}
plugins:
  - podcast:
      tts: espeak
      timezone: Asia/Shanghai
      hosts: {卿姐: {voice: zh-CN}, 晓旭: {voice: zh-TW}}
nav: [index.md]
"""
BASELINE_YML = """\
site_name: Bench Baseline
site_url: https://bench.example.org/
theme: {name: material, language: zh, font: false}
plugins:
  - search: {lang: zh}
nav: [index.md]
"""


def make_sites(root: Path, count: int, *, baseline: bool = True) -> tuple[Path, Path]:
    """The podcast site and the baseline of `count` episodes, in `root` (the baseline's folder left empty when not
    `baseline`)."""
    podcast, plain = root / "podcast", root / "baseline"
    configs = {podcast: PODCAST_YML, **({plain: BASELINE_YML} if baseline else {})}
    for site, config in configs.items():
        (site / "docs").mkdir(parents=True)
        (site / "mkdocs.yml").write_text(config, encoding="utf-8")
        (site / "docs/index.md").write_text("# Bench\n", encoding="utf-8")
    (podcast / "episodes").mkdir()
    for number in range(1, count + 1):
        (podcast / f"episodes/{number:05d}.yaml").write_text(episode_yaml(number), encoding="utf-8")
        if baseline:
            (plain / f"docs/{number:05d}.md").write_text(markdown_page(number), encoding="utf-8")
    return podcast, plain


def prepare_audio(podcast: Path) -> float:
    """Make every episode's MP3 beforehand, as a published site has them; returns seconds taken."""
    from site_plugins.podcast.load.siteconfig import read_site_settings

    settings = read_site_settings(podcast / "mkdocs.yml")
    catalog = load_catalog([podcast / "episodes"], settings, root=podcast, include_drafts=False)
    started = time.perf_counter()
    AudioBuilder(settings, project_dir=podcast, engine=EspeakEngine()).build(catalog.episodes)
    return time.perf_counter() - started


def timed_build(site: Path) -> tuple[float, float]:
    """(wall seconds, peak RSS in MB) of `mkdocs build` in a process of its own."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PODCAST_TTS": "espeak"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    started = time.perf_counter()
    process = subprocess.Popen([str(mkdocs), "build", "-q", "-f", str(site / "mkdocs.yml")], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build of {site} failed: {process.stderr.read().decode()[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def audio_made(podcast: Path) -> float:
    """`prepare_audio` in a process of its own: a build's peak memory as the system counts it includes the bench's
    process it was started from, which reading 10 000 episodes here would leave at a gigabyte."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as process:
        return process.submit(prepare_audio, podcast).result()


def alternated_builds(podcast: Path, baseline: Path, repeat: int) -> dict[str, list[tuple[float, float]]]:
    """(seconds, MB) of each build, alternated so that a slow spell of a shared machine hits both sites:
    the podcast site cold (its kept work, search cache and compiled templates removed; the audio is made beforehand
    either way), the baseline, the podcast site again with nothing changed, then with one episode's summary edited."""
    runs: dict[str, list[tuple[float, float]]] = {"ours": [], "base": [], "warm": [], "edit": []}
    edited = podcast / "episodes/00001.yaml"
    for number in range(repeat):
        forget_kept_work(podcast)
        runs["ours"].append(timed_build(podcast))
        runs["base"].append(timed_build(baseline))
        runs["warm"].append(timed_build(podcast))
        text = edited.read_text(encoding="utf-8")
        edited.write_text(text.replace("summary: |\n  ", f"summary: |\n  第{number}次修改。", 1), encoding="utf-8")
        runs["edit"].append(timed_build(podcast))
    return runs


def search_download(site: Path, queries: tuple[str, ...]) -> dict[str, tuple[int, int]] | None:
    """query -> (bytes a browser fetches from the search index for it, results): the search page is
    opened with ?q= in a fresh browser, and every response under search-index/ is counted at its
    size on the wire. None when chromium is missing (scripts/test installs it)."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return None
    from playwright.sync_api import sync_playwright

    found = {}
    with serving(site / "site") as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        for query in queries:
            context = browser.new_context()  # a fresh cache for every query
            page = context.new_page()
            fetched: list = []
            page.on("requestfinished", lambda request, into=fetched: into.append(request)
                    if "/search-index/" in request.url else None)
            page.goto(f"{base}search/?q={query}")
            page.wait_for_selector(".gp-search__title", timeout=60_000)
            page.wait_for_load_state("networkidle")
            results = int("".join(ch for ch in page.text_content(".gp-search__status") if ch.isdigit()) or 0)
            found[query] = (sum(r.sizes()["responseBodySize"] for r in fetched), results)
            context.close()
        browser.close()
    return found


def edit_to_preview(site: Path, *, timeout: float = 900.0) -> float:
    """Seconds from saving an edited turn to `mkdocs serve` serving the changed page."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PODCAST_TTS": "espeak"}
    mkdocs = Path(sys.executable).parent / "mkdocs"
    server = subprocess.Popen([str(mkdocs), "serve", "-q", "-f", str(site / "mkdocs.yml"), "-a", f"127.0.0.1:{port}"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/episodes/episode-00001/"

    def page() -> str:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode("utf-8")
        except OSError:
            return ""

    try:
        deadline = time.monotonic() + timeout
        while not page():
            if time.monotonic() > deadline or server.poll() is not None:
                raise SystemExit("mkdocs serve did not come up")
            time.sleep(0.2)
        episode = site / "episodes/00001.yaml"
        lines = episode.read_text(encoding="utf-8").splitlines(keepends=True)
        first = next(i for i, line in enumerate(lines) if line.startswith("        text: "))
        lines[first] = "        text: 这一句刚刚改过。\n"
        started = time.perf_counter()
        episode.write_text("".join(lines), encoding="utf-8")
        while "这一句刚刚改过" not in page():
            if time.monotonic() > deadline:
                raise SystemExit("the edit never reached the served page")
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)


def reference_episode(n: int, text: Callable[[int], str], labels: Callable[[], dict] = dict) -> Episode:
    """Episode `n` of reference size: a title of 16 characters, a summary of 120, a script of 55 turns of 110 and
    an analysis of 160 a part, each from `text(length)` in that order, then `labels()` (its category and tags)."""
    title, summary = text(16), text(120)
    sections = tuple(Section(name, tuple(Turn("卿姐", text(110)) for _ in range(turns))) for name, turns in SECTIONS)
    return Episode(source_path=f"{n}.yaml", slug=f"e{n}", title=title, summary=summary,
                   published=datetime(2024, 1, 1, tzinfo=UTC) + timedelta(hours=n), has_time=True,
                   sections=sections, hosts=(), language="zh", **labels(),
                   analysis=tuple((aspect, text(160)) for aspect in ASPECTS))


def timed_related(episodes: list[Episode], terms: Callable[[], dict], runs: int) -> list[float]:
    """Seconds of each of `runs` calls of related podcasts on `episodes`, given their words by `terms()`. As in a
    build, the episodes are held from the garbage collector's passes once read (`collector`): otherwise a call
    would also pay a full pass over this process's objects whenever one falls due (0.2 s on 10 000 episodes)."""
    hold_objects()
    try:
        seconds = []
        for _ in range(runs):
            started = time.perf_counter()
            compute_related(episodes, count=5, terms=terms())
            seconds.append(time.perf_counter() - started)
        return seconds
    finally:
        release_objects()


def related_seconds(count: int, runs: int = 3) -> tuple[list[float], float]:
    """(seconds of each of `runs` calls on the same episodes, from their words as a build keeps them: the first
    also grows the process's memory; seconds to make all the episodes' words, as a cold build does once)."""
    rng = random.Random(7)
    episodes = [reference_episode(n, partial(sentence, rng), lambda: {
        "category": rng.choice(CATEGORIES), "tags": tuple(rng.sample(WORDS, 3))}) for n in range(count)]
    started = time.perf_counter()
    kept = {e.slug: terms_bytes(episode_terms(e)) for e in episodes}
    making = time.perf_counter() - started
    return timed_related(episodes, lambda: {slug: terms_from(data) for slug, data in kept.items()}, runs), making


def large_vocabulary(count: int) -> list[Episode]:
    """`count` reference-size episodes of Chinese drawn from 3500 characters with the frequencies of words in
    a language (Zipf's law): the millions of distinct pairs of a real catalog, where the reference text's
    twenty words make a few hundred."""
    import numpy as np

    rng = np.random.default_rng(7)
    weights = 1 / np.arange(1, 3501) ** 1.05
    size = 16 + 120 + 160 * len(ASPECTS) + 110 * sum(turns for _, turns in SECTIONS)
    codes = 0x4E00 + rng.choice(3500, size=count * size, p=weights / weights.sum()).astype(np.uint32)
    text = codes.tobytes().decode("utf-32-le")
    at = 0

    def take(length: int) -> str:
        nonlocal at
        at += length
        return text[at - length:at]

    return [reference_episode(n, take) for n in range(count)]


def print_related(count: int) -> float:
    """Prints the related-podcasts timings; returns the median seconds on the reference text."""
    related, making = related_seconds(count)
    print(f"related podcasts for {count} episodes (reference-size text, every word): "
          f"{statistics.median(related):.3f} s (median of {len(related)} runs; first {related[0]:.3f} s), "
          f"from the words a build keeps; making each episode's words, once: {making / count * 1e6:.0f} us")
    episodes = large_vocabulary(count)
    terms = {e.slug: episode_terms(e) for e in episodes}
    seconds = timed_related(episodes, lambda: terms, 3)
    print(f"  the same, of a large vocabulary ({sum(map(len, terms.values())) / count:.0f} distinct words an "
          f"episode): {statistics.median(seconds):.3f} s (median of 3 runs)")
    return statistics.median(related)


def feed_seconds(podcast: Path) -> float:
    from site_plugins.podcast.load.siteconfig import read_site_settings

    settings = read_site_settings(podcast / "mkdocs.yml")
    episodes = load_catalog([podcast / "episodes"], settings, root=podcast, include_drafts=False).episodes
    audio = {e.slug: EpisodeAudio(path=Path("x.mp3"), uri=f"audio/{e.slug}.mp3", size=1_000_000, duration=600.0,
                                  turns=(), chapters=(), publishable=True) for e in episodes}
    settings = replace(settings, show=replace(settings.show, title="Bench Pod"))
    started = time.perf_counter()
    render_feed(episodes, audio, settings, cover=None, layout=SiteLayout.from_settings(settings))
    return time.perf_counter() - started


def forget_kept_work(podcast: Path) -> None:
    """What a cold build starts without: the work a build keeps for the next (its memo and search cache) and the
    theme's compiled templates. The audio, and the durations of recordings, stay as a published site has them."""
    for kept in (SEARCH_CACHE, MEMO_FOLDER):
        shutil.rmtree(podcast / ".cache/podcast" / kept, ignore_errors=True)
    if (compiled := template_folder()) is not None:
        shutil.rmtree(compiled, ignore_errors=True)


def recorded_case(root: Path, count: int, minutes: float, repeat: int) -> float:
    """Episodes with `audio:` recordings, after a first build has measured their durations: a cold build and a build
    with nothing changed, alternated with the baseline; returns the cold build's ratio to the baseline."""
    from site_plugins.podcast.speech import silence_mp3

    podcast, baseline = make_sites(root / "recorded", count)
    recording = podcast / "recordings/master.mp3"
    recording.parent.mkdir()
    recording.write_bytes(silence_mp3(minutes * 60))
    for number in range(1, count + 1):
        os.link(recording, podcast / f"recordings/{number:05d}.mp3")
        path = podcast / f"episodes/{number:05d}.yaml"
        path.write_text(path.read_text(encoding="utf-8") + f"audio: recordings/{number:05d}.mp3\n", encoding="utf-8")
    first, _ = timed_build(podcast)
    runs: dict[str, list[float]] = {"cold": [], "base": [], "warm": []}
    for _ in range(repeat):
        forget_kept_work(podcast)
        runs["cold"].append(timed_build(podcast)[0])
        runs["base"].append(timed_build(baseline)[0])
        runs["warm"].append(timed_build(podcast)[0])
    cold, base, warm = (statistics.median(runs[name]) for name in ("cold", "base", "warm"))
    size = recording.stat().st_size * count / 1e9
    print(f"recorded audio: {count} episodes with {minutes:g}-minute recordings ({size:.1f} GB of MP3)")
    print(f"{'  first build (durations measured)':34}{first:>14.2f}")
    print(f"{'  later build, cold':34}{cold:>14.2f}{base:>12.2f}{cold / base:>8.2f}")
    print(f"{'  later build, nothing changed':34}{warm:>14.2f}{base:>12.2f}{warm / base:>8.2f}")
    return cold / base


def missing_tools() -> list[str]:
    """The packages of the `dev` extra that the full benchmark imports and the base install lacks."""
    missing = []
    for name in ("playwright.sync_api",):
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name.split(".")[0])
    return missing


GOALS = (
    ("full build, time", "cold", 1.0, "x the baseline"),
    ("full build, peak memory", "memory", 1.2, "x the baseline"),
    ("no-change rebuild", "warm", 0.2, "x the baseline"),
    ("one-episode edit rebuild", "edit", 0.3, "x the baseline"),
    ("recorded audio, cold build", "recorded", 1.0, "x the baseline"),
    ("related podcasts, whole text", "related", 0.5, " s"),
)
"""What builds that cost what changed must show: (what, key of the figure, the most it may be, unit)."""


def print_goals(figures: dict[str, float], related: int) -> None:
    print("goals (set for 1000 episodes, related podcasts of 10 000):")
    for what, key, most, unit in GOALS:
        if key in figures:
            label = f"{what} ({related} episodes)" if key == "related" else what
            print_goal(label, figures[key], most, unit)


def print_goal(label: str, figure: float, most: float, unit: str) -> None:
    print(f"  {label:44}{figure:>6.2f}{unit:16}at most {most:.1f}: {'met' if figure <= most else 'NOT MET'}")


def site_run(args: argparse.Namespace, root: Path) -> dict[str, float]:
    """The whole comparison at `--episodes`; returns the figures the goals are about."""
    podcast, baseline = make_sites(root, args.episodes)
    audio_setup = audio_made(podcast)
    runs = alternated_builds(podcast, baseline, args.repeat)
    check_built(podcast, args.episodes)
    ours, ours_rss = (statistics.median(v) for v in zip(*runs["ours"], strict=True))
    base, base_rss = (statistics.median(v) for v in zip(*runs["base"], strict=True))
    warm = statistics.median(seconds for seconds, _ in runs["warm"])
    edited = statistics.median(seconds for seconds, _ in runs["edit"])
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, CPython {platform.python_version()}, "
          f"{resource.getpagesize()} B pages")
    print(f"episodes: {args.episodes} (55 turns, 8 KB article each); audio made beforehand in {audio_setup:.1f} s")
    jieba = importlib.util.find_spec("jieba") is not None
    print("baseline: mkdocs-material, one-page nav, search plugin with lang: zh, "
          + ("jieba installed (Chinese cut into words)" if jieba else "no jieba (Chinese not cut into words)"))
    print(f"{'':34}{'podcast site':>14}{'baseline':>12}{'ratio':>8}")
    print(f"builds: {args.repeat} of each, alternated; medians")
    print(f"{'full build, wall seconds':34}{ours:>14.2f}{base:>12.2f}{ours / base:>8.2f}")
    print(f"{'full build, peak memory (MB)':34}{ours_rss:>14.0f}{base_rss:>12.0f}{ours_rss / base_rss:>8.2f}")
    print(f"{'no-change rebuild, wall seconds':34}{warm:>14.2f}{base:>12.2f}{warm / base:>8.2f}")
    print(f"{'one-episode edit, wall seconds':34}{edited:>14.2f}{base:>12.2f}{edited / base:>8.2f}")
    print_search(podcast, baseline)
    print(f"edit one turn -> page served by mkdocs serve: {edit_to_preview(podcast):.2f} s")
    figures = {"cold": ours / base, "memory": ours_rss / base_rss, "warm": warm / base, "edit": edited / base,
               "related": print_related(args.related)}
    print(f"feed for {args.episodes} episodes: {feed_seconds(podcast):.3f} s")
    if args.recorded:
        figures["recorded"] = recorded_case(root, args.recorded, args.minutes, args.repeat)
    return figures


def print_search(podcast: Path, baseline: Path) -> None:
    base_index = baseline / "site/search/search_index.json"
    base_download = len(gzip.compress(base_index.read_bytes()))
    downloads = search_download(podcast, SEARCH_QUERIES)
    print(f"search, bytes fetched for one query (gzip as GitHub Pages serves): baseline downloads "
          f"search_index.json, {base_index.stat().st_size / 1e6:.1f} MB, {base_download / 1e3:.0f} KB gzipped")
    for query, (size, results) in (downloads or {}).items():
        print(f"  {query!r}: {size / 1e3:.0f} KB ({results} results)")
    if downloads is None:
        print("  (no chromium: not measured)")


def check_built(podcast: Path, count: int) -> None:
    built = sum(1 for path in (podcast / "site/episodes").iterdir() if path.is_dir())
    if built != count:  # e.g. episodes dated after today are left out until their time
        raise SystemExit(f"the podcast site has {built} episode pages, not {count}: the figures would compare "
                         "unlike sites")


def growth_run(args: argparse.Namespace, root: Path) -> None:
    """Cold builds of the podcast site at `--episodes` and at `--growth` episodes, alternated; the ratios of their
    time and memory against the ratio of their sizes."""
    sizes = (args.episodes, args.growth)
    sites = {count: make_sites(root / str(count), count, baseline=False)[0] for count in sizes}
    for count, podcast in sites.items():
        print(f"episodes: {count}; audio made beforehand in {audio_made(podcast):.1f} s", flush=True)
    runs: dict[int, list[tuple[float, float]]] = {count: [] for count in sizes}
    for _ in range(args.repeat):
        for count, podcast in sites.items():
            forget_kept_work(podcast)
            runs[count].append(timed_build(podcast))
            check_built(podcast, count)
    (small, small_rss), (large, large_rss) = (
        tuple(statistics.median(v) for v in zip(*runs[count], strict=True)) for count in sizes)
    print(f"cold builds of the podcast site, {args.repeat} of each size, alternated; medians")
    print(f"{'':34}{sizes[0]:>10}{sizes[1]:>10}{'ratio':>8}  (sizes {sizes[1] / sizes[0]:g}x)")
    print(f"{'full build, wall seconds':34}{small:>10.2f}{large:>10.2f}{large / small:>8.2f}")
    print(f"{'full build, peak memory (MB)':34}{small_rss:>10.0f}{large_rss:>10.0f}{large_rss / small_rss:>8.2f}")
    grown = sizes[1] / sizes[0]
    print("goals (set for 1000 and 10 000 episodes: time at most 1.1x, memory at most 0.8x the growth in size):")
    print_goal("time", large / small, 1.1 * grown, "x")
    print_goal("peak memory", large_rss / small_rss, 0.8 * grown, "x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--related", type=int, default=10_000, help="episodes for the related-podcasts timing")
    parser.add_argument("--related-only", action="store_true", help="time only the related podcasts, then stop")
    parser.add_argument("--growth", type=int, metavar="N",
                        help="instead: cold builds of the podcast site at --episodes and at N episodes, and how "
                             "time and memory grow between them")
    parser.add_argument("--repeat", type=int, default=3, help="builds of each site; medians are printed")
    parser.add_argument("--keep", type=Path, help="build here and keep the sites (default: a temporary folder)")
    parser.add_argument("--recorded", type=int, default=300,
                        help="episodes of the site with recorded audio (default: 300; 0: none)")
    parser.add_argument("--minutes", type=float, default=20, help="length of each recording (default: 20)")
    args = parser.parse_args()
    if args.growth is not None and args.growth == args.episodes:
        parser.error("--growth gives the larger size: it must differ from --episodes")
    if args.related_only:
        print_related(args.related)
        return
    missing = missing_tools()
    if missing and args.growth is None:  # said before any site is built, not after minutes of work
        print(f"scripts/bench.py needs the test tools ({', '.join(missing)}), which the README's install leaves "
              "out: run scripts/test once, or pip install -e '.[dev]', then run it again", file=sys.stderr)
        sys.exit(2)
    root = args.keep or Path(tempfile.mkdtemp(prefix="podcast-bench-"))
    try:
        if args.growth is not None:
            growth_run(args, root)
        else:
            print_goals(site_run(args, root), args.related)
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
