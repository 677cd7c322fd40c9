#!/usr/bin/env python3
"""Audio benchmark: speech calls for common edits, the time to assemble an episode from cache, to level it and to
limit its turns, and the wall time of speaking an episode through the Edge stand-in one request at a time and four
at a time.

Run: .venv/bin/python scripts/bench_audio.py [--turns 55] [--repeat 20] [--edge-delay 0.3]
Uses the offline engine (real speech, no network) in a temporary project; the Edge rows run the real edge-tts
client against the tests' stand-in on 127.0.0.1 (tests/edgestandin.py), which answers each request after
--edge-delay seconds with the same real MP3, so that the rows measure the requests, not eSpeak NG.
"""

from __future__ import annotations

import argparse
import platform
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from site_plugins.podcast import Host, Settings, load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.audio.id3 import read_finished
from site_plugins.podcast.speech import EdgeEngine, EspeakEngine

SECTIONS = [("Intro", 3), ("Core Event", 12), ("Background", 13), ("Conflict", 10), ("Impact", 8),
            ("Future", 7), ("Conclusion", 2)]
SENTENCE = ("第{n}段：能源收入锐减、财政赤字飙升、黄金储备大量出售，"
            "这些都迫使莫斯科寻求和平解决方案，尽管前路充满不确定性。")


def episode_text(turns: int, edits: dict[int, str]) -> str:
    lines, number = ["title: 基准测试", "date: 2025-12-08", "slug: bench", "script:"], 0
    scale = turns / 55
    for name, count in SECTIONS:
        lines += [f"  - section: {name}", "    turns:"]
        for _ in range(max(1, round(count * scale))):
            text = edits.get(number, SENTENCE.format(n=number))
            lines.append(f"      - {'卿姐' if number % 2 == 0 else '晓旭'}: {text}")
            number += 1
    return "\n".join(lines) + "\n"


class Bench:
    def __init__(self, root: Path, turns: int, settings: Settings | None = None, engine=EspeakEngine) -> None:
        self.root, self.turns, self.engine = root, turns, engine
        self.settings = settings or Settings(
            language="zh", tts="espeak", tts_concurrency=2,
            hosts=(Host("卿姐", voice="zh-CN"), Host("晓旭", voice="zh-TW", variant=1)))
        (root / "episodes").mkdir(parents=True)

    def run(self, edits: dict[int, str] | None = None, settings: Settings | None = None):
        (self.root / "episodes/bench.yaml").write_text(episode_text(self.turns, edits or {}), encoding="utf-8")
        catalog = load_catalog([self.root / "episodes"], settings or self.settings, root=self.root,
                               include_drafts=False)
        started = time.perf_counter()
        self.builder = AudioBuilder(settings or self.settings, project_dir=self.root, engine=self.engine())
        report = self.builder.build(catalog.episodes)
        return report, time.perf_counter() - started, catalog.episodes[0]


def bench_edge(turns: int, delay: float) -> list[tuple[int, int, float]]:
    """(requests at once, speech calls, wall seconds) of a first build through the Edge stand-in, at 1 and 4."""
    from tests.edgestandin import EdgeStandIn, espeak_mp3

    canned = espeak_mp3("能源收入锐减、财政赤字飙升。", "zh-CN-XiaoxiaoNeural")
    hosts = (Host("卿姐", engine="edge", gender="female"), Host("晓旭", engine="edge", gender="male", variant=1))
    rows = []
    with EdgeStandIn(speak=lambda text, voice: canned) as standin, standin.use():
        standin.delay = delay
        for at_once in (1, 4):
            root = Path(tempfile.mkdtemp(prefix="podcast-bench-edge-"))
            try:
                settings = Settings(language="zh", tts="edge", tts_concurrency=at_once, hosts=hosts)
                report, seconds, _ = Bench(root, turns, settings, EdgeEngine).run()
                rows.append((at_once, report.synthesized, seconds))
            finally:
                shutil.rmtree(root, ignore_errors=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=55)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--edge-delay", type=float, default=0.3, help="seconds the Edge stand-in takes per request")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="podcast-bench-"))
    try:
        bench = Bench(root, args.turns)
        report, seconds, episode = bench.run()
        turns = len(episode.turns)
        print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}")
        print(f"episode: {turns} turns, {report.audio['bench'].duration:.1f} s of audio")
        print(f"{'scenario':<44}{'speech calls':>13}{'seconds':>10}")
        print(f"{'first build (cold cache)':<44}{report.synthesized:>13}{seconds:>10.3f}")
        a, b, c, d = (turns * n // 8 for n in (1, 2, 4, 6))
        rows = [("rebuild, nothing changed", {}),
                ("edit 1 turn", {a: "改过的一句话。"}),
                ("edit 3 other turns", {b: "另一处修改。", c: "第二处修改。", d: "第三处修改。"}),
                ("undo the edits (audio still cached)", {})]
        for label, edits in rows:
            report, seconds, _ = bench.run(edits)
            print(f"{label:<44}{report.synthesized:>13}{seconds:>10.3f}")
        clone = root.parent / (root.name + "-clone")
        shutil.copytree(root, clone, ignore=shutil.ignore_patterns(".cache"))
        fresh = Bench.__new__(Bench)
        fresh.root, fresh.turns, fresh.settings, fresh.engine = clone, args.turns, bench.settings, bench.engine
        report, seconds, _ = fresh.run()
        print(f"{'fresh clone with published audio':<44}{report.synthesized:>13}{seconds:>10.3f}")
        report, seconds, _ = fresh.run({5: "克隆里改一句。"})
        print(f"{'fresh clone, edit 1 turn':<44}{report.synthesized:>13}{seconds:>10.3f}")
        shutil.rmtree(clone)
        times = []
        for _ in range(args.repeat):
            (root / "audio/bench.mp3").unlink()
            report, seconds, _ = bench.run()
            assert report.synthesized == 0 and report.reused == 0
            times.append(seconds)
        print(f"assemble {turns} turns from cache (no re-encoding), {args.repeat} runs: "
              f"median {statistics.median(times) * 1000:.1f} ms, max {max(times) * 1000:.1f} ms")
        limiter(bench, turns, loudness(bench, turns))
        for at_once, calls, seconds in bench_edge(args.turns, args.edge_delay):
            label = f"edge stand-in, {args.edge_delay * 1000:.0f} ms a request, {at_once} at once"
            print(f"{label:<44}{calls:>13}{seconds:>10.3f}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def loudness(bench: Bench, turns: int) -> str:
    """Measuring and levelling by a lossless gain alone (the limiter off): every turn from a cold level cache, then a
    one-turn edit; the episode's loudness by ffmpeg (what the limiter starts from)."""
    (bench.root / "audio/bench.mp3").unlink()
    (bench.root / ".cache/podcast/levels.json").unlink()
    lossless = replace(bench.settings, loudness_limiter=False)
    _, seconds, _ = bench.run(settings=lossless)
    print(f"loudness: measure and level {turns} turns (no level cached, limiter off): {seconds:.3f} s, "
          f"{bench.builder.leveller.measured} turns decoded")
    before = metered(bench.root / "audio/bench.mp3")
    _, seconds, _ = bench.run({turns // 2: "只改了这一句。"}, settings=lossless)
    print(f"loudness: edit 1 turn (spoken, measured, all levelled again): {seconds:.3f} s, "
          f"{bench.builder.leveller.measured} turn decoded")
    return before


def limiter(bench: Bench, turns: int, before: str) -> None:
    """The limiter's cost: every turn limited from a cold cache of limited turns (levels cached), then a one-turn
    edit; the episode's loudness by ffmpeg before and after."""
    (bench.root / "audio/bench.mp3").unlink()
    shutil.rmtree(bench.root / ".cache/podcast/limited", ignore_errors=True)
    _, seconds, _ = bench.run()
    finished = read_finished(bench.root / "audio/bench.mp3")
    limited = sum(span.limited for span in finished.turns) if finished else 0
    print(f"limiter: limit {turns} turns (none cached): {seconds:.3f} s, {bench.builder.leveller.limited} turns "
          f"limited, {limited} of {turns} in the episode")
    after = metered(bench.root / "audio/bench.mp3")
    _, seconds, _ = bench.run({turns // 2 + 1: SENTENCE.format(n=f"{turns}（改）")})  # a turn as long as the others
    print(f"limiter: edit 1 turn (spoken, measured, limited): {seconds:.3f} s, "
          f"{bench.builder.leveller.limited} turn limited")
    print(f"episode by ffmpeg ebur128: lossless gain alone {before}; limited {after}")


def metered(path: Path) -> str:
    """'-21.3 LUFS, true peak -1.2 dBTP' by ffmpeg's ebur128 on mpg123's decode; 'not measured' without them."""
    from tests.meters import TOOLS, ebur128

    if not all(shutil.which(tool) for tool in TOOLS):
        return f"not measured (needs {' and '.join(TOOLS)})"
    loudness, peak = ebur128(path)
    return f"{loudness:.1f} LUFS, true peak {peak:.1f} dBTP"


if __name__ == "__main__":
    main()
