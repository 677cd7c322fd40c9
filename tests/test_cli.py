"""`podcast check`: the editors' and CI's way to validate without building."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from site_plugins.podcast.cli import main

from .conftest import DATA, REPO, SiteProject, episode_yaml

pytestmark = pytest.mark.unit


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
    (tmp_path / "episodes/c.yaml").write_text(episode_yaml("好 #2"), encoding="utf-8")
    result = run("check", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        "episodes/a.yaml:6:9: speaker '卿 姐' is not a host (known: 卿姐, 晓旭, Maya, Theo) (did you mean '卿姐'?)",
        "episodes/b.yaml:2:7: date '2025-1-1' is not a date; write YYYY-MM-DD, e.g. 2025-12-08",
        "episodes/b.yaml:3:9: the script is empty; add at least one section with turns",
        "episodes/c.yaml:1:8: warning: title is cut short: YAML reads ' #' and what follows on the line as a "
        "comment and leaves it out; put the whole text in quotes, or write it as a block with '|'",
    ]
    assert "Traceback" not in result.stderr


def test_warnings_fail_only_with_strict(tmp_path, capsys):
    path = tmp_path / "w.yaml"
    path.write_text(episode_yaml("好 #2"), encoding="utf-8")
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


def test_github_format_puts_each_problem_on_its_line(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "episodes").mkdir()
    (tmp_path / "episodes/a.yaml").write_text(
        episode_yaml("测试节目 #2", turns="      - 卿 姐: 你好。\n"), encoding="utf-8")
    (tmp_path / "episodes/b.yaml").write_bytes(b"title: \xff\n")
    assert main(["check", "--config", str(DATA / "site.yml"), "--format", "github", "episodes"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "::warning file=episodes/a.yaml,line=1,col=8::title is cut short: YAML reads ' #' and what follows on the "
        "line as a comment and leaves it out; put the whole text in quotes, or write it as a block with '|'",
        "::error file=episodes/a.yaml,line=6,col=9::speaker '卿 姐' is not a host (known: 卿姐, 晓旭) "
        "(did you mean '卿姐'?)",
        "::error file=episodes/b.yaml,line=1,col=8::the file is not UTF-8 text; save it as UTF-8",
    ]


def test_github_format_escapes_what_would_end_the_command(capsys):
    from site_plugins.podcast.cli import _github_line
    from site_plugins.podcast.errors import Problem

    line = _github_line(Problem("a,b:c.yaml", 2, 3, "50% done\nnext"))
    assert line == "::error file=a%2Cb%3Ac.yaml,line=2,col=3::50%25 done%0Anext"


BLOCKED = """
import sys
for name in ("anthropic", "pydantic", "trafilatura", "lxml_html_clean", "jsonschema", "pytest"):
    sys.modules[name] = None  # as in an install without the draft and dev extras (gTTS brings requests)
from site_plugins.podcast.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_check_needs_only_the_base_install():
    result = subprocess.run([sys.executable, "-c", BLOCKED, "check"], cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    assert "2 episodes valid, 0 errors, 0 warnings" in result.stderr


def test_draft_without_its_extra_says_how_to_install_it(tmp_path):
    result = subprocess.run([sys.executable, "-c", BLOCKED, "draft", "https://news.example.com/x"], cwd=REPO,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == ("podcast: podcast draft needs the 'draft' extra, which is not installed (missing: "
                             "anthropic, pydantic, trafilatura, lxml_html_clean); run scripts/draft, "
                             "or pip install -e '.[draft]'\n")


def test_the_blocking_really_blocks():
    code = BLOCKED.replace("from site_plugins", "import pydantic\nfrom site_plugins")
    result = subprocess.run([sys.executable, "-c", code, "check"], cwd=REPO, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 1 and "import of pydantic halted" in result.stderr


def test_a_strict_build_stops_at_a_warning_as_the_plugins_does(project: SiteProject, tmp_path, capsys):
    """`podcast build --strict` and a strict MkDocs build refuse the same things (one rule, `strict_refusal`)."""
    from mkdocs.exceptions import Abort

    project.add_episode("typo.yaml", episode_yaml("好 #2", extra="slug: typo\n"))
    config, out = str(project.root / "mkdocs.yml"), str(tmp_path / "staged")
    assert main(["build", "--config", config, "--out", out]) == 0
    assert main(["build", "--config", config, "--out", out, "--strict"]) == 1
    printed = capsys.readouterr().out
    assert printed.count("episodes/typo.yaml:1:8: warning: title is cut short") == 2, printed
    assert "warnings, which a strict build refuses" in printed
    with pytest.raises(Abort, match="1 warnings in strict mode"):
        project.build(strict=True)


def test_publishing_refuses_the_samples_placeholder_address_in_one_line(tmp_path):
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    result = run("publish", "build", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith("mkdocs.yml:3:1: site_url is still the sample's placeholder "
                                                   "(https://example.github.io/goose-pod/); set it"), result
    assert not (tmp_path / "build").exists(), "nothing is built or prepared"


def test_an_unknown_key_is_an_error_as_the_editors_schema_marks_it(tmp_path, capsys):
    path = tmp_path / "typo.yaml"
    path.write_text(episode_yaml(extra="catgory: 科技\n"), encoding="utf-8")
    assert main(["check", "--config", str(DATA / "site.yml"), str(path)]) == 1
    out = capsys.readouterr()
    assert out.out.endswith(":3:1: unknown key 'catgory' in the episode (did you mean 'category'?); correct its "
                            "name or remove it\n")
    assert "0 episodes valid, 1 error, 0 warnings" in out.err


def test_a_warning_that_fails_a_strict_check_is_annotated_as_an_error(tmp_path, capsys):
    path = tmp_path / "cut.yaml"
    path.write_text(episode_yaml("好 #2"), encoding="utf-8")
    config = str(DATA / "site.yml")
    assert main(["check", "--config", config, "--format", "github", str(path)]) == 0
    assert capsys.readouterr().out.startswith("::warning ")
    assert main(["check", "--config", config, "--format", "github", "--strict", str(path)]) == 1
    assert capsys.readouterr().out.startswith("::error ")


def test_every_problem_of_a_file_at_once_a_structural_one_included(tmp_path):
    """A script without `section:` no longer hides that `audio:` points outside the repository, nor a bad date."""
    (tmp_path / "episodes").mkdir()
    shutil.copy(REPO / "mkdocs.yml", tmp_path)
    shutil.copytree(REPO / "docs/assets", tmp_path / "docs/assets")
    (tmp_path / "episodes/three.yaml").write_text(
        "title: 三个错\ndate: 2025-13-01\naudio: ../../outside.mp3\nscript:\n  - turns:\n      - 卿姐: 你好。\n",
        encoding="utf-8")
    result = run("check", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert result.returncode == 1 and len(lines) == 3, lines
    assert [line.split(":")[1:3] for line in lines] == [["2", "7"], ["3", "8"], ["5", "5"]], lines
    assert "is outside the project" in lines[1]
