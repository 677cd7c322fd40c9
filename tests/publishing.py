"""A GitHub repository and its Publish workflow, replayed on this machine.

The repository is a local bare remote. A run does what the workflow's jobs do, in their order: check
out the tip of the default branch (not the triggering commit), restore the turn cache, `podcast
publish build` (the build job), save the turn cache whatever the outcome, then the store step with the
standard library alone (the job with write access). Speech goes to `SpeechProxy`, which counts it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from .conftest import REPO

GIT_ENV = {"GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
           "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org"}

MKDOCS_YML = """\
site_name: Test Pod
site_url: https://pod.example.org/
theme:
  name: material
  language: zh
  font: false
plugins:
  - podcast:
      tts: gtts
      tts_rate: 50
      timezone: Asia/Shanghai
      hosts:
        卿姐: {voice: zh-CN}
        晓旭: {voice: zh-TW}
nav:
  - index.md
"""


def git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, env={**os.environ, **GIT_ENV})
    if check:
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stdout}{done.stderr}"
    return done


def episode(slug: str, lines: list[str], *, extra: str = "") -> str:
    turns = "".join(f"      - {'卿姐' if n % 2 == 0 else '晓旭'}: {text}\n" for n, text in enumerate(lines))
    return (f"title: {slug}\ndate: 2025-12-08\n{extra}summary: 关于{slug}的一期。\n"
            f"script:\n  - section: Intro\n    turns:\n{turns}")


@dataclass
class Run:
    status: int
    output: str
    clone: Path

    @property
    def site(self) -> Path:
        return self.clone / "site"


class Repository:
    """The bare remote, an editor's clone of it, and the workflow's runs against it."""

    def __init__(self, root: Path, proxy) -> None:
        self.root, self.proxy = root, proxy
        self.remote = root / "origin.git"
        git(root, "init", "--quiet", "--bare", "--initial-branch=main", str(self.remote))
        self.cache = root / "actions-cache"
        self.runs = 0
        self.editor = self.clone("editor")
        (self.editor / "docs").mkdir()
        (self.editor / "docs/index.md").write_text("# Test Pod\n", encoding="utf-8")
        (self.editor / "episodes").mkdir()
        (self.editor / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
        shutil.copy(REPO / ".gitignore", self.editor / ".gitignore")
        git(self.editor, "add", "-A")
        git(self.editor, "commit", "--quiet", "-m", "The site")
        git(self.editor, "push", "--quiet", "origin", "HEAD:main")

    def clone(self, name: str, *, depth: bool = False) -> Path:
        target = self.root / name
        extra = ["--depth=1", "--branch=main"] if depth else []
        git(self.root, "clone", "--quiet", *extra, str(self.remote), str(target))
        return target

    def push(self, message: str, files: dict[str, str | None], *, clone: Path | None = None) -> None:
        """Commit the given files (None: delete) in a clone (the editor's by default) and push them."""
        where = clone or self.editor
        for name, text in files.items():
            if text is None:
                git(where, "rm", "--quiet", name)
            else:
                (where / name).write_text(text, encoding="utf-8")
                git(where, "add", name)
        git(where, "commit", "--quiet", "-m", message)
        git(where, "push", "--quiet", "origin", "HEAD:main")

    def checkout(self) -> Path:
        """The build job's checkout: the tip of main now, whichever commit started the run."""
        self.runs += 1
        clone = self.clone(f"run{self.runs}", depth=True)
        if self.cache.is_dir():
            shutil.copytree(self.cache, clone / ".cache/podcast")
        return clone

    def build(self, clone: Path, *args: str) -> Run:
        env = {k: v for k, v in os.environ.items() if k != "PODCAST_TTS"} | self.proxy.environ | GIT_ENV
        done = subprocess.run([sys.executable, "-m", "site_plugins.podcast.cli", "publish", "build", *args],
                              cwd=clone, capture_output=True, text=True, env=env)
        if (clone / ".cache/podcast").is_dir():  # actions/cache saves with `if: always()`
            shutil.rmtree(self.cache, ignore_errors=True)
            shutil.copytree(clone / ".cache/podcast", self.cache)
        return Run(done.returncode, done.stdout + done.stderr, clone)

    def store(self, run: Run) -> subprocess.CompletedProcess:
        """The store job: Python without site-packages, so nothing installed can be needed."""
        return subprocess.run([sys.executable, "-S", "-m", "site_plugins.podcast.store", "--repo", str(run.clone),
                               "store", str(run.clone / "build/publish")], cwd=REPO, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(REPO)})

    def due(self, clone: Path, event: str, *, now: str | None = None) -> tuple[bool, str]:
        """The workflow's first step: `scripts/publish due`, with the standard library alone. (publish?, said)"""
        outputs = clone.parent / f"{clone.name}-outputs"  # a step's own, as GitHub gives each step
        outputs.unlink(missing_ok=True)
        done = subprocess.run([sys.executable, "-S", "-m", "site_plugins.podcast.store", "--repo", str(clone), "due",
                               "--event", event, *(["--now", now] if now else [])], cwd=REPO, capture_output=True,
                              text=True, env={**os.environ, "PYTHONPATH": str(REPO), "GITHUB_OUTPUT": str(outputs)})
        assert done.returncode == 0, done.stdout + done.stderr
        said = outputs.read_text(encoding="utf-8")
        assert said in ("publish=true\n", "publish=false\n"), said
        return said == "publish=true\n", done.stdout

    def publish(self) -> Run:
        run = self.build(self.checkout())
        stored = self.store(run)
        assert stored.returncode == 0, stored.stdout + stored.stderr
        return run

    def audio_branch(self) -> dict[str, str]:
        """Name -> blob of the audio branch's one commit (which must have no parent)."""
        parents = git(self.remote, "rev-list", "--parents", "-n1", "podcast-audio").stdout.split()
        assert len(parents) == 1, "the audio branch's history is replaced at each publish"
        listing = git(self.remote, "ls-tree", "podcast-audio").stdout.splitlines()
        return {line.split("\t")[1]: line.split()[2] for line in listing}


ONE = [f"第一期的第{n}句，聊聊潮汐发电。" for n in range(1, 5)]
TWO = [f"第二期的第{n}句，说说城市公交。" for n in range(1, 5)]
"""The turns of the two episodes a publishing test starts from."""


def two_episodes(tmp_path: Path, proxy) -> Repository:
    """A repository (with its bare remote) whose first push holds two short episodes, `one` and `two`."""
    repo = Repository(tmp_path, proxy)
    repo.push("Two episodes", {"episodes/one.yaml": episode("one", ONE), "episodes/two.yaml": episode("two", TWO)})
    return repo
