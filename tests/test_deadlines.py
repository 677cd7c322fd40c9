"""Speech servers that answer 200 and then trickle: every request has a total deadline, Ctrl-C ends a build within
5 s and a run's time for speech is kept within 30 s, for both online engines (tests/speechproxy.py and
tests/edgestandin.py, each told to trickle)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.speech import EdgeEngine, GttsEngine, RetryPolicy, SpeechError, Voice

from .conftest import REPO, TEST_SETTINGS
from .edgestandin import EdgeStandIn
from .speechproxy import SpeechProxy
from .test_audio import catalog_of, script_episode

pytestmark = pytest.mark.unit

ENGINES = ("gtts", "edge")
LINES = [f"第{n}句话，慢慢地说。" for n in range(12)]


@contextmanager
def trickling(engine: str, folder: Path) -> Iterator[tuple[dict[str, str], str, Callable[[float], bool]]]:
    """A stand-in for `engine` that answers 200 and then one byte (Edge: one audio message) every 2 s, as a stalled
    server does: (the environment that sends a process's requests there, Edge's address, a wait for the first
    request)."""
    if engine == "gtts":
        with SpeechProxy(folder) as proxy:
            proxy.trickle = 2.0
            yield proxy.environ, "", proxy.trickling.wait
    else:
        with EdgeStandIn() as server:
            server.trickle = 2.0
            with server.use():
                yield ({"no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}, server.wss_url,
                       lambda timeout: server.wait_until(lambda s: bool(s.requests), timeout))


@pytest.mark.parametrize("engine", ENGINES)
def test_a_trickling_answer_ends_at_the_requests_deadline(engine, tmp_path, monkeypatch):
    with trickling(engine, tmp_path) as (environ, _, _):
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        once = RetryPolicy(attempts=1)
        speaker = GttsEngine(retry=once, deadline=2) if engine == "gtts" else EdgeEngine(retry=once, deadline=2)
        started = time.monotonic()
        with pytest.raises(SpeechError, match="took longer than 2 s to answer") as raised:
            speaker.synthesize("慢慢地说。", Voice("zh-CN", name="zh-CN-XiaoxiaoNeural"))
        took = time.monotonic() - started
    assert not raised.value.stopped
    # The bytes keep coming, so no read times out: only the deadline ends it (generous for a loaded machine).
    assert took < 15, f"the request took {took:.1f} s"


STALLED_RUN = """
import signal
import sys
# Ctrl-C as a terminal delivers it: a child inherits an ignored or blocked SIGINT from the process that starts
# it (a test worker may have either), and Python then never raises KeyboardInterrupt.
signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
signal.signal(signal.SIGINT, signal.default_int_handler)
from dataclasses import replace
from pathlib import Path
from site_plugins.podcast import load_catalog
from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.speech import EdgeEngine, GttsEngine
from tests.conftest import TEST_SETTINGS
root, engine, address = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
if address:
    import edge_tts.communicate
    edge_tts.communicate.WSS_URL = address
settings = replace(TEST_SETTINGS, tts=engine, tts_concurrency=2, audio_dir=str(root / "audio"),
                   cache_dir=str(root / "cache"))
catalog = load_catalog([root / "episodes"], settings, root=root, include_drafts=False)
speaker = EdgeEngine() if engine == "edge" else GttsEngine()
try:
    AudioBuilder(settings, project_dir=root, engine=speaker).build(catalog.episodes)
except KeyboardInterrupt:
    raise SystemExit(130)
"""


@pytest.mark.site
@pytest.mark.parametrize("engine", ENGINES)
def test_ctrl_c_ends_a_build_held_by_a_trickling_server_within_5_s(engine, tmp_path):
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes/a.yaml").write_text(script_episode("a", LINES), encoding="utf-8")
    with trickling(engine, tmp_path) as (environ, address, asked):
        process = subprocess.Popen([sys.executable, "-c", STALLED_RUN, str(tmp_path), engine, address], cwd=REPO,
                                   text=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   env={**os.environ, **environ, "PYTHONPATH": str(REPO)})
        try:
            assert asked(60), "the build never asked the stand-in"
            process.send_signal(signal.SIGINT)
            interrupted = time.monotonic()
            _, err = process.communicate(timeout=60)  # a guard against a hang only
            waited = time.monotonic() - interrupted
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
    assert process.returncode == 130, err[-2000:]
    assert waited <= 5, f"the build went on {waited:.1f} s after Ctrl-C"


@pytest.mark.site
@pytest.mark.parametrize("engine", ENGINES)
def test_a_runs_time_for_speech_is_kept_within_30_s_whatever_the_server_does(engine, tmp_path, monkeypatch):
    settings = replace(TEST_SETTINGS, tts=engine, tts_concurrency=2, audio_dir=str(tmp_path / "audio"),
                       cache_dir=str(tmp_path / "cache"))
    catalog = catalog_of(tmp_path, settings, {"a.yaml": script_episode("a", LINES)})
    with trickling(engine, tmp_path) as (environ, _, _):
        for name, value in environ.items():
            monkeypatch.setenv(name, value)
        speaker = GttsEngine() if engine == "gtts" else EdgeEngine()
        until = time.time() + 2
        report = AudioBuilder(settings, project_dir=tmp_path, engine=speaker, speak_until=until).build(
            catalog.episodes)
        over = time.time() - until
    assert over <= 30, f"speech went on {over:.0f} s past the run's time"
    assert report.audio == {}
    assert [p for p in report.problems if "time for speech is used up" in str(p)], report.problems
