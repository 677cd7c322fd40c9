"""The workflows: actionlint finds nothing wrong in any of them; publishing builds strictly, keeps audio and
deploys Pages (the pull-request check has tests/test_check_workflow.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from .conftest import REPO

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
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(textwrap.dedent("""\
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
        """), encoding="utf-8")
    result = lint(broken)
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "broken.yml:9:" in output and "fetch-dpth" in output
    assert "broken.yml:10:" in output and "missing" in output


def test_publish_runs_on_main_and_by_hand_but_not_for_its_own_audio_commit(publish):
    triggers = publish[True]  # YAML 1.1 reads the key `on` as true
    assert triggers["push"]["branches"] == ["main"]
    assert "audio/**" in triggers["push"]["paths-ignore"]
    assert "workflow_dispatch" in triggers
    assert publish["concurrency"]["cancel-in-progress"] is False


def test_publish_builds_strictly(publish):
    assert any("mkdocs build --strict" in step.get("run", "") for step in steps(publish))


def test_publish_commits_and_pushes_audio(publish):
    commit = next(step["run"] for step in steps(publish) if "git commit" in step.get("run", ""))
    assert "git add -A -- audio" in commit
    assert "[skip ci]" in commit
    assert "git pull --rebase" in commit and "git push" in commit
    build = publish["jobs"]["build"]
    assert build["permissions"]["contents"] == "write"
    names = [step.get("name") or step.get("uses") for step in build["steps"]]
    assert names.index("Build") < names.index("Commit new audio")


def test_publish_deploys_the_site_to_pages(publish):
    uses = {step["uses"].split("@")[0]: step for step in steps(publish) if "uses" in step}
    assert uses["actions/upload-pages-artifact"]["with"]["path"] == "site"
    assert "actions/configure-pages" in uses
    deploy = publish["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"]["name"] == "github-pages"
    assert [step["uses"].split("@")[0] for step in deploy["steps"]] == ["actions/deploy-pages"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
