"""The pre-commit hooks, run by the real pre-commit in a git repository holding a copy of the project: this
repository's local hook (scripts/check) and the hook other repositories use (.pre-commit-hooks.yaml) pass
on the samples and stop a commit with a bad episode, naming its file, line and column."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, episode_yaml

pytestmark = pytest.mark.workflow

PROJECT = ("mkdocs.yml", "pyproject.toml", "README.md", ".gitignore", ".pre-commit-config.yaml",
           ".pre-commit-hooks.yaml", "episodes", "docs", "scripts", "site_plugins")
"""What a clone holds that the hooks need (README.md: pyproject.toml names it, and the hook installs the project)."""

BAD_SPEAKER = episode_yaml("坏节目", turns="      - 卿 姐: 你好。\n")
BAD_SPEAKER_AT = "episodes/bad-speaker.yaml:6:9: speaker '卿 姐' is not a host"

BIN = Path(sys.executable).parent  # not resolved: a venv's python is a symlink
"""The environment running these tests: it has the project (and its `podcast` command) and pre-commit."""


def environment(home: Path, **extra: str) -> dict[str, str]:
    """No colours, pre-commit's cache in `home`, a git identity, and nothing of an outer git command or venv."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT")) and k != "VIRTUAL_ENV"}
    return {**env, "PRE_COMMIT_HOME": str(home), "PRE_COMMIT_COLOR": "never", "NO_COLOR": "1",
            "GIT_AUTHOR_NAME": "Editor", "GIT_AUTHOR_EMAIL": "editor@example.org",
            "GIT_COMMITTER_NAME": "Editor", "GIT_COMMITTER_EMAIL": "editor@example.org", **extra}


def run(*command: str | Path, cwd: Path, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(list(map(str, command)), cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def pre_commit(*args: str | Path, cwd: Path, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess:
    return run(sys.executable, "-m", "pre_commit", *args, cwd=cwd, env=env, timeout=timeout)


def git(*args: str, cwd: Path, env: dict[str, str]) -> None:
    result = run("git", *args, cwd=cwd, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def copy_project(root: Path) -> Path:
    """The project's files with their metadata (scripts stay executable)."""
    root.mkdir(parents=True)
    for name in PROJECT:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, symlinks=True, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, root / name)
    return root


def borrow_venv(root: Path) -> None:
    """Lend the tests' environment to scripts/check as root/.venv, and mark it installed for this pyproject.toml,
    so ensure_venv installs nothing (an install would point the shared environment at this copy)."""
    venv = root / ".venv"
    venv.mkdir()
    (venv / "bin").symlink_to(BIN, target_is_directory=True)
    later = (root / "pyproject.toml").stat().st_mtime + 60
    for extras in ("", "[lint]"):  # scripts/check installs the project, scripts/lint its lint extra
        stamp = venv / f".installed{extras}"
        stamp.touch()
        os.utime(stamp, (later, later))


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "pre-commit-cache"


@pytest.fixture
def clone(tmp_path: Path, home: Path) -> Path:
    """A clone of the project, its .venv borrowed, everything staged but nothing committed."""
    if not (BIN / "podcast").is_file():
        pytest.fail(f"no `podcast` command beside {sys.executable}: install the project (pip install -e '.[dev]')")
    root = copy_project(tmp_path / "clone")
    borrow_venv(root)
    git("init", "--quiet", cwd=root, env=environment(home))
    git("add", "--all", cwd=root, env=environment(home))
    return root


def local_hook_env(home: Path) -> dict[str, str]:
    # Should ensure_venv try to install after all, pip fails at once instead of changing the shared environment.
    return environment(home, PIP_NO_INDEX="1")


def test_the_hook_files_are_valid_for_pre_commit(tmp_path: Path):
    env = environment(tmp_path)
    manifest = pre_commit("validate-manifest", REPO / ".pre-commit-hooks.yaml", cwd=REPO, env=env)
    assert (manifest.returncode, manifest.stdout + manifest.stderr) == (0, "")
    config = pre_commit("validate-config", REPO / ".pre-commit-config.yaml", cwd=REPO, env=env)
    assert (config.returncode, config.stdout + config.stderr) == (0, "")


def test_validation_of_the_hook_files_can_fail(tmp_path: Path):
    broken = tmp_path / ".pre-commit-hooks.yaml"
    broken.write_text((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
                      .replace("language: python", "language: pyhton"), encoding="utf-8")
    result = pre_commit("validate-manifest", broken, cwd=tmp_path, env=environment(tmp_path))
    assert result.returncode == 1
    assert "pyhton" in result.stdout + result.stderr


def test_the_local_hook_passes_on_the_samples_and_fails_on_a_bad_speaker(clone: Path, home: Path):
    env = local_hook_env(home)
    clean = pre_commit("run", "--all-files", cwd=clone, env=env)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "podcast check --strict" in clean.stdout and "Passed" in clean.stdout

    (clone / "episodes" / "bad-speaker.yaml").write_text(BAD_SPEAKER, encoding="utf-8")
    git("add", "episodes/bad-speaker.yaml", cwd=clone, env=env)
    broken = pre_commit("run", "--all-files", cwd=clone, env=env)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert "Failed" in broken.stdout
    assert BAD_SPEAKER_AT in broken.stdout
    assert not (home / "repo").exists() and not list(home.glob("repo*")), "a local hook downloads nothing"


def test_an_installed_hook_refuses_a_commit_with_a_warning(clone: Path, home: Path):
    """What an editor gets after `pre-commit install`: a clean commit goes through, a warning stops the next."""
    env = local_hook_env(home)
    installed = pre_commit("install", cwd=clone, env=env)
    assert installed.returncode == 0, installed.stdout + installed.stderr
    git("commit", "--quiet", "-m", "The samples", cwd=clone, env=env)

    typo = clone / "episodes" / "typo.yaml"
    typo.write_text(episode_yaml("好 #2"), encoding="utf-8")
    git("add", "episodes/typo.yaml", cwd=clone, env=env)
    refused = run("git", "commit", "-m", "An episode with a typo", cwd=clone, env=env)
    assert refused.returncode == 1, refused.stdout + refused.stderr
    assert "episodes/typo.yaml:1:8: warning: title is cut short" in refused.stdout + refused.stderr
    log = run("git", "log", "--format=%s", cwd=clone, env=env)
    assert log.stdout.splitlines() == ["The samples"]


def test_the_published_hook_installs_the_project_and_checks_another_repository(tmp_path: Path, clone: Path,
                                                                               home: Path):
    """`pre-commit try-repo` does what a repository naming this one in its config gets: a fresh environment with
    the project installed from the package index (this needs the index), running `podcast check --strict`."""
    env = environment(home)
    git("commit", "--quiet", "-m", "The project", cwd=clone, env=env)
    site = tmp_path / "site"
    site.mkdir()
    shutil.copy2(REPO / "mkdocs.yml", site)
    for name in ("episodes", "docs"):
        shutil.copytree(REPO / name, site / name)
    git("init", "--quiet", cwd=site, env=env)
    git("add", "--all", cwd=site, env=env)

    clean = pre_commit("try-repo", clone, "podcast-check", "--all-files", cwd=site, env=env, timeout=600)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "Passed" in clean.stdout

    (site / "episodes" / "bad-speaker.yaml").write_text(BAD_SPEAKER, encoding="utf-8")
    git("add", "episodes/bad-speaker.yaml", cwd=site, env=env)
    broken = pre_commit("try-repo", clone, "podcast-check", "--all-files", cwd=site, env=env, timeout=600)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    assert BAD_SPEAKER_AT in broken.stdout
