"""Shared fixtures: a real site in a temporary folder, built in-process by MkDocs."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from site_plugins.podcast import Host, Settings

pytest_plugins = ["tests.tiers", "pytester"]

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
UPDATE_GOLDEN = os.environ.get("PODCAST_UPDATE_GOLDEN") == "1"
"""Set PODCAST_UPDATE_GOLDEN=1 to rewrite expected outputs; review the diff before committing."""

TEST_SETTINGS = Settings(language="zh", hosts=(Host("卿姐", voice="zh-CN"), Host("晓旭", voice="zh-TW")),
                         timezone="Asia/Shanghai")

MKDOCS_YML = """\
site_name: Test Pod
site_url: https://pod.example.org/
theme:
  name: material
  language: {language}
  font: false
plugins:
  - podcast:
      tts: espeak
      timezone: Asia/Shanghai
      per_page: {per_page}
      hosts:
        卿姐: {{voice: zh-CN}}
        晓旭: {{voice: zh-TW}}
nav:
  - index.md
  - archive/index.md
"""


def episode_yaml(title: str = "测试节目", *, date: str = "2025-12-08", extra: str = "",
                 turns: str = "      - 卿姐: 大家好。\n      - 晓旭: 你好。\n") -> str:
    """A small valid episode file; `extra` adds top-level lines."""
    return (f"title: {title}\ndate: {date}\n{extra}"
            f"script:\n  - section: Intro\n    turns:\n{turns}")


def square_png(size: int, *, height: int | None = None, alpha: bool = False) -> bytes:
    """A real PNG of `size` x `height` black pixels (RGB, or RGBA with `alpha`)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    height = height or size
    rows = (b"\x00" + b"\x00\x00\x00\xff"[:4 if alpha else 3] * size) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, height, 8, 6 if alpha else 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def copy_site(root: Path, names: tuple[str, ...] = ("mkdocs.yml", "docs", "episodes")) -> None:
    """The repository's site, or the parts of it named, copied into `root`."""
    for name in names:
        (shutil.copytree if (REPO / name).is_dir() else shutil.copy)(REPO / name, root / name)


def on_a_full_disk(command: list[str], *, cwd: Path | None = None,
                   env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """`command` in a process that cannot write a file past 200 KB, as on a full disk."""
    import resource
    import signal

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))

    return subprocess.run(command, cwd=cwd, preexec_fn=small_disk, capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def build_on_a_full_disk(root: Path) -> subprocess.CompletedProcess:
    """`mkdocs build` of the site in `root` on a full disk (`on_a_full_disk`)."""
    return on_a_full_disk([str(Path(sys.executable).parent / "mkdocs"), "build", "-q", "-f", str(root / "mkdocs.yml")],
                          env={"PODCAST_TTS": "espeak", "NO_MKDOCS_2_WARNING": "1"})


def site_mp3(site: Path, slug: str) -> Path:
    """The one MP3 of an episode in a built site: its name carries the content's version."""
    found = sorted((site / "audio").glob(f"{slug}-*.mp3"))
    assert len(found) == 1 and re.fullmatch(rf"{re.escape(slug)}-[0-9a-f]{{10}}\.mp3", found[0].name), found
    return found[0]


class SiteProject:
    """A podcast project in a folder: mkdocs.yml, docs/, episodes/; built with the real MkDocs."""

    def __init__(self, root: Path, *, language: str = "zh", per_page: int = 10) -> None:
        self.root = root
        (root / "docs").mkdir(parents=True)
        (root / "episodes").mkdir()
        (root / "mkdocs.yml").write_text(MKDOCS_YML.format(language=language, per_page=per_page),
                                         encoding="utf-8")
        (root / "docs" / "index.md").write_text("# Test Pod\n\nWelcome.\n", encoding="utf-8")

    def add_episode(self, name: str, text: str) -> Path:
        path = self.root / "episodes" / name
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    def copy_samples(self) -> None:
        """The sample episodes, and the English sample's hosts, which the sample site declares (as its
        episodes keep the site's hosts)."""
        config = self.root / "mkdocs.yml"
        config.write_text(config.read_text(encoding="utf-8").replace(
            "        晓旭: {voice: zh-TW}\n", "        晓旭: {voice: zh-TW}\n"
            "        Maya: {voice: en, tld: co.uk, gender: female}\n"
            "        Theo: {voice: en, tld: com.au, gender: male}\n", 1), encoding="utf-8")
        for path in (REPO / "episodes").glob("*.yaml"):
            shutil.copy(path, self.root / "episodes" / path.name)
        shutil.copytree(REPO / "episodes/images", self.root / "episodes/images")  # what `image:` names

    def build(self, site_dir: Path | None = None, *, strict: bool = True, command: str = "build",
              dirty: bool = False) -> Path:
        from mkdocs.commands.build import build
        from mkdocs.config import load_config

        site_dir = site_dir or self.root / "site"
        config = load_config(str(self.root / "mkdocs.yml"), site_dir=str(site_dir), strict=strict)
        config.plugins.on_startup(command=command, dirty=dirty)
        try:
            build(config, dirty=dirty)
        finally:
            config.plugins.on_shutdown()
        self.plugin = config.plugins["podcast"]
        return site_dir

    def page(self, uri: str, site_dir: Path | None = None) -> str:
        return ((site_dir or self.root / "site") / uri / "index.html").read_text(encoding="utf-8")


@pytest.fixture(autouse=True, scope="session")
def no_network():
    """Tests never leave this machine: speech engines are offline unless a test answers HTTP itself."""
    import socket

    real_getaddrinfo = socket.getaddrinfo

    def local_only(host, *args, **kwargs):
        if host not in ("localhost", "127.0.0.1", "::1", None):
            raise socket.gaierror(f"tests may not resolve {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)

    previous = os.environ.get("PODCAST_TTS")
    os.environ["PODCAST_TTS"] = "espeak"
    socket.getaddrinfo = local_only
    yield
    socket.getaddrinfo = real_getaddrinfo
    if previous is None:
        os.environ.pop("PODCAST_TTS", None)
    else:
        os.environ["PODCAST_TTS"] = previous


@pytest.fixture
def project(tmp_path: Path) -> SiteProject:
    return SiteProject(tmp_path / "pod")


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> SiteProject:
    """The repository's own mkdocs.yml, docs and episodes, built once."""
    root = tmp_path_factory.mktemp("sample")
    copy_site(root)
    project = SiteProject.__new__(SiteProject)
    project.root = root
    project.build()
    return project


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, driven by Playwright; skipped (failed in CI) where it is missing. Its pages are watched
    so that a test can wait for one to settle (tests/browsing.py)."""
    from .browsing import WatchedBrowser
    from .checkers import CHROMIUM, CHROMIUM_ARGS, require

    require(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield WatchedBrowser(browser)
        browser.close()
