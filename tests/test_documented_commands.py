"""Every command that the README and docs/ show works, exactly as written, in a fresh copy of the
project set up by the README's own first command (`scripts/site build`: the base install only).

A command added to the docs must be placed in one of the tables below, or the first test fails.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from .conftest import REPO

pytestmark = pytest.mark.workflow

SETUP = "scripts/site build"
"""The README's build command; it makes .venv with the base install, as a new user's first step does."""

AS_WRITTEN = (
    ".venv/bin/podcast check",
    ".venv/bin/podcast check episodes/tidal-power-pilot.yaml",
    ".venv/bin/podcast check --strict",
    "scripts/check",
    "scripts/lint",
    "export ANTHROPIC_API_KEY=...",
    ".venv/bin/pip install pre-commit",
    ".venv/bin/pre-commit install",
    ".venv/bin/pre-commit run --all-files",
    ".venv/bin/podcast build",
    ".venv/bin/mkdocs build -f build/podcast/mkdocs.yml",
    ".venv/bin/pip install zensical",
    ".venv/bin/zensical build -f build/podcast/mkdocs.yml",
    "scripts/publish fetch --local",
    ".venv/bin/podcast voices --engine espeak --language zh --gender male",
    '.venv/bin/podcast say "大家好，欢迎收听。" --host 晓旭 -o sample.mp3',
)
"""Commands that must exit 0 in the fresh copy after SETUP, run in this order (later ones need earlier ones)."""

SERVERS = {"scripts/site serve": "http://127.0.0.1:8000/goose-pod/"}
"""The address is the one the README gives: mkdocs serve serves the site under the path of its site_url."""
"""Commands that serve until stopped: they must answer at the address."""

NEED_A_SERVICE = {
    "scripts/draft https://news.example.com/some-story": "ANTHROPIC_API_KEY is not set",
    "scripts/draft https://news.example.com/some-story --listener 蕭睿 --minutes 12": "ANTHROPIC_API_KEY is not set",
    "scripts/draft --section Conflict episodes/my-episode.yaml": "ANTHROPIC_API_KEY is not set",
}
"""Commands that need a service a test cannot reach (Claude): run as written without its key, they must
install what they need and stop with one line naming the missing key (no traceback)."""

ELSEWHERE = {
    "scripts/test": "the command running this suite (.ci/run runs exactly it)",
    "scripts/test --fast": "this suite's unit tier, which every run of the suite runs",
    "git clone <address of this repository> my-podcast": "placeholders for the reader's own repository",
    "cd my-podcast": "part of the clone above",
    "git remote set-url origin https://github.com/<user>/<repo>.git": "placeholders for the reader's repository",
    "git push -u origin main": "pushes to the reader's GitHub repository",
    'gh release create audio --title "Episode audio" --notes "The podcast\'s MP3 files."': "GitHub's CLI, "
    "against the reader's repository",
    ".venv/bin/python scripts/bench_audio.py": "tests/test_bench.py runs this script at a small size",
    ".venv/bin/python scripts/bench.py --episodes 100 --repeat 3": "tests/test_bench.py runs it at a small size",
    ".venv/bin/python scripts/bench.py --episodes 1000 --repeat 1": "tests/test_bench.py runs it at a small size",
    ".venv/bin/python scripts/bench.py --related-only --related 10000": "tests/test_bench.py runs it at a small size",
    ".venv/bin/python scripts/lighthouse.py --runs 3": "tests/test_lighthouse.py runs it with one run",
    ".venv/bin/python scripts/bench.py --episodes 1000 --repeat 3": "tests/test_bench.py runs it at a small size",
    ".venv/bin/python scripts/bench.py --episodes 10000 --repeat 1": "tests/test_bench.py runs it at a small size",
    ".venv/bin/python scripts/bench.py --episodes 1000 --growth 10000 --repeat 1": "tests/test_bench.py runs it at a "
    "small size",
    ".venv/bin/python scripts/bench.py --episodes 100 --repeat 3 --recorded 300 --minutes 20": "tests/test_bench.py "
    "runs it at a small size",
    ".venv/bin/python scripts/bench.py --episodes 1000 --repeat 1 --keep bench-site": "tests/test_bench.py "
    "runs it at a small size",
    ".venv/bin/python scripts/bench.py --episodes 1000 --repeat 3 --keep /dev/shm/bench": "tests/test_bench.py "
    "runs it at a small size (`--keep` names any folder; /dev/shm is Linux's folder held in memory)",
    "PODCAST_TTS=espeak .venv/bin/python -m cProfile -o build.prof .venv/bin/mkdocs build -q -f "
    "bench-site/podcast/mkdocs.yml": "profiles the site that the benchmark above keeps",
}
"""Commands a test cannot run as written, each with the reason."""

_BLOCK = re.compile(r"^( *)```(?:sh|bash|shell)\n(.*?)^\1```", re.S | re.M)


def documented_commands() -> dict[str, str]:
    """command -> the file that shows it, from every shell block of the README and docs/."""
    found: dict[str, str] = {}
    for path in [REPO / "README.md", *sorted((REPO / "docs").rglob("*.md"))]:
        for block in _BLOCK.finditer(path.read_text(encoding="utf-8")):
            for line in block.group(2).splitlines():
                command = re.sub(r"\s+#\s.*$", "", line).strip()
                if command:
                    found.setdefault(command, path.relative_to(REPO).as_posix())
    return found


def test_every_documented_command_is_covered():
    tables = [{SETUP}, set(AS_WRITTEN), set(SERVERS), set(NEED_A_SERVICE), set(ELSEWHERE)]
    shown = documented_commands()
    assert {c: f for c, f in shown.items() if not any(c in t for t in tables)} == {}, \
        "a documented command is in none of the tables of this test: add it to the one that says how it is run"
    assert [c for t in tables for c in t if c not in shown] == [], "a table names a command no doc shows"


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """What a commit of the working tree holds, built with the README's command."""
    root = tmp_path_factory.mktemp("fresh") / "pod"
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, root / name)
    for command in ("git init -q", "git add -A", "git -c user.name=t -c user.email=t@example.org commit -qm clone"):
        run(command, root, expect=0)  # a clone is a repository: pre-commit needs one
    run(SETUP, root, expect=0)
    return root


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "ANTHROPIC_API_KEY", "PYTHONPATH")}
    return {**env, "PODCAST_TTS": "espeak", "NO_MKDOCS_2_WARNING": "1"}  # tests never call online voices


def run(command: str, cwd: Path, *, expect: int | None) -> subprocess.CompletedProcess:
    result = subprocess.run(["bash", "-c", command], cwd=cwd, env=environment(), capture_output=True, text=True,
                            timeout=900, stdin=subprocess.DEVNULL)
    if expect is not None:
        assert result.returncode == expect, f"{command}\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    assert "Traceback" not in result.stdout + result.stderr, f"{command}\n{result.stderr[-3000:]}"
    return result


def test_the_setup_made_the_site(fresh):
    assert (fresh / "site/index.html").is_file() and (fresh / "site/feed.xml").is_file()
    assert not (fresh / ".venv/.installed[draft]").exists(), "the build must need the base install only"


@pytest.mark.parametrize("command", AS_WRITTEN)
def test_command_works_as_written(fresh, command):
    run(command, fresh, expect=0)


@pytest.mark.parametrize("command", sorted(NEED_A_SERVICE))
def test_command_without_its_service_says_what_is_missing(fresh, command):
    result = run(command, fresh, expect=2)
    assert result.stderr.strip().splitlines()[-1].startswith("podcast: ")
    assert NEED_A_SERVICE[command] in result.stderr


@pytest.mark.parametrize("command", sorted(SERVERS))
def test_server_answers(fresh, command):
    address = SERVERS[command]
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(rf"^{re.escape(command)}\s+#.*{re.escape(address)}", readme, re.M), \
        "the README must give the address the preview answers at"
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8000)) == 0:
            pytest.fail("port 8000 is taken: stop what listens there and run the test again")
    server = subprocess.Popen(["bash", "-c", f"exec {command}"], cwd=fresh, env=environment(),
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 180
        while True:
            assert server.poll() is None, f"{command} stopped"
            try:
                with urllib.request.urlopen(address + "episodes/tidal-power-pilot/", timeout=10) as response:
                    assert "Port Alder" in response.read().decode("utf-8")
                    break
            except OSError:
                assert time.monotonic() < deadline, f"{command} never answered at {address}"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
