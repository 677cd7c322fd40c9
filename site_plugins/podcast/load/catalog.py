"""Load every episode file of a site, check what spans files, and keep the good ones."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from ..errors import Problem, Severity
from ..memo import Memo, digest_of, file_signature, pack, value_print
from ..model import BrokenFile, Episode, EpisodeAddress, Settings
from ..parallel import Workers
from ..store.record import RECORD_NAME, Published, load_record
from .broken import find_broken_files
from .published import keep_published_guids, keep_published_slugs, published_first, record_path
from .validate import validate_episode

EPISODE_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True, slots=True)
class Catalog:
    episodes: tuple[Episode, ...]
    """Valid episodes to publish, newest first."""
    problems: tuple[Problem, ...]
    """Every error and warning, in file order."""
    scheduled: tuple[Episode, ...] = ()
    """Episodes dated after the build's time, soonest first: left out of a build, marked in a preview."""
    broken: tuple[BrokenFile, ...] = ()
    """Files with an error and no episode, each with the address a preview shows its problems at."""
    record: Mapping[str, Published] = field(default_factory=dict)
    """The publish record: GUID -> what was published (where each page was, for its redirects)."""
    drafts: tuple[Episode, ...] = ()
    """Valid drafts that a published build leaves out (a preview shows them, in `episodes`)."""
    sources: Mapping[str, tuple[bytes, Episode, str]] = field(default_factory=dict)
    """With a memo: file -> (a digest of everything its validation read, the episode it gave, the memo's key for
    it), for `EpisodePrints`."""

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.is_error)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def find_episode_files(paths: list[Path]) -> list[Path]:
    """Episode files under the given files and folders, in a stable order.

    Links are listed (to be refused by `read_episode_file`), never followed: os.walk does not enter
    a linked folder, which is listed whatever its name.
    """
    found: list[Path] = []
    for path in paths:
        if not path.is_dir() or path.is_symlink():
            found.append(path)
            continue
        for folder, folders, names in os.walk(path):
            folders.sort()
            links = [Path(folder, d) for d in folders if Path(folder, d).is_symlink()]
            found.extend(sorted(links + [Path(folder, n) for n in names if Path(n).suffix in EPISODE_SUFFIXES]))
    return found


def read_episode_file(path: Path, shown: str, settings: Settings, *, project_dir: Path | None = None
                      ) -> tuple[Episode | None, list[Problem]]:
    """Read and validate one file; unreadable bytes become a located problem, never a traceback."""
    return _check(path, shown, settings, project_dir, False)[1:]


def _read_text(path: Path, shown: str) -> tuple[None, list[Problem]] | tuple[bytes, str]:
    """(the file's bytes, its text), or (None, why it cannot be read)."""
    data, problems = _read_bytes(path, shown)
    if data is None:
        return None, problems
    try:
        return data, data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, [Problem(shown, line, column, "the file is not UTF-8 text; save it as UTF-8")]


def _read_bytes(path: Path, shown: str) -> tuple[None, list[Problem]] | tuple[bytes, list[Problem]]:
    """(the file's bytes, no problems), or (None, why it cannot be read).

    Only a regular file is read: a symbolic link could publish (or print into a public build log)
    a file from outside the repository, and a pipe or device would block the build.
    """
    try:
        info = os.lstat(path)
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read the file: {exc.strerror}")]
    if stat.S_ISLNK(info.st_mode):
        return None, [Problem(shown, 0, 0, "is a symbolic link, which is never read (it could point outside the "
                                           "repository); put the episode file itself here")]
    if not stat.S_ISREG(info.st_mode):
        return None, [Problem(shown, 0, 0, "is not a regular file; an episode is a .yaml text file")]
    if info.st_size > MAX_FILE_BYTES:
        return None, [Problem(shown, 0, 0, f"the file is {info.st_size / 1e6:.1f} MB; an episode file may be at most "
                                           f"{MAX_FILE_BYTES // 1_000_000} MB (a script and its article take "
                                           "well under 1): remove what does not belong in it")]
    try:
        return path.read_bytes(), []
    except OSError as exc:
        return None, [Problem(shown, 0, 0, f"cannot read the file: {exc.strerror}")]


MAX_FILE_BYTES = 4_000_000
"""An episode file's largest size: its script's 100,000 characters and the article's 60,000 take under 1 MB of
UTF-8, so a larger file is a mistake (or an attack), refused before it is read or parsed."""


def _read_all(files: Mapping[str, Path], settings: Settings, project_dir: Path, memo: Memo | None,
              workers: Workers | None) -> tuple[dict[str, tuple[Episode | None, list[Problem]]],
                                               dict[str, tuple[bytes, Episode, str]]]:
    """(each file's episode and problems, in the order of `files`; with a memo, what each episode is printed by,
    see `Catalog.sources`). With a memo, a file is checked again only when an earlier build did not check the same
    bytes, name, settings and code while the files the episode names (`audio:`, `image:`: the only others
    validation reads) are the same files, unchanged; the files to check are shared with `workers`."""
    found: dict[str, tuple[Episode | None, list[Problem]]] = {}
    sources: dict[str, tuple[bytes, Episode, str]] = {}
    unchecked: list[tuple[Path, str, Settings, Path, bool]] = []  # what `_check` reads
    setting = repr(settings)  # the same for every file's key
    resolved = project_dir.resolve() if project_dir is not None else None
    for shown, path in files.items():
        data, problems = _read_bytes(path, shown)  # decoded only to be checked: kept bytes were checked UTF-8
        key = _key(data, shown, setting, project_dir) if memo is not None and data else ""
        kept = memo.get(key) if key else None
        if isinstance(kept, tuple) and len(kept) == 3 and isinstance(kept[0], Episode) and \
                kept[2] == _named_files(kept[0], resolved):
            found[shown] = kept[0], list(kept[1])
            sources[shown] = value_print(key, kept[2]), kept[0], key
        elif data is None:
            found[shown] = None, problems
        else:  # read again where it is checked: a thousand files' texts are not held at once
            found[shown] = None, []  # its place, in the files' order
            unchecked.append((path, shown, settings, project_dir, memo is not None))
            if workers is not None and len(unchecked) == _SHARED_FROM:
                workers.start(__name__)  # they get ready while the other files are read
    checked = (workers or Workers(0)).map(_check, unchecked)  # without workers, all here
    for item, (key, episode, problems) in zip(unchecked, checked, strict=True):
        shown = item[1]
        if isinstance(episode, bytes):  # packed to be kept (a file with errors is checked again each time)
            kept = memo.put_packed(key, episode)
            if kept is None:  # not read back: checked again, here
                episode, problems = _check(*item[:-1], False)[1:]
            else:
                episode, problems = kept[0], list(kept[1])
                sources[shown] = value_print(key, kept[2]), episode, key
        found[shown] = episode, problems
    return found, sources


def _key(data: bytes, shown: str, setting: str, project_dir: Path | None) -> str:
    """The key of a file's bytes as checked with these settings (`setting`: their `repr`)."""
    return digest_of((data, shown, setting, str(project_dir)))


def _check(path: Path, shown: str, settings: Settings, project_dir: Path | None, keyed: bool
           ) -> tuple[str, Episode | bytes | None, list[Problem]]:
    """(the key of the bytes read, when `keyed`; the episode and problems they give): the file as it is now, should
    it have changed since it was first read. When `keyed`, an episode without errors comes packed as the memo
    keeps it (`Memo.put_packed`: with its problems and the files it names), so that a worker's copy of it is never
    read back and pickled again."""
    data, text = _read_text(path, shown)
    if data is None:
        return "", None, text
    episode, problems = validate_episode(text, shown, settings, project_dir=project_dir)
    if not keyed or episode is None:
        return "", episode, problems
    return _key(data, shown, repr(settings), project_dir), \
        pack((episode, tuple(problems), _named_files(episode, project_dir and project_dir.resolve()))), problems


_SHARED_FROM = 17
"""Files to check from which workers start (more than `Workers.map` does alone in its first chunk): an edit or
two are checked sooner than a worker starts."""


def _named_files(episode: Episode, resolved: Path | None) -> tuple[tuple[object, ...], ...]:
    """The files an episode names, as validation found them (`file_signature` of each, resolved), from the project's
    folder, `resolved`."""
    if resolved is None:
        return ()
    found = []
    for name in (episode.audio, episode.image):
        if name:
            try:
                found.append(file_signature((resolved / name).resolve()))
            except (OSError, RuntimeError, ValueError):
                found.append((name, None))
    return tuple(found)


def load_catalog(paths: list[Path], settings: Settings, *, root: Path, include_drafts: bool,
                 now: datetime | None = None, project_dir: Path | None = None,
                 known_addresses: Mapping[str, EpisodeAddress] | None = None, memo: Memo | None = None,
                 workers: Workers | None = None) -> Catalog:
    """Validate every episode file, then check slugs, GUIDs, related picks and recordings across files.

    `include_drafts` is the preview's view: drafts and scheduled episodes stay in, marked. Without
    it, an episode dated after `now` is left out until a build at or after its time (`now` None: none is).
    `known_addresses` (file -> address in a preview's last build) keeps a file that broke at its address.
    `memo` keeps each valid file's result for the next build, and `workers` check files too (see `_read_all`).
    """
    problems: list[Problem] = []
    episodes: list[Episode] = []
    folders: dict[Path, Path] = {}
    files = {shown_path(path, root, resolved=folders): path for path in find_episode_files(paths)}
    base = project_dir or root
    read, sources = _read_all(files, settings, base, memo, workers)
    for episode, found in read.values():
        problems.extend(found)
        if episode is not None:
            episodes.append(episode)
    record = _read_record(base, settings.audio_dir, problems)
    episodes = keep_published_slugs(keep_published_guids(episodes, problems, record), problems, record)
    episodes = _drop_clashes(_drop_clashes(published_first(episodes, record), problems, "slug"), problems, "guid")
    _check_related(episodes, problems)
    broken = find_broken_files(problems, episodes, files=files, known_addresses=known_addresses or {},
                               today=now.date() if now else None)
    due = [e for e in episodes if now is None or e.published <= now]
    later = sorted((e for e in episodes if now is not None and e.published > now),
                   key=lambda e: (e.published, e.slug))
    if include_drafts:
        due += [replace(e, scheduled=True) for e in later]
    published = [e for e in due if include_drafts or not e.draft]
    published.sort(key=lambda e: (-e.published.timestamp(), e.slug))
    drafts = () if include_drafts else tuple(e for e in due if e.draft)
    return Catalog(tuple(published), tuple(sorted(problems, key=_file_order)), tuple(later), broken, record,
                   drafts, sources)


def _read_record(project_dir: Path, audio_dir: str, problems: list[Problem]) -> dict[str, Published]:
    """The publish record's entries; what cannot be read is a note (said, not warned: a warning would fail every
    strict publishing build, and only the next publish's store can replace the record)."""
    record = load_record(record_path(project_dir, audio_dir))
    shown = f"{audio_dir.rstrip('/')}/{RECORD_NAME}"
    problems.extend(Problem(shown, line, max(column, 1) if line else 0, message, Severity.NOTE)
                    for line, column, message in record.problems)
    return record.entries


def _file_order(problem: Problem) -> tuple[str, int, int]:
    return problem.path, problem.line, problem.column


def shown_path(path: Path, root: Path, *, resolved: dict[Path, Path] | None = None) -> str:
    """How a file is named in messages: relative to the project where possible. `resolved`: folders resolved
    before (for many files of a few folders)."""
    resolved = {} if resolved is None else resolved
    folder = path.absolute().parent
    for known in (folder, root):
        if known not in resolved:
            resolved[known] = known.resolve()
    try:
        # The folder is resolved, not the name: a link is named as itself, never as what it points to.
        return (resolved[folder] / path.name).relative_to(resolved[root]).as_posix()
    except ValueError:
        return path.as_posix()


def _drop_clashes(episodes: list[Episode], problems: list[Problem], field: str) -> list[Episode]:
    """Keep the first episode of each slug (or guid); a later one is an error that names both files."""
    owners: dict[str, Episode] = {}
    kept = []
    for episode in episodes:
        value = getattr(episode, field)
        first = owners.setdefault(value, episode)
        if first is episode:
            kept.append(episode)
            continue
        line, column = episode.position(field, "title")
        fix = "give one of the two episodes another 'slug:'" if field == "slug" else \
            "each episode needs its own; remove the copied 'guid:' line"
        problems.append(Problem(episode.source_path, line, column,
                                f"{field} '{value}' is already used by {first.source_path}; {fix}"))
    return kept


def _check_related(episodes: list[Episode], problems: list[Problem]) -> None:
    slugs = {e.slug for e in episodes}
    for episode in episodes:
        for slug in episode.related:
            if slug not in slugs:
                line, column = episode.position("related")
                problems.append(Problem(
                    episode.source_path, line, column,
                    f"related episode '{slug}' does not exist; use the slug of a published episode",
                    Severity.WARNING))


