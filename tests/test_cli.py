"""`podcast check`: the editors' and CI's way to validate without building."""

from __future__ import annotations

import shutil
import subprocess
import sys

from site_plugins.podcast.cli import main

from .conftest import DATA, REPO, episode_yaml


def run(*args: str, cwd=REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "site_plugins.podcast.cli", *args], cwd=cwd,
                          capture_output=True, text=True, check=False)


def test_the_samples_are_clean():
    result = run("check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == ""
    assert "2 episodes valid, 0 errors, 0 warnings" in result.stderr


def test_problems_of_every_file_in_one_run(tmp_path):
    (tmp_path / "episodes").mkdir()
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "docs/assets", tmp_path / "docs/assets")
    (tmp_path / "episodes/a.yaml").write_text(episode_yaml(turns="      - 卿 姐: 你好。\n"), encoding="utf-8")
    (tmp_path / "episodes/b.yaml").write_text("title: b\ndate: 2025-1-1\nscript: []\n", encoding="utf-8")
    (tmp_path / "episodes/c.yaml").write_text(episode_yaml("好", extra="titel: typo\n"), encoding="utf-8")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "episodes/a.yaml:6:9: speaker '卿 姐' is not a host (known: 卿姐, 晓旭) (did you mean '卿姐'?)",
        "episodes/b.yaml:2:7: date '2025-1-1' is not a date; write YYYY-MM-DD, e.g. 2025-12-08",
        "episodes/b.yaml:3:9: the script is empty; add at least one section with turns",
        "episodes/c.yaml:3:1: warning: unknown key 'titel' in the episode (did you mean 'title'?); it is ignored",
    ]
    assert "Traceback" not in result.stderr


def test_warnings_fail_only_with_strict(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    path.write_text(episode_yaml(extra="titel: typo\n"), encoding="utf-8")
    config = str(DATA / "site.yml")
    assert main(["check", "--config", config, str(path)]) == 0
    assert main(["check", "--config", config, "--strict", str(path)]) == 1


def test_bad_settings_are_reported_not_raised(tmp_path, capsys):
    config = tmp_path / "mkdocs.yml"
    config.write_text("plugins:\n  - podcast:\n      per_pge: 3\n      timezone: Mars/Base\n", encoding="utf-8")
    assert main(["check", "--config", str(config), str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "unknown option 'per_pge' (did you mean 'per_page'?)" in err
    assert "timezone 'Mars/Base' is unknown" in err
