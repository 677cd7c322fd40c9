"""The workflows: actionlint finds nothing wrong in any of them; publishing builds strictly, keeps audio and
deploys Pages (the pull-request check has tests/test_check_workflow.py)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

pytestmark = pytest.mark.workflow

WORKFLOWS = REPO / ".github" / "workflows"
PUBLISH = WORKFLOWS / "publish.yml"


def actionlint_command() -> list[str]:
    """actionlint from this Python's environment (the dev extra installs it there), else from PATH."""
    name = "actionlint.exe" if sys.platform == "win32" else "actionlint"
    beside_python = Path(sys.executable).parent / name  # not resolved: a venv's python is a symlink
    found = str(beside_python) if beside_python.is_file() else shutil.which("actionlint")
    if found is None:
        pytest.fail("actionlint is not installed: install the project's dev extra (pip install -e '.[dev]')")
    return [found, "-no-color"]


def lint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*actionlint_command(), *map(str, files)], cwd=REPO, capture_output=True,
                          text=True, timeout=120)


def workflow_files() -> list[Path]:
    return sorted(p for p in WORKFLOWS.iterdir() if p.suffix in (".yml", ".yaml"))


def workflow_file(folder: Path, name: str, text: str) -> Path:
    """A workflow file of a repository in `folder`, from an indented text."""
    path = folder / ".github" / "workflows" / name
    path.parent.mkdir(parents=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


@pytest.fixture(scope="module")
def publish() -> dict:
    return yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))


def test_actionlint_finds_nothing_in_the_workflows():
    files = workflow_files()
    assert {PUBLISH, WORKFLOWS / "check.yml"} <= set(files)
    result = lint(*files)
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_actionlint_reports_a_broken_workflow(tmp_path: Path):
    """The lint above can fail: the same invocation finds the mistakes of a broken workflow."""
    broken = workflow_file(tmp_path, "broken.yml", """\
        name: Broken
        on: push
        jobs:
          build:
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v7
                with:
                  fetch-dpth: 0
              - run: echo "${{ steps.missing.outputs.url }}"
        """)
    result = lint(broken)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "broken.yml:9:" in output and "fetch-dpth" in output
    assert "broken.yml:10:" in output and "missing" in output


def zizmor(path: Path) -> subprocess.CompletedProcess[str]:
    """zizmor's pedantic audit, offline (the audits that ask GitHub's API about actions are left out)."""
    command = Path(sys.executable).parent / "zizmor"
    if not command.is_file():
        pytest.fail("zizmor is not installed: install the project's dev extra (pip install -e '.[dev]')")
    return subprocess.run([str(command), "--pedantic", "--offline", "--format", "plain", "--no-progress", str(path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)


def test_zizmor_finds_nothing_in_the_workflows_and_dependabot():
    result = zizmor(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout + result.stderr


def test_zizmor_reports_a_careless_workflow(tmp_path: Path):
    """The audit above can fail: an unpinned action with credentials kept and every permission is found."""
    workflow_file(tmp_path, "careless.yml", """\
        name: Careless
        on: push
        permissions: write-all
        jobs:
          build:
            name: Build
            runs-on: ubuntu-latest
            steps:
              - uses: actions/checkout@v7
        """)
    output = (lambda r: r.stdout + r.stderr)(zizmor(tmp_path))
    assert "unpinned-uses" in output and "artipacked" in output and "excessive-permissions" in output


def test_every_action_is_pinned_to_a_commit_with_its_version_beside_it():
    for path in workflow_files():
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if "uses:" in line]
        assert lines, path
        for line in lines:
            assert re.fullmatch(r"(- )?uses: [\w.-]+/[\w./-]+@[0-9a-f]{40} # v\d+(\.\d+)*", line), (path.name, line)


def test_publish_runs_on_main_by_hand_and_hourly_one_run_at_a_time(publish):
    triggers = publish[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"] == {"branches": ["main"]}, "main holds no audio: every push is worth a run"
    assert "workflow_dispatch" in triggers and triggers["schedule"] == [{"cron": "7 * * * *"}]
    assert publish["concurrency"] == {"group": "publish", "cancel-in-progress": False}


def test_publish_gives_each_job_only_what_it_needs(publish):
    jobs = publish["jobs"]
    assert publish["permissions"] == {}
    assert {name: job["permissions"] for name, job in jobs.items()} == {
        "build": {"contents": "read"}, "store": {"contents": "write"},
        "deploy": {"pages": "write", "id-token": "write"}}
    assert all(0 < job["timeout-minutes"] <= 120 for job in jobs.values())
    assert jobs["build"]["if"] == "github.ref_name == github.event.repository.default_branch"
    for step in steps(publish):
        if step.get("uses", "").startswith("actions/checkout@"):
            assert step["with"]["persist-credentials"] is False
    store_steps = [s.get("run", "") + s.get("uses", "") for s in jobs["store"]["steps"]]
    assert not [s for s in store_steps if "pip" in s or "setup-python" in s], "the job that writes installs nothing"


def test_publish_steps_are_the_projects_script(publish):
    build = publish["jobs"]["build"]
    assert build["steps"][0]["with"]["ref"] == "${{ github.event.repository.default_branch }}", "the tip, not the sha"
    runs = [s["run"] for s in steps(publish) if "run" in s]
    assert "scripts/publish build --minutes 90" in runs
    assert any(run.rstrip().endswith("scripts/publish store build/publish") for run in runs)
    assert not [run for run in runs if "git push" in run or "git commit" in run or "mkdocs" in run]


def test_publish_keeps_progress_when_the_build_fails(publish):
    jobs = publish["jobs"]
    named = {s.get("name", s.get("uses", "").split("@")[0]): s for s in jobs["build"]["steps"]}
    assert named["Save the turn cache"]["if"] == "always() && steps.due.outputs.publish == 'true'"
    assert named["Hand the audio to the store job"]["if"].startswith("always()")
    # Only a successful build is deployed (no always()), and only when the run publishes.
    assert named["actions/upload-pages-artifact"]["if"] == "steps.due.outputs.publish == 'true'"
    assert jobs["store"]["if"] == "always() && needs.build.outputs.store == 'true'"
    assert jobs["deploy"]["needs"] == ["build", "store"] and "if" not in jobs["deploy"]
    assert [s["uses"].split("@")[0] for s in jobs["deploy"]["steps"]] == ["actions/deploy-pages"]
    assert jobs["deploy"]["environment"]["name"] == "github-pages"


def test_an_hourly_run_asks_first_and_builds_nothing_unless_told(publish):
    """The first step after the checkout is `scripts/publish due` (tests/test_hourly.py replays it); every step
    that installs, builds or deploys runs only when it said so."""
    build = publish["jobs"]["build"]["steps"]
    assert build[1]["id"] == "due" and build[1]["run"] == 'scripts/publish due --event "$EVENT"'
    assert build[1]["env"] == {"EVENT": "${{ github.event_name }}"} and "if" not in build[1]
    gated = [s.get("name", s.get("uses", "").split("@")[0]) for s in build[2:]
             if "steps.due.outputs.publish == 'true'" in s.get("if", "")]
    assert gated == ["actions/setup-python", "Restore the turn cache", "Build", "Save the turn cache",
                     "actions/upload-pages-artifact"]
    # Without a build there is no build/publish/.base, so nothing to store and, the store job skipped, no deploy.


def test_the_store_step_replayed_against_a_bare_remote(publish, tmp_path: Path):
    """The store job's script, run by bash as the runner runs it, in a clone of the project whose origin is
    a local bare repository: it replaces the audio branch with the handed-over folder."""
    project = tmp_path / "project"
    shutil.copytree(REPO / "scripts", project / "scripts")
    shutil.copytree(REPO / "site_plugins", project / "site_plugins",
                    ignore=shutil.ignore_patterns("__pycache__"))
    remote = tmp_path / "origin.git"
    env = {**os.environ, "GIT_AUTHOR_NAME": "A", "GIT_AUTHOR_EMAIL": "a@example.org",
           "GIT_COMMITTER_NAME": "A", "GIT_COMMITTER_EMAIL": "a@example.org"}
    for command in (["git", "init", "-q", "--bare", str(remote)], ["git", "init", "-q", str(project)],
                    ["git", "-C", str(project), "add", "-A"], ["git", "-C", str(project), "commit", "-qm", "x"],
                    ["git", "-C", str(project), "remote", "add", "origin", str(remote)]):
        subprocess.run(command, check=True, env=env, capture_output=True)
    handed = project / "build/publish"
    handed.mkdir(parents=True)
    (handed / ".base").write_text("", encoding="ascii")
    (handed / "a.mp3").write_bytes(b"ID3 not really audio")
    (handed / "published.json").write_text('{"format": 1, "episodes": {}}\n', encoding="utf-8")
    [step] = [s for s in publish["jobs"]["store"]["steps"] if "run" in s]
    script = tmp_path / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=project,
                          env={**env, "TOKEN": "not-a-real-token"}, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "::add-mask::" in done.stdout and "not-a-real-token" not in done.stdout
    listing = subprocess.run(["git", "-C", str(remote), "ls-tree", "--name-only", "podcast-audio"],
                             capture_output=True, text=True, check=True).stdout.split()
    assert listing == ["a.mp3", "published.json"]


def test_the_publish_script_hands_each_step_to_its_command():
    usage = subprocess.run([str(REPO / "scripts/publish")], capture_output=True, text=True)
    assert usage.returncode == 2 and "usage: scripts/publish build" in usage.stderr
    build = subprocess.run([str(REPO / "scripts/publish"), "build", "--help"], capture_output=True, text=True)
    assert build.returncode == 0 and "--minutes" in build.stdout, build.stderr
    store = subprocess.run([str(REPO / "scripts/publish"), "store", "--help"], capture_output=True, text=True)
    assert store.returncode == 0 and "usage: python -m site_plugins.podcast.store store" in store.stdout
    due = subprocess.run([str(REPO / "scripts/publish"), "due", "--help"], capture_output=True, text=True)
    assert due.returncode == 0 and "--event" in due.stdout, due.stderr
