"""The benchmark scripts run end to end at a small size (their timings are not tested)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from .conftest import REPO

pytestmark = pytest.mark.workflow


def run(*args: str) -> str:
    result = subprocess.run([sys.executable, *args], cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={"PATH": "/usr/bin:/bin", "PODCAST_TTS": "espeak"})
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_site_benchmark_runs():
    out = run("scripts/bench.py", "--episodes", "3", "--related", "50", "--repeat", "1", "--recorded", "2",
              "--minutes", "0.5")
    for label in ("full build, wall seconds", "full build, peak memory (MB)", "no-change rebuild, wall seconds",
                  "one-episode edit, wall seconds", "search, bytes fetched for one query",
                  "edit one turn -> page served by mkdocs serve:", "related podcasts for 50 episodes",
                  "feed for 3 episodes:", "recorded audio: 2 episodes with 0.5-minute recordings",
                  "later build, cold", "later build, nothing changed"):
        assert label in out, out
    goals = out[out.index("\ngoals (set for 1000 episodes"):].splitlines()[2:]
    assert [line.split("  ")[1] for line in goals] == [
        "full build, time", "full build, peak memory", "no-change rebuild", "one-episode edit rebuild",
        "recorded audio, cold build", "related podcasts, whole text (50 episodes)"], out
    assert all(re.search(r"at most \d\.\d: (met|NOT MET)$", line) for line in goals), out


def test_growth_benchmark_builds_both_sizes_cold_and_gives_the_ratios():
    out = run("scripts/bench.py", "--episodes", "2", "--growth", "6", "--repeat", "1")
    row = re.search(r"^full build, wall seconds +([\d.]+) +([\d.]+) +([\d.]+)$", out, re.MULTILINE)
    assert row, out
    small, large, ratio = map(float, row.groups())  # each printed to 0.005: the ratio of the seconds as measured
    assert (large - 0.005) / (small + 0.005) - 0.005 <= ratio <= (large + 0.005) / (small - 0.005) + 0.005, out
    assert "(sizes 3x)" in out and re.search(r"^  time +[\d.]+x +at most 3\.3: (met|NOT MET)$", out, re.MULTILINE), out
    assert re.search(r"^  peak memory +[\d.]+x +at most 2\.4: (met|NOT MET)$", out, re.MULTILINE), out


def test_related_only_benchmark_times_related_podcasts_alone():
    out = run("scripts/bench.py", "--related-only", "--related", "40")
    assert out.startswith("related podcasts for 40 episodes (reference-size text, every word): "), out
    assert "from the words a build keeps; making each episode's words, once: " in out, out
    assert "\n  the same, of a large vocabulary (" in out, out
    assert "full build" not in out


def test_audio_benchmark_counts_speech_calls():
    out = run("scripts/bench_audio.py", "--turns", "12", "--repeat", "2", "--edge-delay", "0.05")
    rows = {line[:44].strip(): line[44:].split() for line in out.splitlines() if line[:1].isalpha()}
    assert rows["edit 1 turn"][0] == "1" and rows["edit 3 other turns"][0] == "3"
    assert rows["rebuild, nothing changed"][0] == "0" and rows["fresh clone with published audio"][0] == "0"
    every_turn = rows["first build (cold cache)"][0]
    for at_once in (1, 4):
        assert rows[f"edge stand-in, 50 ms a request, {at_once} at once"][0] == every_turn, out
    assert re.search(r"^loudness: measure and level (\d+) turns \(no level cached, limiter off\): [\d.]+ s, \1 turns "
                     r"decoded$", out, re.MULTILINE), out
    assert re.search(r"^loudness: edit 1 turn .*: [\d.]+ s, 1 turn decoded$", out, re.MULTILINE), out
    assert re.search(r"^limiter: limit (\d+) turns \(none cached\): [\d.]+ s, \1 turns limited, \1 of \1 in the "
                     r"episode$", out, re.MULTILINE), out
    assert re.search(r"^limiter: edit 1 turn .*: [\d.]+ s, 1 turn limited$", out, re.MULTILINE), out
    measured = re.search(r"^episode by ffmpeg ebur128: lossless gain alone (-[\d.]+) LUFS, true peak (-[\d.]+) dBTP; "
                         r"limited (-[\d.]+) LUFS, true peak (-[\d.]+) dBTP$", out, re.MULTILINE)
    assert measured, out
    before, before_peak, after, after_peak = map(float, measured.groups())
    assert before < -19 and abs(after + 16) <= 1 and max(before_peak, after_peak) <= -1, out


def test_without_the_test_tools_the_site_benchmark_says_which_before_it_starts(tmp_path):
    """As on the README's install: playwright cannot be imported (shadowed here by a package that refuses)."""
    shadow = tmp_path / "playwright"
    shadow.mkdir()
    (shadow / "__init__.py").write_text("raise ImportError('not installed')\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "scripts/bench.py", "--episodes", "3", "--keep", str(tmp_path / "sites")],
                            cwd=REPO, capture_output=True, text=True, timeout=600,
                            env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(tmp_path)})
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "scripts/bench.py needs the test tools (playwright), which the README's install leaves out: run scripts/test "
        "once, or pip install -e '.[dev]', then run it again"]
    assert not (tmp_path / "sites").exists(), "nothing was built"
