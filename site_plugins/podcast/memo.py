"""Work kept between builds: a value found again by a digest of everything that made it.

A build validates, renders and writes the same episodes again and again; most of them did not change.
A `Memo` keeps values of one kind (checked episodes, finished pages) by a key that digests every input
of the work *and* the podcast code itself (`code_digest`: every module, template and asset of the package), so
a changed input or a changed program can only miss, never find a stale value. Each kind is one file in
the cache folder, holding only what the last build used. An unreadable or foreign file is an empty memo.

Values are pickled, and only the classes of the podcast's model and a few standard types may be read
back (`_Unpickler`): a cache restored from elsewhere can hold wrong values at worst, never code to run.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
import io
import os
import pickle
import sys
import tempfile
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from .collector import hold_objects, reading
from .writer import write_streamed

MEMO_FOLDER = "build"
"""The memos' folder in the cache folder."""
CHECKED_EPISODES = "episodes"
"""The memo of checked episode files (`load.catalog`), which workers read episodes from (`Kept`)."""
KEPT_AUDIO = "audio"
"""The memo of episodes' audio (`audio.builder`), which workers read audio from (`Kept`)."""
_FORMAT = (2, pickle.HIGHEST_PROTOCOL, sys.version_info[:2])
_PACKAGE = Path(__file__).parent
_ALLOWED = {
    "builtins": {"frozenset", "set", "tuple", "list", "dict", "str", "bytes", "int", "float", "bool", "complex"},
    "datetime": {"datetime", "date", "time", "timedelta", "timezone"},
    "zoneinfo": {"ZoneInfo"},
    "pathlib": {"PosixPath", "PurePosixPath", "WindowsPath", "PureWindowsPath"},
}


@functools.cache
def code_digest() -> bytes:
    """The digest of the podcast package's own files (modules, templates, assets, word lists)."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            data = path.read_bytes()
            digest.update(path.relative_to(_PACKAGE).as_posix().encode() + b"\0" + len(data).to_bytes(8, "little"))
            digest.update(data)
    return digest.digest()


def digest_of(parts: Iterable[str | bytes]) -> str:
    """A key for the given parts (each length-prefixed: no two lists of parts share one) and the code."""
    digest = hashlib.sha256(code_digest())
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:40]


def value_print(*values: object) -> bytes:
    """The digest of values of the model (episodes, audio), made from all of their fields (their `repr`: the
    model's dataclasses show every field; pickling would leave each string holding a UTF-8 copy of itself)."""
    return hashlib.sha256(repr(values).encode("utf-8", "surrogatepass")).digest()


def file_signature(path: Path) -> tuple[object, ...]:
    """A file as the system sees it: where it is, its size, when its bytes last changed and its inode (a file
    replaced has another). Not its change time: linking the file into a site changes that on every build."""
    try:
        info = path.stat()
    except (OSError, ValueError):
        return (str(path), None)
    return str(path), info.st_size, info.st_mtime_ns, info.st_ino, info.st_dev


@dataclasses.dataclass(frozen=True)
class Kept:
    """A value of the model on its way to a worker, which gets only where a memo keeps it (its file, its key, which
    `part` of the tuple kept there) and the fields replaced since (a few short values): pickling the value itself in
    the build's process would leave each of its strings holding a UTF-8 copy of itself, tens of megabytes for a
    thousand episodes. A worker reads it back with `received`; the build's own process takes `value`."""

    value: object
    memo_file: Path
    key: str
    part: int | None = None
    replaced: tuple[tuple[str, object], ...] = ()

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _sent, (self.memo_file, self.key, self.part, self.replaced, type(self.value))


def received(given: object) -> object | None:
    """A value a worker was given (`Kept`, or the value itself); None when the memo could not give it back."""
    return given.value if isinstance(given, Kept) else given


def _sent(memo_file: Path, key: str, part: int | None, replaced: tuple[tuple[str, object], ...], kind: type
          ) -> object | None:
    """A `Kept` as a worker unpickles it: read from the memo's file, its replaced fields set again."""
    found = _read_kept(memo_file, key)
    if part is not None:
        found = found[part] if isinstance(found, tuple) and len(found) > part else None
    if not isinstance(found, kind):
        return None
    return dataclasses.replace(found, **dict(replaced)) if replaced else found


def memo_path(cache_dir: Path, kind: str) -> Path:
    """Where the memo of `kind` in `cache_dir` is kept."""
    return cache_dir / MEMO_FOLDER / f"{kind}.pickle"


class Memo:
    """Values of one kind by key; `save` keeps those used since it was opened, and only those.

    Values stay on disk, never all in memory: the file is an index (key -> where its pickle lies) and the
    pickles; `get` reads one, `put` appends one to a spool file, and `save` copies the used ones into the
    next file (a site's pages are tens of megabytes).
    """

    def __init__(self, cache_dir: Path, kind: str) -> None:
        self.path = memo_path(cache_dir, kind)
        self._file, self._start, self.entries = _open(self.path)
        self._spool: BinaryIO | None = None
        self.used: dict[str, tuple[bool, int, int]] = {}
        """Key -> (in the spool, offset, length) of each value this build used."""
        self.hits = self.misses = 0

    def sibling(self, kind: str) -> Path:
        """Where the memo of `kind` in the same cache is kept."""
        return memo_path(self.path.parent.parent, kind)

    def get(self, key: str) -> object | None:
        where = self.entries.get(key)
        value = self._value(False, *where) if where else None
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self.used[key] = (False, *where)
        return value

    def keep(self, keys: Iterable[str]) -> None:
        """Keep these values for the next build as if used, without reading them."""
        for key in keys:
            where = self.entries.get(key) if isinstance(key, str) else None
            if where is not None and key not in self.used:
                self.used[key] = (False, *where)

    def _value(self, spooled: bool, offset: int, length: int) -> object | None:
        """The value pickled at `offset` (in the spool, or in the file); None when it cannot be read back."""
        return _value_in(*self._at(spooled, offset), length)

    def _read(self, spooled: bool, offset: int, length: int) -> bytes:
        file, at = self._at(spooled, offset)
        return os.pread(file.fileno(), length, at)

    def _at(self, spooled: bool, offset: int) -> tuple[BinaryIO, int]:
        """The file a value is in (the spool, flushed, or the memo's file) and where in it."""
        if spooled:
            self._spool.flush()
            return self._spool, offset
        return self._file, self._start + offset

    def put(self, key: str, value: object) -> None:
        """Keep `value` (pickled at once: a string pickled keeps a UTF-8 copy of itself, so a caller that holds on
        to large text keeps the value read back instead, see `put_packed`)."""
        offset = self._spool_end()
        pickle.dump(value, self._spool, protocol=pickle.HIGHEST_PROTOCOL)
        self.used[key] = (True, offset, self._spool.tell() - offset)

    def _spool_end(self) -> int:
        """Where the next value goes in the spool file (made when first needed)."""
        if self._spool is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._spool = tempfile.TemporaryFile(dir=self.path.parent)  # noqa: SIM115 - gone when closed or on a crash
        return self._spool.seek(0, io.SEEK_END)

    def put_packed(self, key: str, packed: bytes) -> object | None:
        """Keep a value pickled elsewhere (by `pack`, in a worker), and give it back as `get` would: the build's
        process reads it once and never holds another copy. None (and nothing kept) when it cannot be read."""
        value = _loaded(packed)
        if value is None:
            return None
        offset = self._spool_end()
        self._spool.write(packed)
        self.used[key] = (True, offset, len(packed))
        return value

    def save(self) -> None:
        """Keep what this build used, and only that (rewritten only when that changed)."""
        if not self._spool and self.used.keys() == self.entries.keys():
            return
        index, at = {}, 0
        for key, (_, _, length) in self.used.items():
            index[key], at = (at, length), at + length

        def dump(file: BinaryIO) -> None:
            head = pickle.dumps((_FORMAT, index), protocol=pickle.HIGHEST_PROTOCOL)
            file.write(len(head).to_bytes(8, "little") + head)
            for where in self.used.values():
                file.write(self._read(*where))

        write_streamed(self.path, dump)
        self.close()
        self._file, self._start, self.entries = _open(self.path)
        self.used = {key: (False, *where) for key, where in self.entries.items()}

    def close(self) -> None:
        for file in (self._file, self._spool):
            if file is not None:
                file.close()
        self._spool = None

    def __enter__(self) -> Memo:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        """Saved when the work went well; closed either way (a stage's memo lives as long as the stage)."""
        try:
            if kind is None:
                self.save()
        finally:
            self.close()


def pack(value: object) -> bytes:
    """`value` pickled as a memo keeps it (see `Memo.put_packed`)."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


class _Unpickler(pickle.Unpickler):
    """Reads back the podcast model's classes and plain standard types, and nothing else."""

    def find_class(self, module: str, name: str) -> object:
        found = _FOUND.get((module, name))  # each value is a pickle of its own: its classes are asked for again
        if found is None:
            found = _FOUND[module, name] = self._allowed(module, name)
        return found

    def _allowed(self, module: str, name: str) -> object:
        """The class (or function) `module.name` when a memo may hold it; raises for anything else."""
        if (module, name) == ("builtins", "getattr"):
            return _zone_getattr
        if name in _ALLOWED.get(module, ()):
            return super().find_class(module, name)
        if module.startswith(__package__ + ".") and "." not in name:
            found = super().find_class(module, name)
            # The model's own classes only: a dataclass's constructor just sets its fields.
            if isinstance(found, type) and found.__module__ == module and \
                    (dataclasses.is_dataclass(found) or issubclass(found, enum.Enum)):
                return found
        raise pickle.UnpicklingError(f"{module}.{name} is not read from the cache")


_FOUND: dict[tuple[str, str], object] = {}
"""What `_Unpickler.find_class` allowed, by module and name (what it refuses is refused again each time)."""


def _zone_getattr(owner: object, name: str) -> object:
    """The one `getattr` a pickle needs: how a time zone is rebuilt (`ZoneInfo._unpickle`)."""
    if owner is zoneinfo.ZoneInfo and name == "_unpickle":
        return zoneinfo.ZoneInfo._unpickle
    raise pickle.UnpicklingError(f"{name} is not read from the cache")


def read_ahead(*memo_files: str) -> None:
    """Every value of each memo file read into this process, where `_read_kept` takes them from while the file is
    the same: a worker does it while the build's process works alone, ahead of being given those values by where
    they are kept (`Kept`; a thousand episodes and their audio take it half a second). Only for memos of frozen
    values (`CHECKED_EPISODES`, `KEPT_AUDIO`): each reader gets the one value, not a copy of its own."""
    for name in memo_files:
        path = Path(name)
        signature = file_signature(path)
        file, start, entries = _opened(path, signature)
        _AHEAD[path] = signature, {key: _value_in(file, start + offset, length)
                                   for key, (offset, length) in entries.items()}


def read_ahead_to_keep(*memo_files: str) -> None:
    """`read_ahead` in a worker, whose process ends with the build's pool: the values, which live as long, are read
    with the collector's full passes left out, then held from its later passes (`collector`). Otherwise every full
    pass of the worker walked all of them again: at ten thousand episodes, reading them and the worker's later work
    (its search texts, its pages) took twice what ten times a thousand episodes took."""
    with reading(True):
        read_ahead(*memo_files)
    hold_objects()


_AHEAD: dict[Path, tuple[tuple[object, ...], dict[str, object]]] = {}
"""What `read_ahead` read, by memo file: (the file's signature then, key -> value)."""


def _read_kept(path: Path, key: str) -> object | None:
    """The value a memo's file keeps by `key`, read without a `Memo` (the file is opened once a process for each
    version of it); None when it is not there or cannot be read."""
    signature = file_signature(path)
    ahead = _AHEAD.get(path)
    if ahead is not None and ahead[0] == signature and ahead[1].get(key) is not None:
        return ahead[1][key]
    file, start, entries = _opened(path, signature)
    where = entries.get(key)
    return _value_in(file, start + where[0], where[1]) if where is not None else None


def _value_in(file: BinaryIO, offset: int, length: int) -> object | None:
    """The value pickled at `offset` of `file`; None when it cannot be read back."""
    try:
        packed = os.pread(file.fileno(), length, offset)
    except Exception:  # a damaged index (a length past any file) is a miss too
        return None
    return _loaded(packed) if len(packed) == length else None


def _loaded(packed: bytes) -> object | None:
    """A value as a memo pickled it, read back with `_Unpickler`; None when it cannot be."""
    try:
        return _Unpickler(io.BytesIO(packed)).load()
    except Exception:
        return None


@functools.lru_cache(maxsize=4)
def _opened(path: Path, signature: tuple[object, ...]) -> tuple[BinaryIO, int, dict[str, tuple[int, int]]]:
    return _open(path)


def _open(path: Path) -> tuple[BinaryIO, int, dict[str, tuple[int, int]]]:
    """(the file, where its values start, key -> (offset, length) of each); an empty file's when it is missing,
    unreadable or of another format."""
    try:
        file = path.open("rb")
    except OSError:
        return io.BytesIO(), 0, {}
    try:
        size = int.from_bytes(file.read(8), "little")
        found, index = _Unpickler(io.BytesIO(file.read(size))).load()
        if found == _FORMAT and isinstance(index, dict):
            return file, 8 + size, {k: v for k, v in index.items() if isinstance(k, str) and isinstance(v, tuple)
                                    and len(v) == 2 and all(isinstance(n, int) and n >= 0 for n in v)}
    except Exception:
        pass
    file.close()
    return io.BytesIO(), 0, {}
