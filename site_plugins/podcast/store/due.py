"""Whether an hourly publishing run has anything to do, asked before anything is installed or built.

Each publish stores, beside its audio on the audio branch, what it was: the commit of the site it built,
when the next scheduled episode goes live, and whether it finished (every episode with its audio, the
build passed). A scheduled run publishes when the site has a commit since, when a scheduled episode's
time has come, or when the last publish did not finish; otherwise it ends in seconds, having built
nothing. A push or a run started by hand always publishes. Standard library only, like the store step.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .branch import BRANCH, STATE_NAME, StoreError, fetch, git, tree_entries


@dataclass(frozen=True, slots=True)
class PublishState:
    commit: str
    next_due: datetime | None
    """When the earliest scheduled episode goes live (None: none is scheduled)."""
    complete: bool

    def to_bytes(self) -> bytes:
        return json.dumps({"format": 1, "commit": self.commit, "complete": self.complete,
                           "next_due": self.next_due.isoformat() if self.next_due else None}, indent=1).encode()

    @classmethod
    def parse(cls, data: bytes) -> PublishState | None:
        """None for anything unreadable: a publish then simply runs."""
        try:
            found = json.loads(data)
            next_due = datetime.fromisoformat(found["next_due"]) if found["next_due"] else None
            if next_due is not None and next_due.tzinfo is None:
                return None
            commit, complete = found["commit"], found["complete"]
            if not isinstance(commit, str) or not isinstance(complete, bool):
                return None
            return cls(commit, next_due, complete)
        except (ValueError, TypeError, KeyError, RecursionError):
            return None


def reason_to_publish(repo: Path, *, event: str, now: datetime, remote: str = "origin",
                      branch: str = BRANCH) -> str:
    """Why this run publishes, or '' when a scheduled run has nothing to do."""
    if event != "schedule":
        return f"a {event or 'manual'} run always publishes"
    try:
        stored = fetch(repo, remote, branch)
    except StoreError as exc:  # the build meets it too, and says what to do
        return f"the audio branch could not be read ({exc})"
    if stored is None:
        return "nothing is published yet"
    try:
        entry = tree_entries(repo, stored).get(STATE_NAME)
        state = PublishState.parse(git(repo, "cat-file", "blob", entry[0]).stdout) if entry else None
    except StoreError:
        state = None
    if state is None:
        return "the last publish left no readable record of itself"
    head = git(repo, "rev-parse", "HEAD").stdout.decode().strip()
    if head != state.commit:
        return f"the site changed since the last publish ({state.commit[:7]} -> {head[:7]})"
    if not state.complete:
        return "the last publish did not finish"
    if state.next_due is not None and state.next_due <= now:
        return f"a scheduled episode went live at {state.next_due.isoformat()}"
    return ""


def report(repo: Path, *, event: str, now: datetime | None = None, remote: str = "origin",
           branch: str = BRANCH, say=print) -> bool:
    """Say whether to publish, also as `publish=true|false` in GitHub Actions' step outputs."""
    reason = reason_to_publish(repo, event=event, now=now or datetime.now(UTC), remote=remote, branch=branch)
    say(f"publishing: {reason}" if reason else "nothing is due and nothing changed since the last publish: "
        "nothing to build")
    outputs = os.environ.get("GITHUB_OUTPUT")
    if outputs:
        with open(outputs, "a", encoding="utf-8") as file:
            file.write(f"publish={'true' if reason else 'false'}\n")
    return bool(reason)
