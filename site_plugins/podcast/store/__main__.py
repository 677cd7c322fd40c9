"""`python -m site_plugins.podcast.store`: the publishing steps that need no installed package.

  store FOLDER   replace the audio branch with FOLDER's files (FOLDER/.base: the commit fetched before,
                 and its tree)
  fetch [DIR]    fetch the audio branch and write its files into DIR (default: audio)
  due --event E  whether a publishing run started by event E (push, schedule, ...) has anything to do
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime
from pathlib import Path

from ..errors import PodcastError
from .branch import BRANCH, extract, fetch, local_commit, store, tracking_ref
from .due import report

BASE_NAME = ".base"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m site_plugins.podcast.store",
                                     description="Keep the published audio on a git branch of its own.")
    parser.add_argument("--repo", type=Path, default=Path.cwd(), help="the clone (default: here)")
    parser.add_argument("--remote", default="origin")
    parser.add_argument("--branch", default=BRANCH)
    commands = parser.add_subparsers(dest="command", required=True)
    keep = commands.add_parser("store", help="store a folder prepared by 'podcast publish build'")
    keep.add_argument("folder", type=Path)
    get = commands.add_parser("fetch", help="bring the published audio into the audio folder")
    get.add_argument("folder", type=Path, nargs="?", default=Path("audio"))
    get.add_argument("--local", action="store_true",
                     help="use the branch as the last fetch or pull left it (no network)")
    due = commands.add_parser("due", help="say whether a publishing run has anything to do")
    due.add_argument("--event", default="", help="what started the run (GitHub's event name)")
    due.add_argument("--now", type=_moment, help="the time to judge by (ISO 8601 with its offset; default: now)")
    args = parser.parse_args(argv)
    try:
        if args.command == "store":
            return _store(args)
        if args.command == "due":
            report(args.repo, event=args.event, now=args.now, remote=args.remote, branch=args.branch)
            return 0
        commit = local_commit(args.repo, tracking_ref(args.remote, args.branch)) if args.local \
            else fetch(args.repo, args.remote, args.branch)
        if commit is None:
            if not args.local:
                print(f"{args.remote} has no branch '{args.branch}' yet: nothing is published")
            return 0
        written = extract(args.repo, commit, args.folder)
        if written or not args.local:
            print(f"published audio {commit[:7]}: {written} files written to {args.folder}")
        return 0
    except PodcastError as exc:  # a git step, or a file that cannot be written: one line
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _moment(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time with its offset, e.g. 2026-12-08T07:00:00+08:00")
    return moment


def _store(args: argparse.Namespace) -> int:
    folder: Path = args.folder
    if not (folder / BASE_NAME).is_file():
        print(f"{folder} holds nothing to store (the build stopped before its audio step)")
        return 0
    base, _, base_tree = (folder / BASE_NAME).read_text(encoding="ascii").strip().partition(" ")
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")]
    commit = store(args.repo, folder, base=base or None, remote=args.remote, branch=args.branch,
                   message=f"Published audio: {len(files) - 1} episodes", base_tree=base_tree)
    if commit == base:
        return 0
    print(f"stored {len(files)} files as {commit[:7]} on '{args.branch}' (its history replaced)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
