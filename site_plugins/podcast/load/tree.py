"""Folders the build publishes from (the docs folder, the theme's overrides) may hold symbolic links, but none
that leads outside the repository: such a link would publish a file from the machine that builds
(`/etc/passwd`, the environment under `/proc`) as if it were the project's. Episode files are refused as links
anyway (`catalog`). Nor may a folder the build reads or writes (episodes, audio, cache) lead outside through a
link."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from ..errors import Problem, SettingsError
from ..model import Settings


def outside_links(folder: Path, project_dir: Path) -> list[Problem]:
    """Each link under `folder` (files and folders, not followed) that leads outside `project_dir`, or nowhere
    that can be resolved (a loop), as a problem named by its path from the project."""
    root = project_dir.resolve()
    problems = []
    for place, folders, files in os.walk(folder):
        for name in sorted([*folders, *files]):
            path = Path(place) / name
            if not path.is_symlink():
                continue
            try:
                target = path.resolve(strict=True)
                inside = target.is_relative_to(root)
            except (OSError, RuntimeError):  # a loop, or a link to nothing
                inside = False
            if not inside:
                shown = path.absolute().relative_to(root).as_posix() if path.absolute().is_relative_to(root) \
                    else path.as_posix()
                problems.append(Problem(shown, 0, 0, "is a symbolic link that leads outside the repository (or "
                                                     "nowhere), so it is never published; put the file itself "
                                                     "here, or remove the link"))
    return problems


def read_folder_links(project_dir: Path, folders: Iterable[Path | None]) -> list[Problem]:
    """`outside_links` of each folder the host publishes files from (its pages, its theme overrides), and each
    such folder that is itself outside the project."""
    root = project_dir.resolve()
    problems: list[Problem] = []
    for folder in dict.fromkeys(f for f in folders if f is not None):
        place = folder if folder.is_absolute() else project_dir / folder
        try:
            inside = place.resolve().is_relative_to(root)
        except (OSError, RuntimeError):
            inside = False
        if not inside:
            problems.append(Problem(folder.as_posix(), 0, 0, "is a folder outside the repository, so its files are "
                                                             "never published; move it into the repository"))
        elif place.is_dir():
            problems += outside_links(place, project_dir)
    return problems


def folders_outside(settings: Settings, project_dir: Path, *, origin: str = "mkdocs.yml") -> None:
    """SettingsError when a folder option, spelled inside the project, leads outside it through a link: the
    build would read episodes from there, or write audio or its cache there."""
    root = project_dir.resolve()
    problems = []
    for option in ("episodes_dir", "audio_dir", "cache_dir"):
        name = getattr(settings, option)
        try:
            inside = (root / name).resolve().is_relative_to(root)
        except (OSError, RuntimeError):  # a loop of links, a name too long
            inside = False
        if not inside:
            problems.append(f"option '{option}' ('{name}') is outside the project (a link leads there); make it "
                            "a folder of the repository")
    if problems:
        raise SettingsError(f"{origin}: podcast plugin settings:\n" + "\n".join(f"  - {p}" for p in problems))
