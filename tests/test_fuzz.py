"""Mutated episode files, seeded and different each run: `podcast check` never crashes or hangs on
any of them, and what it accepts is exactly what a build publishes.

Set PODCAST_FUZZ_SEED to replay a run; a failure prints the seed and the file that broke.
"""

from __future__ import annotations

import os
import random
import signal
import time

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


def mutate(text: str, rng: random.Random) -> str:
    """One to three random edits of the kinds editors and attackers make."""
    lines = text.splitlines(keepends=True)
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        if not lines:
            lines = ["\n"]
        n = rng.randrange(len(lines))
        kind = rng.randrange(7)
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
        else:
            key, _, _ = lines[n].partition(":")
            lines[n] = f"{key}: {rng.choice(PIECES)}\n"
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
                load_catalog([path], settings, root=project.root, include_drafts=True)
            except _TooSlow:
                raise AssertionError(f"seed {seed}: check took over {SECONDS_PER_FILE} s on:\n{text}") from None
            except Exception as exc:
                raise AssertionError(f"seed {seed}: check crashed ({exc!r}) on:\n{text}") from exc
            finally:
                signal.alarm(0)
            slowest = max(slowest, time.perf_counter() - started)
    finally:
        signal.signal(signal.SIGALRM, previous)
    catalog = load_catalog([folder], settings, root=project.root, include_drafts=False)
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
