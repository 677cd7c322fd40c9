"""Work kept between builds: a value found again by a digest of everything that made it.

A build validates, renders and writes the same episodes again and again; most of them did not change.
A `Memo` keeps values of one kind (checked episodes, finished pages) by a key that digests every input
of the work *and* the podcast code itself (`CODE`: every module, template and asset of the package), so
a changed input or a changed program can only miss, never find a stale value. Each kind is one file in
the cache folder, holding only what the last build used. An unreadable or foreign file is an empty memo.

Values are pickled, and only the classes of the podcast's model and a few standard types may be read
back (`_Unpickler`): a cache restored from elsewhere can hold wrong values at worst, never code to run.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import io
import pickle
import sys
import zoneinfo
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path

from .model import Episode
from .writer import write_atomic

MEMO_FOLDER = "build"
"""The memos' folder in the cache folder."""
_FORMAT = (1, pickle.HIGHEST_PROTOCOL, sys.version_info[:2])
_PACKAGE = Path(__file__).parent
_ALLOWED = {
    "builtins": {"frozenset", "set", "tuple", "list", "dict", "str", "bytes", "int", "float", "bool", "complex"},
    "datetime": {"datetime", "date", "time", "timedelta", "timezone"},
    "zoneinfo": {"ZoneInfo"},
    "pathlib": {"PosixPath", "PurePosixPath", "WindowsPath", "PureWindowsPath"},
}


@cache
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
    """The digest of values of the model (episodes, audio), made from all of their fields."""
    return hashlib.sha256(pickle.dumps(values, protocol=pickle.HIGHEST_PROTOCOL)).digest()


class EpisodePrints:
    """Each episode's print with its audio (`value_print`), made once a build for every stage that keys on it."""

    def __init__(self, audio: Mapping[str, object]) -> None:
        self.audio = audio
        self._found: dict[str, bytes] = {}

    def of(self, episode: Episode) -> bytes:
        found = self._found.get(episode.slug)
        if found is None:
            found = self._found[episode.slug] = value_print(episode, self.audio.get(episode.slug))
        return found


class Memo:
    """Values of one kind by key; `save` keeps those used since it was opened."""

    def __init__(self, cache_dir: Path, kind: str) -> None:
        self.path = cache_dir / MEMO_FOLDER / f"{kind}.pickle"
        self.entries = _load(self.path)
        self.used: dict[str, bytes] = {}
        self.hits = self.misses = 0

    def get(self, key: str) -> object | None:
        packed = self.entries.get(key)
        try:
            value = _Unpickler(io.BytesIO(packed)).load() if isinstance(packed, bytes) else None
        except Exception:
            value = None
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self.used[key] = packed
        return value

    def put(self, key: str, value: object) -> None:
        self.used[key] = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)

    def save(self) -> None:
        """Keep what this build used, and only that (rewritten only when that changed)."""
        if self.used.keys() == self.entries.keys() and not self.misses:
            return
        write_atomic(self.path, pickle.dumps((_FORMAT, self.used), protocol=pickle.HIGHEST_PROTOCOL),
                     durable=False)
        self.entries, self.misses = dict(self.used), 0


class _Unpickler(pickle.Unpickler):
    """Reads back the podcast model's classes and plain standard types, and nothing else."""

    def find_class(self, module: str, name: str) -> object:
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


def _zone_getattr(owner: object, name: str) -> object:
    """The one `getattr` a pickle needs: how a time zone is rebuilt (`ZoneInfo._unpickle`)."""
    if owner is zoneinfo.ZoneInfo and name == "_unpickle":
        return zoneinfo.ZoneInfo._unpickle
    raise pickle.UnpicklingError(f"{name} is not read from the cache")


def _load(path: Path) -> dict[str, bytes]:
    """The file's entries, packed; {} when it is missing, unreadable or of another format."""
    try:
        with path.open("rb") as file:
            found, entries = _Unpickler(file).load()
    except Exception:
        return {}
    if found != _FORMAT or not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, bytes)}
