"""Errors of the podcast core: one root, and problems that know where they are."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class PodcastError(Exception):
    """Root of every error the podcast core raises on purpose."""


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    NOTE = "note"
    """Information an editor wants (a scheduled episode's go-live time); never a failure."""


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong with an input file, located to the character."""

    path: str
    """The file, as the user named it (relative to the project where possible)."""
    line: int
    """1-based line; 0 when the problem concerns the whole file."""
    column: int
    """1-based column; 0 when the problem concerns the whole file."""
    message: str
    severity: Severity = Severity.ERROR
    missing: bool = False
    """Something the file lacks (a required field): located where it would go, with no text there to point at."""

    def __str__(self) -> str:
        where = self.path if self.line == 0 else f"{self.path}:{self.line}:{self.column}"
        prefix = "" if self.severity is Severity.ERROR else f"{self.severity.value}: "
        return f"{where}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


class ValidationError(PodcastError):
    """Raised when one or more input files are invalid; carries every problem found."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class SettingsError(PodcastError):
    """The site's podcast settings are wrong; the message names the option and the fix."""
