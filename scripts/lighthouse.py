#!/usr/bin/env python3
"""Lighthouse scores of the sample site's home and episode pages, as a phone on a slow network sees them.

Run: .venv/bin/python scripts/lighthouse.py [--runs 3] [--categories performance,accessibility,...]
Builds this project's site (the episodes in episodes/, offline speech for any audio not yet made) into a
temporary folder, serves it as GitHub Pages does (text gzip-compressed), and runs npm `lighthouse` (pinned in
tests/package.json) in Debian's chromium with its default mobile profile: a mid-range phone, 4G throttled
to 1.6 Mbit/s, the CPU slowed four times. Prints each category's median score over the runs with the
paint timings and the bytes transferred, and ends with status 1 when a median is under --least (0.95).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
from pages_server import serving  # noqa: E402

LIGHTHOUSE = ROOT / "tests" / "node_modules" / "lighthouse" / "cli" / "index.js"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
PAGES = {"home": "", "episode": "episodes/tidal-power-pilot/"}
TIMINGS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")


def missing_tools() -> str:
    """One line naming what is missing ('' when nothing is)."""
    if not shutil.which("node"):
        return "node (scripts/test installs it with apt-get)"
    if not LIGHTHOUSE.exists():
        return "lighthouse: npm ci --prefix tests (scripts/test runs it)"
    if not (shutil.which("chromium") or Path("/usr/bin/chromium").exists()):
        return "chromium (scripts/test installs it with apt-get)"
    return ""


def build(site: Path, base: str) -> None:
    """This project's site, at the address it is served from (the theme fetches sitemaps by the site's URL)."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PODCAST_TTS": os.environ.get("PODCAST_TTS", "espeak")}
    code = (f"from mkdocs.commands.build import build; from mkdocs.config import load_config; "
            f"build(load_config(config_file='mkdocs.yml', site_url={base!r}, site_dir={str(site)!r}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode:
        raise SystemExit(f"the site did not build:\n{result.stderr[-3000:]}")


def audit(url: str, categories: tuple[str, ...]) -> dict:
    """One Lighthouse run: its JSON report."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    result = subprocess.run(
        ["node", str(LIGHTHOUSE), url, "--quiet", "--output=json", "--output-path=stdout",
         f"--only-categories={','.join(categories)}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        env={**os.environ, "CHROME_PATH": chromium}, capture_output=True, text=True, check=False, timeout=300)
    if result.returncode:
        raise SystemExit(f"lighthouse failed on {url}:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


def failing_audits(report: dict) -> list[str]:
    """The weighted audits of a report that did not pass, as lines."""
    lines = []
    for name, category in report["categories"].items():
        for ref in category["auditRefs"]:
            found = report["audits"][ref["id"]]
            if ref["weight"] and found.get("score") is not None and found["score"] < 0.9:
                lines.append(f"  {name}: {ref['id']} {found['score']:.2f} {found.get('displayValue', '')}".rstrip())
    return lines


def summary(reports: list[dict], categories: tuple[str, ...]) -> dict[str, float]:
    """Medians over the runs: each category's score, the paint timings (ms) and the bytes transferred."""
    values = {name: statistics.median(r["categories"][name]["score"] for r in reports) for name in categories}
    if "performance" in categories:
        for name in TIMINGS:
            values[name] = statistics.median(r["audits"][name]["numericValue"] for r in reports)
        values["transferred"] = statistics.median(r["audits"]["total-byte-weight"]["numericValue"] for r in reports)
    return values


def shown(name: str, value: float) -> str:
    if name == "transferred":
        return f"transferred {value / 1024:.0f} KB"
    if name == "cumulative-layout-shift":
        return f"CLS {value:.3f}"
    if name in TIMINGS:
        return f"{''.join(word[0] for word in name.split('-')).upper()} {value:.0f} ms"
    return f"{name} {value:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each page; medians are printed (default: 3)")
    parser.add_argument("--categories", default=",".join(CATEGORIES), help="comma-separated (default: all four)")
    parser.add_argument("--least", type=float, default=0.95, help="the lowest median score that passes")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        print(f"scripts/lighthouse.py needs {missing}", file=sys.stderr)
        sys.exit(2)
    categories = tuple(c for c in args.categories.split(",") if c)
    failed = False
    with tempfile.TemporaryDirectory(prefix="podcast-lighthouse-") as folder, serving(Path(folder)) as base:
        build(Path(folder), base)
        print(f"lighthouse (mobile profile), median of {args.runs} runs (scores 0-1)")
        for label, uri in PAGES.items():
            reports = [audit(base + uri, categories) for _ in range(args.runs)]
            values = summary(reports, categories)
            print(f"{label:8} " + "  ".join(shown(name, value) for name, value in values.items()))
            low = [name for name in categories if values[name] < args.least]
            if low:
                failed = True
                print(f"  under {args.least}: {', '.join(low)}; in the last run:")
                print("\n".join(failing_audits(reports[-1])))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
