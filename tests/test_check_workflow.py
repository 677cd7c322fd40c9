"""The pull-request workflow (.github/workflows/check.yml): it only reads, checks and builds strictly with the
offline voice, and every problem it finds becomes an annotation on its file and line. Its steps are replayed
here as GitHub's runner runs them, on a copy of the project with a broken episode."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import REPO, episode_yaml

pytestmark = pytest.mark.workflow

WORKFLOWS = REPO / ".github" / "workflows"
CHECK = WORKFLOWS / "check.yml"
PUBLISH = WORKFLOWS / "publish.yml"
BIN = Path(sys.executable).parent  # not resolved: a venv's python is a symlink

BAD_SPEAKER = episode_yaml("坏节目", turns="      - 卿 姐: 你好。\n")
TYPO = episode_yaml("错字 #2")
"""A file with a warning: its title is cut at ' #'."""


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(CHECK.read_text(encoding="utf-8"))


def steps(workflow: dict) -> list[dict]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def step_running(workflow: dict, command: str) -> dict:
    [step] = [step for step in steps(workflow) if command in step.get("run", "")]
    return step


def matcher_path(workflow: dict) -> Path:
    run = step_running(workflow, "::add-matcher::")["run"]
    return REPO / re.search(r"::add-matcher::(\S+?)\"?$", run.strip()).group(1)


def project_with(root: Path, episodes: dict[str, str]) -> Path:
    """The repository's site (mkdocs.yml, docs, the sample episodes) plus `episodes`."""
    root.mkdir()
    shutil.copy2(REPO / "mkdocs.yml", root)
    for name in ("docs", "episodes"):
        shutil.copytree(REPO / name, root / name)
    for name, text in episodes.items():
        (root / "episodes" / name).write_text(text, encoding="utf-8")
    return root


def replay(step: dict, cwd: Path) -> subprocess.CompletedProcess:
    """A `run:` step as the runner runs it: bash with -eo pipefail, the step's env, the installed commands on PATH,
    and one log holding both output streams."""
    script = cwd.parent / "step.sh"
    script.write_text(step["run"], encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "VIRTUAL_ENV"}
    env.update({name: str(value) for name, value in step.get("env", {}).items()})
    env["PATH"] = f"{BIN}{os.pathsep}{env['PATH']}"
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=cwd, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600)


def matches(workflow: dict, log: str) -> list[tuple[str, int, int, str, str]]:
    """(file, line, column, severity, message) of every log line the workflow's problem matcher picks up."""
    [matcher] = json.loads(matcher_path(workflow).read_text(encoding="utf-8"))["problemMatcher"]
    [pattern] = matcher["pattern"]
    regexp = re.compile(pattern["regexp"])  # written for JavaScript, in the part of it that Python reads alike
    found = []
    for line in log.splitlines():
        if match := regexp.search(line):
            found.append((match.group(pattern["file"]), int(match.group(pattern["line"])),
                          int(match.group(pattern["column"])),
                          match.group(pattern["severity"]) or matcher["severity"], match.group(pattern["message"])))
    return found


def test_runs_on_pull_requests_and_by_hand_with_read_only_access(workflow):
    assert set(workflow[True]) == {"pull_request", "workflow_dispatch"}  # YAML 1.1 reads the key `on` as true
    assert workflow["permissions"] == {}
    assert [job["permissions"] for job in workflow["jobs"].values()] == [{"contents": "read"}]
    assert all(job["timeout-minutes"] <= 30 for job in workflow["jobs"].values())
    assert "github.event.pull_request.number" in workflow["concurrency"]["group"]
    assert workflow["concurrency"]["cancel-in-progress"] is True


def test_uses_the_actions_of_the_publishing_workflow(workflow):
    publish = yaml.safe_load(PUBLISH.read_text(encoding="utf-8"))
    published = {s["uses"].split("@")[0]: s["uses"] for s in steps(publish) if "uses" in s}
    used = [s["uses"] for s in steps(workflow) if "uses" in s]
    assert [u.split("@")[0] for u in used] == ["actions/checkout", "actions/setup-python"]
    assert used == [published["actions/checkout"], published["actions/setup-python"]]


def test_checks_then_builds_strictly_offline_and_deploys_nothing(workflow):
    runs = [s.get("run", "") for s in steps(workflow)]
    assert runs.index("pip install .") < runs.index("podcast check --strict --format github")
    matcher = next(i for i, run in enumerate(runs) if "::add-matcher::" in run)
    build = step_running(workflow, "mkdocs build")
    assert runs.index("podcast check --strict --format github") < matcher < runs.index(build["run"])
    assert build["run"] == "mkdocs build --strict"
    assert build["env"] == {"PODCAST_TTS": "espeak", "NO_MKDOCS_2_WARNING": "1"}
    assert not [run for run in runs if "git " in run or "gh-deploy" in run]


def test_the_check_step_annotates_each_problem_on_its_line(workflow, tmp_path: Path):
    root = project_with(tmp_path / "pod", {"bad-speaker.yaml": BAD_SPEAKER, "typo.yaml": TYPO})
    result = replay(step_running(workflow, "podcast check"), root)
    assert result.returncode == 1, result.stdout
    annotations = [line for line in result.stdout.splitlines() if line.startswith("::")]
    assert annotations == [
        "::error file=episodes/bad-speaker.yaml,line=6,col=9::speaker '卿 姐' is not a host "
        "(known: 卿姐, 晓旭, Maya, Theo) (did you mean '卿姐'?)",
        "::error file=episodes/typo.yaml,line=1,col=8::title is cut short: YAML reads ' #' and what follows on "
        "the line as a comment and leaves it out; put the whole text in quotes, or write it as a block with '|'",
    ]


def test_the_check_step_passes_on_the_samples(workflow, tmp_path: Path):
    result = replay(step_running(workflow, "podcast check"), project_with(tmp_path / "pod", {}))
    assert result.returncode == 0, result.stdout
    assert "::" not in result.stdout


def test_the_problem_matcher_annotates_an_error_of_the_build(workflow, tmp_path: Path):
    """A strict build stops at an episode with an error, listing each problem on a line of its own."""
    root = project_with(tmp_path / "pod", {"bad-speaker.yaml": BAD_SPEAKER})
    result = replay(step_running(workflow, "mkdocs build"), root)
    assert result.returncode == 1, result.stdout
    assert "episodes/bad-speaker.yaml:6:9: speaker '卿 姐' is not a host" in result.stdout
    assert matches(workflow, result.stdout) == [
        ("episodes/bad-speaker.yaml", 6, 9, "error", "speaker '卿 姐' is not a host (known: 卿姐, 晓旭, Maya, Theo) "
         "(did you mean '卿姐'?)"),
    ]


def test_the_problem_matcher_annotates_a_warning_of_the_build(workflow, tmp_path: Path):
    """A warning does not stop the build at once: the plugin logs it (`WARNING -  podcast: path:line:col: ...`),
    the whole site is built with the offline voice, and --strict fails it at the end."""
    root = project_with(tmp_path / "pod", {"typo.yaml": TYPO})
    result = replay(step_running(workflow, "mkdocs build"), root)
    assert result.returncode == 1, result.stdout
    assert "Aborted with 1 warnings in strict mode!" in result.stdout
    assert "WARNING -  podcast: episodes/typo.yaml:1:8: warning: title is cut short" in result.stdout
    assert matches(workflow, result.stdout) == [
        ("episodes/typo.yaml", 1, 8, "warning", "title is cut short: YAML reads ' #' and what follows on the line "
         "as a comment and leaves it out; put the whole text in quotes, or write it as a block with '|'"),
    ]
