"""The independent loudness meter: ffmpeg's `ebur128` filter on what mpg123 decodes (tests and benchmarks).

ffmpeg's own MP3 decoder differs from mpg123 and dr_mp3 (which agree within a 16-bit step) in some frames
around LAME's short blocks, by up to 2.4 dB at a peak, so ffmpeg decoding for itself would meter its decoder
as well as the file.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

TOOLS = ("ffmpeg", "mpg123")


def ebur128(path: Path, start: float | None = None, end: float | None = None) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of the file, or of its part from `start` to `end` seconds."""
    pcm = subprocess.run(["mpg123", "-q", "-e", "f32", "-s", str(path)], capture_output=True, check=True).stdout
    cut = f"atrim=start={start}:end={end}," if start is not None else ""
    result = subprocess.run(["ffmpeg", "-hide_banner", "-nostats", "-f", "f32le", "-ar", "24000", "-ac", "1",
                             "-i", "-", "-af", f"{cut}ebur128=peak=true", "-f", "null", "-"],
                            input=pcm, capture_output=True, check=True)
    summary = result.stderr.decode()[result.stderr.decode().rfind("Summary:"):]
    loudness = re.search(r"I:\s+(-?[\d.]+|-inf) LUFS", summary)
    peak = re.search(r"True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS", summary)
    assert loudness and peak, summary
    return float(loudness.group(1)), float(peak.group(1))
