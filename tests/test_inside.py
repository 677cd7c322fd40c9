"""Nothing outside the repository is read or written, and one odd file named by an episode is one located
error that check and the build agree on."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort

from site_plugins.podcast.cli import main

from .conftest import SiteProject, episode_yaml
from .test_hostile import check_then_build

pytestmark = pytest.mark.site


def check(project: SiteProject, capsys) -> tuple[int, str]:
    code = main(["check", "--config", str(project.root / "mkdocs.yml"), str(project.root / "episodes")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_folder_option_linked_outside_is_refused(project, tmp_path, capsys, caplog):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    os.symlink(outside, project.root / "audio")
    message = "option 'audio_dir' ('audio') is outside the project (a link leads there)"
    code, out = check(project, capsys)
    assert code == 2 and message in out and "Traceback" not in out
    with pytest.raises(Abort):
        project.build(strict=False)
    assert message in caplog.text
    assert not list(outside.iterdir())


def odd_files(root: Path) -> dict[str, str]:
    """Episode files each naming one odd file."""
    os.symlink("loop.mp3", root / "loop.mp3")
    os.symlink("loop.jpg", root / "loop.jpg")
    os.mkfifo(root / "pipe.jpg")
    os.mkfifo(root / "pipe.mp3")
    (root / "recordings").mkdir(exist_ok=True)
    with (root / "recordings/sparse.mp3").open("wb") as file:
        file.truncate(2_000_000_000)  # sparse: costs no disk
    (root / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(11_000_000))
    cases = {"loop-audio": "audio: loop.mp3", "loop-image": "image: loop.jpg", "pipe-image": "image: pipe.jpg",
             "pipe-audio": "audio: pipe.mp3", "long-audio": "audio: " + "a" * 300 + ".mp3",
             "long-image": "image: " + "b" * 300 + ".jpg", "sparse": "audio: recordings/sparse.mp3",
             "big-image": "image: big.png"}
    return {f"{name}.yaml": episode_yaml(name, extra=f"slug: {name}\n{line}\n") for name, line in cases.items()}


def test_odd_files_are_located_errors_and_check_agrees_with_the_build(project, capsys):
    files = odd_files(project.root)
    accepted, built = check_then_build(project, {**files, "good.yaml": episode_yaml("好", extra="slug: good\n")})
    assert accepted == built == {"good"}
    code, out = check(project, capsys)
    assert code == 1 and "Traceback" not in out
    lines = [line for line in out.splitlines() if "/episodes/" in line]
    assert len(lines) == len(files), out
    assert "is not a regular file" in out and "File name too long" in out
    assert "'recordings/sparse.mp3' is 2000.0 MB; at most 100 MB are allowed" in out
    assert "'big.png' is 11.0 MB; at most 10 MB are allowed" in out


@pytest.mark.parametrize("damage", [lambda mp3: mp3 + b"\0" * 1_000_000,
                                    lambda mp3: b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + mp3[10:]],
                         ids=["trailing-zeros", "tag-claims-200-mb"])
def test_a_recording_the_build_refuses_is_refused_by_check(project, damage):
    from site_plugins.podcast.speech import EspeakEngine, Voice

    mp3 = EspeakEngine().synthesize("Hello there.", Voice("en"))
    (project.root / "recordings").mkdir()
    (project.root / "recordings/ep.mp3").write_bytes(damage(mp3))
    accepted, built = check_then_build(project, {"r.yaml": episode_yaml(extra="slug: r\naudio: recordings/ep.mp3\n")})
    assert accepted == built == set()
