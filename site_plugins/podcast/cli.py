"""The `podcast` command: `check` validates episode files without building the site, `schema` writes
the editors' JSON Schema, `draft` drafts an episode with Claude (its packages are imported only then),
`voices` and `say` list and audition voices."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

from .auditions import add_voice_commands
from .errors import PodcastError, Problem, Severity
from .load.catalog import Catalog, load_catalog
from .load.show import site_cover
from .load.siteconfig import read_site_config
from .load.tree import folders_outside, read_folder_links
from .publishing import add_publish_command, run_publish_build
from .writer import full_disk_line

FORMATS = ("text", "github")


def main(argv: list[str] | None = None, *, now: datetime | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):  # a file's odd characters never crash the report of them
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    args = _parser().parse_args(argv)
    try:
        if args.command == "draft":
            from .drafting.command import run_draft

            return run_draft(args)
        if args.command == "build":
            return run_build(args.config, out=args.out, strict=args.strict, now=now or datetime.now(UTC))
        if args.command == "publish":
            return run_publish_build(args.config, out=args.out, remote=args.remote, minutes=args.minutes)
        if args.command == "schema":
            return run_schema(args.config, output=args.output)
        if args.command in ("voices", "say"):
            from .auditions import run_say, run_voices

            return _listing(partial(run_voices, args)) if args.command == "voices" else run_say(args)
        return _listing(partial(run_check, args.paths, config_path=args.config, strict=args.strict,
                                output_format=args.format, now=now or datetime.now(UTC)))
    except PodcastError as exc:
        print(f"podcast: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a full disk outside the writer (a copy of an MP3 to upload): one line
        if not full_disk_line(exc):
            raise
        print(f"podcast: {full_disk_line(exc)}", file=sys.stderr)
        return 2


def _listing(command: Callable[[], int]) -> int:
    """A command that lists on stdout (`voices`, `check`), stopped quietly when its reader stops reading early
    (`podcast voices | head`), as a pipe's tools do: with the status of a pipe's signal, and no traceback."""
    try:
        code = command()
        sys.stdout.flush()  # what is still buffered fails here, not when Python exits
        return code
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nor when Python flushes at exit
        return 128 + signal.SIGPIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="podcast", description="Check and build podcast episodes.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="validate episode files; exit 1 if any has an error")
    check.add_argument("paths", nargs="*", type=Path, help="episode files or folders (default: the site's)")
    _config_argument(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors too (as publishing does)")
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="text (path:line:col: message), or github: annotations on the pull request's lines")
    schema = commands.add_parser("schema", help="write the JSON Schema that editors use to check episode files")
    _config_argument(schema)
    schema.add_argument("--output", "-o", type=Path, default=None,
                        help="where to write it (default: episode.schema.json in the episodes folder; - for stdout)")
    build = commands.add_parser("build", help="write the site's pages, audio, feed and search as a plain docs tree "
                                              "that mkdocs or zensical builds without the podcast plugin")
    _config_argument(build)
    build.add_argument("--out", "-o", type=Path, default=Path("build/podcast"),
                       help="the staging folder, replaced (default: build/podcast)")
    build.add_argument("--strict", action="store_true", help="stop on any problem, as publishing does")
    add_publish_command(commands, _config_argument)
    add_voice_commands(commands, _config_argument)
    from .drafting.command import add_draft_command  # its packages are imported only by a draft

    add_draft_command(commands)
    return parser


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", "-f", type=Path, default=Path("mkdocs.yml"),
                        help="the site's mkdocs.yml, for hosts and language (default: ./mkdocs.yml)")


def run_check(paths: list[Path], *, config_path: Path, strict: bool = False, output_format: str = "text",
              now: datetime) -> int:
    """Everything a strict build would refuse, reported at once; 0 when clean, 1 on errors (or warnings)."""
    site = read_site_config(config_path)
    settings = site.settings
    folders_outside(settings, site.project_dir, origin=str(config_path))
    site_cover(site.project_dir, settings.cover, origin=str(config_path))
    catalog = load_catalog(paths or [site.project_dir / settings.episodes_dir], settings, root=Path.cwd(),
                           include_drafts=True, now=now, project_dir=site.project_dir)
    show = partial(_github_line, strict=strict) if output_format == "github" else str
    leaks = read_folder_links(site.project_dir, site.read_folders) if not paths else []
    for problem in [*leaks, *catalog.problems]:
        print(show(problem))
    for line in _schedule_notes(catalog, ZoneInfo(settings.timezone), now):
        print(show(line))
    errors, warnings = len(catalog.errors) + len(leaks), len(catalog.warnings)
    scheduled = f", {len(catalog.scheduled)} scheduled" if catalog.scheduled else ""
    print(f"{_count(len(catalog.episodes), 'episode')} valid, {_count(errors, 'error')}, "
          f"{_count(warnings, 'warning')}{scheduled}", file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0


def _schedule_notes(catalog: Catalog, zone: ZoneInfo, now: datetime) -> list[Problem]:
    """When each scheduled episode goes live, as a located note on its `date:` line."""
    notes = []
    for episode in catalog.scheduled:
        line, column = episode.position("date")
        when = episode.published.astimezone(zone)
        notes.append(Problem(episode.source_path, line, column,
                             f"scheduled: goes live at {when:%Y-%m-%d %H:%M} ({zone.key}), "
                             f"in {_span(episode.published - now)}; the first build from then on publishes it",
                             Severity.NOTE))
    return notes


def _span(delta) -> str:
    minutes = max(1, round(delta.total_seconds() / 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d" if days else "", f"{hours} h" if hours else "", f"{minutes} min" if minutes else ""]
    return " ".join(p for p in parts if p)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _github_line(problem: Problem, *, strict: bool = False) -> str:
    """A workflow command that GitHub shows as an annotation on the file's line in a pull request; with
    `strict`, a warning fails the job, so it is shown as the error it is there."""
    level = {Severity.ERROR: "error", Severity.WARNING: "error" if strict else "warning",
             Severity.NOTE: "notice"}[problem.severity]
    where = [f"file={_property(problem.path)}"]
    if problem.line:
        where += [f"line={problem.line}", f"col={problem.column}"]
    return f"::{level} {','.join(where)}::{_data(problem.message)}"


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def run_build(config_path: Path, *, out: Path, strict: bool, now: datetime) -> int:
    """Stage the site for a builder without the podcast plugin; 1 when an episode was left out, or when a
    strict build may not publish (0 otherwise)."""
    import os
    from dataclasses import replace

    from .build import prepare, strict_refusal
    from .staging import stage_site

    site = read_site_config(config_path)
    say = partial(print, file=sys.stderr)
    request = prepare(site.settings, site.project_dir, now=now, environ=os.environ, progress=say, warn=say)
    output = stage_site(site, replace(request, ends_process=True), out)  # the command ends after it (`collector`)
    problems = (*output.problems, *output.audio_problems)
    refusal = strict_refusal(output, request.engine.name) if strict else ""
    for line in [refusal] if refusal else problems:  # a refusal lists the problems too
        print(line)
    if output.drafts_note:
        print(output.drafts_note, file=sys.stderr)
    print(f"{len(output.episodes)} episodes, {len(output.pages)} pages staged in {out}; build the site with: "
          f"mkdocs build -f {out / 'mkdocs.yml'}", file=sys.stderr)
    return 1 if refusal or any(p.is_error for p in problems) else 0


def run_schema(config_path: Path, *, output: Path | None) -> int:
    from .load.editorschema import SCHEMA_NAME, render_schema
    from .writer import write_atomic

    site = read_site_config(config_path)
    text = render_schema(site.settings)
    if output is not None and str(output) == "-":
        sys.stdout.write(text)
        return 0
    path = output or site.project_dir / site.settings.episodes_dir / SCHEMA_NAME
    write_atomic(path, text.encode("utf-8"))
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
