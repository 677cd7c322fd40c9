"""The one place that writes files: atomically, so a crash never leaves half a file behind."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Collection, Container, Mapping, Sequence
from pathlib import Path
from typing import BinaryIO

from .errors import PodcastError

_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
_DENIED = (errno.EACCES, errno.EPERM, errno.EROFS)
FULL_DISK_ADVICE = "; the disk (or the space allowed) is full: free some space and build again"
FULL_DISK_WORDS = ("No space left on device", "File too large", "Disk quota exceeded")
"""How a program (git) says the disk is full on its error output."""


class OutputError(PodcastError):
    """A file could not be written; the message names it and what to do. Nothing partial is left."""


def write_atomic(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Write `data` to a temporary file beside `path`, flush it to disk, then rename it into place.

    `durable=False` skips waiting for the disk, for build output that the next build makes again.
    A failure (a full disk, a folder that cannot be written) raises OutputError, with nothing left behind.
    """
    write_streamed(path, lambda file: file.write(data), durable=durable)


def write_over(path: Path, data: bytes, *, old: Path | None) -> None:
    """`write_atomic` (not durable) of a file the site will link (`link_or_copy`), or, where `old` is a file no other
    name links (the site's file from a build before where `path` will be linked: `SetAside`), `data` written into it
    and it linked at `path`: a disk that has just removed thousands of files is slow to make as many. A stopped build
    may leave that site file half written, as a host leaves its pages; `path` only ever names a whole file."""
    if old is not None and _written_into(old, data) and (_linked_anew(old, path) or _linked_over(old, path)):
        return
    write_atomic(path, data, durable=False)  # no such file, or it cannot be written: its errors say what fails


def _written_into(path: Path, data: bytes) -> bool:
    """Whether `data` is now the whole of the regular file at `path`, no other name's (mode 0o644, as `write_atomic`
    makes files). Few calls to the system: at each, the build's thread waits for the interpreter the pool's took."""
    try:  # a symbolic link is refused; a pipe does not wait for a reader
        handle = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    try:
        info = os.fstat(handle)
        if not stat.S_ISREG(info.st_mode) or info.st_nlink > 1:
            return False
        left = memoryview(data)
        while left:
            left = left[os.write(handle, left):]
        if info.st_size > len(data):
            os.ftruncate(handle, len(data))
        if stat.S_IMODE(info.st_mode) != 0o644:
            os.fchmod(handle, 0o644)
        return True
    except OSError:
        return False
    finally:
        os.close(handle)


def write_streamed(path: Path, dump: Callable[[BinaryIO], object], *, durable: bool = False) -> None:
    """`write_atomic` of what `dump` writes into the open file in parts (a large pickle, never a copy in memory);
    by default not flushed to disk: for caches the next build can do without."""
    def fill(handle: int, temporary: str) -> None:
        with os.fdopen(handle, "wb") as file:
            dump(file)
            file.flush()
            if durable:
                os.fsync(file.fileno())
        os.chmod(temporary, 0o644)  # mkstemp makes files private; these are published

    _replace(path, fill)


def remove_others(folder: Path, keep: Container[str]) -> None:
    """Delete what `folder` holds besides the names in `keep` (a cache keeping only what a build used)."""
    for entry in os.scandir(folder) if folder.is_dir() else ():
        if entry.name not in keep:
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                Path(entry.path).unlink(missing_ok=True)


OLD_SITE = "old-site"
"""The folder of the cache where the last build's files wait to be removed (`SetAside`)."""


class SetAside:
    """A built site's old files moved out of the way before a build, one rename for each entry of the folder: a host
    that empties the folder first (MkDocs) finds it empty and waits for nothing. The build then takes back the
    folders of its own files (`take_back`), and the rest is removed by a process of its own while the build goes on
    (a thread would take turns with the build's own). Hidden entries stay, as hosts keep them. An entry that cannot
    be moved (the folder for old files is on another filesystem) stays where it is, for the host to remove as
    before. Old files a build left behind when it was stopped are removed by the next one."""

    def __init__(self, folder: Path, old: Path) -> None:
        self.folder, self.old = folder, old
        self._moved: Path | None = None
        self._earlier: list[str] = []
        self._remover: subprocess.Popen | None = None
        self._removing = False
        self._taken: list[str] = []
        """The old folders put back (`take_back`)."""

    def start(self) -> None:
        entries = [e for e in os.listdir(self.folder) if not e.startswith(".")] if self.folder.is_dir() else []
        try:
            self.old.mkdir(parents=True, exist_ok=True)
            self._earlier = [str(self.old / name) for name in os.listdir(self.old)]
            self._moved = Path(tempfile.mkdtemp(prefix="site.", dir=self.old)) if entries else None
        except OSError:
            return  # nowhere to put them: the host removes them as before
        for name in entries:
            try:
                os.rename(self.folder / name, self._moved / name)
            except OSError:
                break  # another filesystem: the same for every entry

    def take_back(self, host: Collection[str] = ()) -> Path | None:
        """Put back the last build's folders, but those of `host` (the site paths of the host's own files): the
        build writes over the files it made before (`link_or_copy`, `write_over`), and makes no folder anew (a disk
        that has just removed thousands of files and folders is slow to make as many again). `keep` then says
        which of their files stay. The site folder, where any was taken back; else None."""
        if self._moved is None:
            return None
        hosts = {path.split("/", 1)[0] for path in host}
        for entry in os.scandir(self._moved):
            if entry.name not in hosts and entry.is_dir(follow_symlinks=False) and \
                    not os.path.lexists(self.folder / entry.name):
                with contextlib.suppress(OSError):
                    os.rename(entry.path, self.folder / entry.name)
                    self._taken.append(entry.name)
        return self.folder if self._taken else None

    def keep(self, made: Mapping[str, bool]) -> None:
        """Of the folders taken back, keep only the files the host writes: `made`, their site paths (each True when
        linked, see `link_or_copy`); a folder with none of them goes with the rest. A file to be written in place
        (not linked) that is linked elsewhere is removed first, never written through. Then the rest of the old
        files are removed; one that cannot be stops the build (OutputError), rather than be published."""
        try:
            for path, linked in made.items():
                if not linked and path.split("/", 1)[0] in self._taken and _linked_elsewhere(self.folder / path):
                    os.unlink(self.folder / path)
            mine = {path.split("/", 1)[0] for path in made if "/" in path}
            for name in self._taken:
                if name not in mine:
                    os.rename(self.folder / name, self._moved / name)
                elif _prune(self.folder / name, name, made):
                    os.rmdir(self.folder / name)
        except OSError as exc:
            raise OutputError(f"cannot remove the last build's {exc.filename or 'files'}: {exc.strerror or exc}; "
                              f"remove {self.folder} and build again") from None
        finally:
            self._taken = []
            self._remove_rest()

    def _remove_rest(self) -> None:
        if self._removing:
            return
        self._removing = True
        folders = [*self._earlier, *([str(self._moved)] if self._moved else [])]
        try:
            self._remover = subprocess.Popen([sys.executable, "-I", "-S", "-c", _REMOVE, *folders],
                                             stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL) if folders else None
        except OSError:  # no process to be had: removed here
            for folder in folders:
                shutil.rmtree(folder, ignore_errors=True)

    def wait(self) -> None:
        """Until the old files are removed (those not taken back, see `take_back`)."""
        self._remove_rest()
        if self._remover is not None:
            self._remover.wait()
            self._remover = None


def _prune(folder: Path, prefix: str, keep: Container[str]) -> bool:
    """Remove what `folder` (the site path `prefix`) holds besides the site paths in `keep` and the folders that
    lead to them; True when nothing is left in it."""
    left = 0
    for entry in os.scandir(folder):
        path = f"{prefix}/{entry.name}"
        if entry.is_dir(follow_symlinks=False):
            if _prune(Path(entry.path), path, keep):
                os.rmdir(entry.path)
                continue
        elif path not in keep:
            os.unlink(entry.path)
            continue
        left += 1
    return left == 0


def _linked_elsewhere(path: Path) -> bool:
    """Whether writing into the file at `path` would write into another: a link of it, or where a symbolic link
    leads."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return False
    return not stat.S_ISREG(found.st_mode) or found.st_nlink > 1


_REMOVE = "import shutil, sys\nfor folder in sys.argv[1:]:\n    shutil.rmtree(folder, ignore_errors=True)"


def link_or_copy(source: Path | str, path: Path | str, *, link: bool = True) -> None:
    """Put the file `source` at `path` as a hard link (no byte copied: a site's MP3s cost no time and no
    space), or as a copy where the filesystem refuses the link, or when `link` is False. Atomic either way:
    `path` is replaced by a new file, never written in place, so `source` is never changed through a link
    made before. Only files the build derives (the audio and cache folders) should be linked: a tool that
    later rewrites the site in place would change a linked source (see LinkRule).
    """
    if link:
        try:  # where no file is yet (a cleaned site), the link alone is atomic: one step, no temporary name
            try:
                os.link(source, path)
            except FileNotFoundError:  # no folder yet (a page's own), unless the source is gone
                os.makedirs(os.path.dirname(path), exist_ok=True)
                os.link(source, path)
            return
        except FileExistsError:  # a file an earlier build made (`SetAside.take_back`): kept when it is this one
            if _same_file(source, path) or _linked_over(source, path):
                return
        except OSError:
            pass  # no source, or no link here: a copy, whose errors say what fails

    def fill(handle: int, temporary: str) -> None:
        os.close(handle)
        shutil.copyfile(source, temporary)
        os.chmod(temporary, 0o644)  # mkstemp makes files private; these are published

    _replace(Path(path), fill)


def _same_file(one: Path | str, other: Path | str) -> bool:
    try:
        return os.path.samestat(os.stat(one), os.stat(other))
    except OSError:
        return False


def _linked_anew(source: Path | str, path: Path | str) -> bool:
    """Link `source` at `path` where no file is yet (one step, atomic); False when there is one, or no folder."""
    with contextlib.suppress(OSError):
        return os.link(source, path) is None
    return False


def _linked_over(source: Path | str, path: Path | str) -> bool:
    """Replace the file at `path` by a link of `source` made at a temporary name (no file made for the name
    first); False when that fails, for the steps that say why."""
    folder, name = os.path.split(path)
    temporary = os.path.join(folder, f".{name}.{os.urandom(6).hex()}.part")
    try:
        try:
            os.link(source, temporary)
        except FileNotFoundError:  # no folder yet, unless the source is gone
            os.makedirs(folder, exist_ok=True)
            os.link(source, temporary)
    except OSError:
        return False
    try:
        os.replace(temporary, path)
    except OSError:
        os.unlink(temporary)
        return False
    return True


class Resolver:
    """`Path.resolve()` for the many files of a few folders: each folder is resolved once, not once per file."""

    def __init__(self) -> None:
        self._folders: dict[str, str] = {}

    def __call__(self, path: Path) -> Path:
        return Path(self.text(path))

    def text(self, path: Path | str) -> str:
        """The resolved path as text (thousands of files: pathlib's objects cost more than the lookups)."""
        path = os.fspath(path)
        absolute = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
        parent, name = os.path.split(absolute)  # not abspath: '..' after a link is not lexical
        if name in ("", ".", "..") or os.path.islink(path):  # a link is resolved by where it leads
            return str(Path(path).resolve())
        real = self._folders.get(parent)
        if real is None:
            real = self._folders[parent] = os.path.realpath(parent)
        return os.path.join(real, name)


class LinkRule:
    """Whether a file lies in one of `folders` (resolved: the build's derived files), so that it may be linked: an
    episode's image or the site's scripts are the project's own files, and are copied."""

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = tuple(str(folder) for folder in folders)
        self._resolve = Resolver()

    def __call__(self, source: Path) -> bool:
        try:
            if not os.path.isfile(source):
                return False
            resolved = self._resolve.text(source)
        except (OSError, RuntimeError, ValueError):
            return False
        return any(resolved == folder or resolved.startswith(folder.rstrip(os.sep) + os.sep)
                   for folder in self.folders)


def _replace(path: Path, fill: Callable[[int, str], None]) -> None:
    """`fill` makes a temporary file beside `path` (given its open handle and name), which then replaces `path`;
    an OSError on the way is an OutputError, and no temporary file is left."""
    temporary = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        fill(handle, temporary)
        os.replace(temporary, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}{_advice(exc)}") from None
    finally:
        if temporary is not None and os.path.lexists(temporary):
            os.unlink(temporary)


def full_disk_line(error: BaseException) -> str:
    """One line for a full disk met anywhere (a host copying assets, a git step, an MP3's copy); else ''."""
    if not isinstance(error, OSError) or error.errno not in _FULL:
        return ""
    where = error.filename2 or error.filename or "a file of the build"  # a copy names its source, then its target
    return f"cannot write {where}: {error.strerror or error}{_advice(error)}"


def _advice(exc: OSError) -> str:
    if exc.errno in _FULL:
        return FULL_DISK_ADVICE
    if exc.errno in _DENIED:
        return "; the folder cannot be written: check its permissions, or build elsewhere"
    return ""


class Claims:
    """Who writes each path of a site. Two outputs may not claim one path: the second is an error naming
    both, instead of a file that silently replaces another. The same owner may claim a path again."""

    def __init__(self, *, fix: str = "rename one of them") -> None:
        self.owners: dict[str, str] = {}
        self.fix = fix

    def claim(self, uri: str, owner: str) -> None:
        first = self.owners.setdefault(uri, owner)
        if first != owner:
            raise OutputError(f"{uri} would be written by {first} and by {owner}; {self.fix}")


class SiteWriter(Claims):
    """Writes a built site's files under one folder, each claimed first (see Claims)."""

    def __init__(self, root: Path, *, link_from: Sequence[Path] = ()) -> None:
        super().__init__()
        self.root = root
        self.link_from = tuple(folder.resolve() for folder in link_from)
        """Folders of derived files, which are linked rather than copied (see link_or_copy)."""
        self._linkable = LinkRule(self.link_from)

    def write(self, uri: str, data: bytes | Path, *, owner: str) -> None:
        """`data`, or the file it names (linked when it lies in `link_from`), at `uri` (site-relative)."""
        self.claim(uri, owner)
        if isinstance(data, Path):
            link_or_copy(data, self.root / uri, link=self._linkable(data))
        else:
            write_atomic(self.root / uri, data, durable=False)


def remove_stale_parts(folder: Path) -> int:
    """Delete temporary files left by a process that was killed mid-write; returns how many."""
    stale = 0
    for parent, folders, names in os.walk(folder):  # a folder removed meanwhile is passed over
        folders[:] = [name for name in folders if name != OLD_SITE]  # being removed (SetAside)
        for name in names:
            if name.startswith(".") and name.endswith(".part"):
                Path(parent, name).unlink(missing_ok=True)
                stale += 1
    return stale
