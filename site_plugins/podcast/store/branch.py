"""Fetch the audio branch into the audio folder, and store a folder on it as its one commit.

Plumbing only (`hash-object`, `mktree`, `commit-tree`, `push --force-with-lease`): the working tree,
the index and the checked-out branch are never touched, so a store runs in any clone.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping
from pathlib import Path

from ..errors import PodcastError
from ..writer import FULL_DISK_ADVICE, FULL_DISK_WORDS, write_atomic
from .record import RECORD_NAME, load_record, merged, parse_record_in_full, record_bytes

BRANCH = "podcast-audio"
MARKER = ".published-commit"
"""In the audio folder: the branch commit last extracted there, so an unchanged branch costs nothing."""
IDENTITY = {"GIT_AUTHOR_NAME": "github-actions[bot]",
            "GIT_AUTHOR_EMAIL": "41898282+github-actions[bot]@users.noreply.github.com"}


class StoreError(PodcastError):
    """A git step failed; the message says which and why."""


def git(repo: Path, *args: str, data: bytes | None = None, check: bool = True,
        env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess:
    done = subprocess.run(["git", "-C", str(repo), *args], input=data, capture_output=True,
                          env={**os.environ, **(env or {})})
    if check and done.returncode:
        raise StoreError(failed(f"git {args[0]}", done))
    return done


def failed(step: str, done: subprocess.CompletedProcess) -> str:
    """One line for a git step that failed: what git said (its lines joined), and what to do about a full disk."""
    said = "; ".join(line.strip() for line in done.stderr.decode(errors="replace").splitlines() if line.strip())
    # A full disk: git says so, or (past a file-size limit) is stopped by SIGXFSZ before it can.
    full = done.returncode == -signal.SIGXFSZ or any(words in said for words in FULL_DISK_WORDS)
    said = said or f"it was stopped (exit status {done.returncode})"
    return f"{step} failed: {said}{FULL_DISK_ADVICE if full else ''}"


STATE_NAME = "publish-state.json"
"""On the audio branch: what the last publish was (see due.py); not audio, so never brought into the audio folder."""


def tracking_ref(remote: str, branch: str) -> str:
    return f"refs/remotes/{remote}/{branch}"


def fetch(repo: Path, remote: str = "origin", branch: str = BRANCH) -> str | None:
    """The audio branch's commit on `remote` (fetched), or None when the remote has no such branch yet."""
    if git(repo, "remote", "get-url", remote, check=False).returncode:
        raise StoreError(f"this clone has no remote '{remote}', where the published audio is kept")
    done = git(repo, "fetch", "--quiet", "--no-tags", "--depth=1", remote,
               f"+refs/heads/{branch}:{tracking_ref(remote, branch)}", check=False)
    if done.returncode:
        message = done.stderr.decode(errors="replace")
        if "couldn't find remote ref" in message or "could not find remote ref" in message.lower():
            return None
        raise StoreError(failed(f"git fetch of {branch} from {remote}", done))
    return local_commit(repo, tracking_ref(remote, branch))


def local_commit(repo: Path, ref: str) -> str | None:
    done = git(repo, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
    return done.stdout.decode().strip() or None


def tree_entries(repo: Path, commit: str) -> dict[str, tuple[str, int]]:
    """Name -> (blob id, size) of the files at the top of `commit`'s tree."""
    listing = git(repo, "ls-tree", "-z", "--long", commit).stdout.decode("utf-8", "surrogateescape")
    entries = {}
    for line in filter(None, listing.split("\0")):
        meta, name = line.split("\t", 1)
        _mode, kind, blob, size = meta.split()
        if kind == "blob" and "/" not in name:
            entries[name] = (blob, int(size))
    return entries


def extract(repo: Path, commit: str, folder: Path) -> int:
    """Write the branch's files into `folder` where missing or different; the number written.

    Files that are only in `folder` (audio a local build made) are left alone."""
    marker = folder / MARKER
    if marker.is_file() and marker.read_text(encoding="ascii", errors="replace").strip() == commit:
        return 0
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, (blob, size) in sorted(tree_entries(repo, commit).items()):
        if name == STATE_NAME:
            continue
        target = folder / name
        if target.is_file() and target.stat().st_size == size and _blob_id(repo, target) == blob:
            continue
        write_atomic(target, git(repo, "cat-file", "blob", blob).stdout, durable=False)
        written += 1
    write_atomic(marker, (commit + "\n").encode("ascii"), durable=False)
    return written


def _blob_id(repo: Path, path: Path) -> str:
    return git(repo, "hash-object", "--no-filters", str(path)).stdout.decode().strip()


def commit_folder(repo: Path, folder: Path, *, extra: Mapping[str, str] | None = None, message: str) -> str:
    """A parentless commit of the files at the top of `folder` (plus `extra`: name -> blob id)."""
    blobs = dict(extra or {})
    for path in sorted(folder.iterdir()):
        if path.is_file() and not path.name.startswith("."):
            blobs[path.name] = git(repo, "hash-object", "-w", "--no-filters", str(path)).stdout.decode().strip()
    listing = "".join(f"100644 blob {blob}\t{name}\0" for name, blob in sorted(blobs.items()))
    tree = git(repo, "mktree", "-z", data=listing.encode("utf-8", "surrogateescape")).stdout.decode().strip()
    env = {**IDENTITY, "GIT_COMMITTER_NAME": IDENTITY["GIT_AUTHOR_NAME"],
           "GIT_COMMITTER_EMAIL": IDENTITY["GIT_AUTHOR_EMAIL"]}
    env = {key: os.environ.get(key, value) for key, value in env.items()}
    return git(repo, "commit-tree", tree, "-m", message, env=env).stdout.decode().strip()


def store(repo: Path, folder: Path, *, base: str | None, remote: str = "origin", branch: str = BRANCH,
          message: str = "Published audio", attempts: int = 3, say=print, base_tree: str = "") -> str:
    """Replace the audio branch with one commit of `folder`, unless it moved since `base` was fetched.

    When another publish stored meanwhile, its record and its MP3s of episodes this one does not have
    are kept too (the next publish drops whatever no episode uses), and the push is tried again."""
    extra: dict[str, str] = {}
    for attempt in range(1, attempts + 1):
        commit = commit_folder(repo, folder, extra=extra, message=message)
        if base and base_tree and tree_of(repo, commit) == base_tree:
            say(f"the audio branch '{branch}' already holds exactly this: nothing to store")
            return base
        lease = f"--force-with-lease=refs/heads/{branch}:{base or ''}"
        done = git(repo, "push", "--quiet", lease, remote, f"{commit}:refs/heads/{branch}", check=False)
        if done.returncode == 0:
            return commit
        now = fetch(repo, remote, branch)
        if now is None or now == base:  # not a race: the remote refused (a hook, rights, a protected branch)
            raise StoreError(f"git push of '{branch}' to {remote} was refused, and nobody else stored meanwhile, so "
                             f"trying again cannot help; the remote said: {_said(done.stderr)}")
        say(f"the audio branch '{branch}' changed while this publish ran; keeping both "
            f"(attempt {attempt} of {attempts})")
        base = now
        extra = _their_files(repo, base, folder)
    raise StoreError(f"the audio branch '{branch}' kept changing during {attempts} attempts; run the publish again")


def _said(stderr: bytes) -> str:
    """What git and the remote (its hook's "remote: ..." lines) answered, on one line."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    return " / ".join(lines)[:2000] or "(nothing)"


def tree_of(repo: Path, commit: str) -> str:
    return git(repo, "rev-parse", f"{commit}^{{tree}}").stdout.decode().strip()


def _their_files(repo: Path, commit: str, folder: Path) -> dict[str, str]:
    """What the other publish stored that this one lacks; its record merged into this one's."""
    theirs = tree_entries(repo, commit)
    if RECORD_NAME in theirs:
        other = parse_record_in_full(git(repo, "cat-file", "blob", theirs[RECORD_NAME][0]).stdout)
        mine = load_record(folder / RECORD_NAME)
        write_atomic(folder / RECORD_NAME, record_bytes(merged(other.entries, mine.entries),
                                                        {**other.unread, **mine.unread}))
    return {name: blob for name, (blob, _) in theirs.items()
            if name != RECORD_NAME and not (folder / name).exists()}
