"""Mutated episode files, seeded and different each run: `podcast check` never crashes or hangs on
any of them, and what it accepts is exactly what a build publishes.

Set PODCAST_FUZZ_SEED to replay a run; a failure prints the seed and the file that broke.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

import pytest

from site_plugins.podcast import load_catalog
from site_plugins.podcast.load.siteconfig import read_site_settings

from .conftest import DATA, SiteProject

pytestmark = pytest.mark.site

FILES = 1000
SECONDS_PER_FILE = 5
SEEDS = [p.read_text(encoding="utf-8") for p in sorted((DATA / "episodes").glob("*.yaml"))]
PIECES = [": ", " #", "#", "- ", "-", "'", '"', "[", "]", "{", "}", "&a ", "*a", "!x ", "|", ">", "? ", "\t", "  ",
          "\\x85", "\\ud800", "\\u2028", "%", "@", "`", ",", "\n", "\n  ", "卿 姐", "晓旭: ", "🎙️", "<b>x</b>",
          "2025-13-45", "true", "null", "~", "0001-01-01", "con", "x" * 300, "[" * 50, "---\n", "...\n"]

LINES = ["audio: " + "a" * 300 + ".mp3\n", "image: " + "b" * 300 + ".jpg\n", "audio: loop.mp3\n",
         "image: loop.jpg\n", "audio: pipe.mp3\n", "image: pipe.jpg\n", "image: ../../etc/passwd.jpg\n",
         "date: 9999-12-31T23:59:59-12:00\n", "date: 0001-01-01T00:00:00+14:00\n", "date: 9999-12-31\n",
         "episode: .inf\n", "season: .nan\n", "episode: 1e308\n", "season: -.inf\n", "episode: 99999999999\n",
         "guid: " + "g" * 300 + "\n", "analysis:\n" + "".join(f"  a{i}: x\n" for i in range(60)),
         "tags: [" + ", ".join(f"t{i}" for i in range(60)) + "]\n",
         "script:\n" + "".join(f"  - section: S{i}\n    turns:\n      - 卿姐: 好。\n" for i in range(101))]
"""Whole lines of the issue's mutations: names too long for the file system, a loop of links, a pipe, the
calendar's ends, numbers that are not finite, and counts past every limit (`odd_files` makes the files)."""


def odd_files(root: Path) -> None:
    """The loop of links and the pipes that LINES name."""
    for name in ("loop.mp3", "loop.jpg"):
        os.symlink(name, root / name)
    for name in ("pipe.mp3", "pipe.jpg"):
        os.mkfifo(root / name)


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits of the kinds editors and attackers make."""
    lines = text.splitlines(keepends=True)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if not lines:
            lines = ["\n"]
        n = rng.randrange(len(lines))
        kind = rng.randrange(9)
        if kind == 0:
            del lines[n]
        elif kind == 1:
            lines.insert(n, lines[rng.randrange(len(lines))])
        elif kind == 2:
            at = rng.randrange(len(lines[n]) + 1)
            lines[n] = lines[n][:at] + rng.choice(PIECES) + lines[n][at:]
        elif kind == 3:
            lines[n] = " " * rng.randint(0, 3) + lines[n].lstrip(" ")
        elif kind == 4:
            m = rng.randrange(len(lines))
            lines[n], lines[m] = lines[m], lines[n]
        elif kind == 5:
            lines[n] = lines[n][: rng.randrange(len(lines[n]) + 1)] + "\n"
        elif kind == 6:
            key, _, _ = lines[n].partition(":")
            lines[n] = f"{key}: {rng.choice(PIECES)}\n"
        else:  # at the top, where a key is a field; or anywhere
            lines.insert(rng.choice((0, n)), rng.choice(LINES))
    return "".join(lines)


class _TooSlow(Exception):
    pass


def _alarm(signum, frame):
    raise _TooSlow


def test_mutated_files_never_crash_or_hang_and_check_agrees_with_the_build(project: SiteProject):
    seed = int(os.environ.get("PODCAST_FUZZ_SEED") or random.SystemRandom().randrange(2**32))
    rng = random.Random(seed)
    folder = project.root / "episodes"
    settings = read_site_settings(project.root / "mkdocs.yml")  # what the build reads: its engine checks voices
    slowest = 0.0
    odd_files(project.root)
    previous = signal.signal(signal.SIGALRM, _alarm)
    try:
        for number in range(FILES):
            text = mutate(rng.choice(SEEDS), rng)
            # Unique slugs keep every file in play: clashes are tested elsewhere.
            text = text.replace("slug: ", f"slug: f{number}-", 1) if "slug: " in text else f"slug: f{number}\n" + text
            path = folder / f"f{number:03d}.yaml"
            path.write_text(text, encoding="utf-8", errors="surrogatepass")
            started = time.perf_counter()
            signal.alarm(SECONDS_PER_FILE)
            try:
                load_catalog([path], settings, root=project.root, include_drafts=True, project_dir=project.root)
            except _TooSlow:
                raise AssertionError(f"seed {seed}: check took over {SECONDS_PER_FILE} s on:\n{text}") from None
            except Exception as exc:
                raise AssertionError(f"seed {seed}: check crashed ({exc!r}) on:\n{text}") from exc
            finally:
                signal.alarm(0)
            slowest = max(slowest, time.perf_counter() - started)
    finally:
        signal.signal(signal.SIGALRM, previous)
    catalog = load_catalog([folder], settings, root=project.root, include_drafts=False, project_dir=project.root)
    try:
        site = project.build(strict=False)
    except Exception as exc:
        raise AssertionError(f"seed {seed}: the build crashed: {exc!r}") from exc
    built = {p.parent.name for p in (site / "episodes").glob("*/index.html")} if (site / "episodes").is_dir() else set()
    accepted = {e.slug for e in catalog.episodes}
    assert accepted == built, f"seed {seed}: check and build disagree on {sorted(accepted ^ built)}"
    refused = [str(p) for p in project.plugin.output.audio.problems]
    assert refused == [], f"seed {seed}: the build refused audio of episodes check accepted: {refused}"
    assert len(accepted) >= 40, f"seed {seed}: too few valid files to test the build ({len(accepted)})"
    print(f"seed {seed}: {FILES} files, {len(accepted)} valid, slowest check {slowest:.3f} s")
