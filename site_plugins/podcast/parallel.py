"""Work spread over the machine's cores, for the stages whose items do not depend on each other: checking episode
files, rendering episode pages, cutting pages into search terms and making episodes' transcripts, much of what a
first build of a thousand episodes does.

The workers are fresh processes (spawned: nothing of the build is shared or copied behind its back) that get each
item's inputs as plain values and give back plain values (in a file of a private temporary folder, see `_each`).
The build's own process keeps working too: each worker is kept up to two chunks of items ahead, and the build's
process does every chunk not given to one, so one core works as before and two finish sooner.
Results are the same values, in the same order, whichever process made them (tests/test_parallel.py).
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import itertools
import multiprocessing
import os
import pickle
import shutil
import sys
import tempfile
import types
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

from .collector import hold_objects
from .writer import OutputError, write_atomic

WORKERS_VARIABLE = "PODCAST_WORKERS"
"""Sets how many processes help a build (0: none, the build works alone)."""
MAX_WORKERS = 3
SWITCH_INTERVAL = 0.001
"""Seconds the build's thread holds the interpreter while the pool's threads wait for it (Python's default: 5 ms),
while there are workers. Those threads hand each result to the build and the next items to a worker, a few
handovers each; at 5 ms a handover, a worker rendering pages waited for its next chunk a third of the time."""


def worker_count(environ: Mapping[str, str]) -> int:
    """Processes to help a build: one fewer than the cores it may use (the build's own process works too), at most
    MAX_WORKERS; `PODCAST_WORKERS` says otherwise."""
    value = environ.get(WORKERS_VARIABLE, "").strip()
    if value.isdigit():
        return min(int(value), MAX_WORKERS)
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(0, min(cores - 1, MAX_WORKERS))


class Workers:
    """Up to `count` helping processes, started when first given work; `close` stops them. A pool that breaks (a
    worker killed) is given nothing more: its work is done in the build's own process."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool: ProcessPoolExecutor | None = None
        self._spool: str | None = None
        """A folder for the workers' results (`map`), made when first needed."""
        self._gone: weakref.finalize | None = None
        self._spooled: _SpoolFile | None = None
        """The file `spool` appends to."""
        self._spool_files: dict[str, _SpoolFile] = {}
        """Each spool file whose data is still waited for, by name (the one appended to included)."""
        self._spool_broken = False
        self.spool_file_bytes = 16 << 20
        self._interval: float | None = None
        """The process's switch interval before the pool started (`SWITCH_INTERVAL`), set back by `close`."""

    def submit(self, work: Callable[..., Any], *args: object) -> Future | None:
        """`work(*args)` in a worker; None when there is none: do it here. `work` must be a module's function."""
        if self.count <= 0:
            return None
        try:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("spawn"))
                self._interval = sys.getswitchinterval()
                sys.setswitchinterval(min(self._interval, SWITCH_INTERVAL))
            with _without_main():  # a worker may be started now
                return self._pool.submit(work, *args)
        except (BrokenProcessPool, OSError, RuntimeError):
            self.count = 0
            return None

    def start(self, module: str) -> None:
        """Start the workers now, each importing `module`, so that they are ready when the work comes."""
        for _ in range(self.count if self._pool is None else 0):
            self.submit(_ready, module)

    @property
    def started(self) -> bool:
        """Whether the workers were started (by work given, or `start`)."""
        return self._pool is not None

    def each(self, work: Callable[..., Any], *args: object) -> None:
        """`work(*args)` given once for each worker, not waited for: work that readies them for what comes
        (a worker free sooner may take two). Only workers already started get it: for a build too small to have
        started them, starting them would cost more than it saves."""
        for _ in range(self.count if self.started else 0):
            self.submit(work, *args)

    def map(self, work: Callable[..., Any], items: Sequence[tuple], *, chunk: int = 16, ahead: int = 8) -> Iterator:
        """`work(*item)` for each item, in order, each made when it is asked for. Chunks of items are shared out in
        order: each worker is kept up to two chunks ahead, and this process does every other chunk itself, the
        first one included, while the workers do theirs. So at most `ahead` chunks of results made here and
        `ahead` more of the workers' are held at once (a thousand episodes' pages are a hundred megabytes)."""
        chunks = [range(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
        given: dict[int, Future] = {}
        made: dict[int, list] = {}  # chunks done here before their turn
        share = _Share(len(chunks))

        def here(number: int) -> list:
            return [work(*items[n]) for n in chunks[number]]

        def give() -> None:  # the next chunks to the workers, as long as they have room
            while share.left and sum(not f.done() for f in given.values()) < 2 * self.count and \
                    len(given) < ahead + 2 * self.count:
                folder = self.scratch()
                future = self.submit(_each, work, [items[n] for n in chunks[share.next]], str(folder)) \
                    if folder is not None else None
                if future is None:
                    return
                given[share.take()] = future

        for number in range(len(chunks)):
            mine = number == share.next  # given to no one yet: done here
            if mine:
                share.take()
            give()
            if mine:
                yield from here(number)
            elif number in made:
                yield from made.pop(number)
            else:
                future = given.pop(number)
                while not future.done() and share.left and len(made) < ahead:
                    later = share.take()
                    made[later] = here(later)
                    give()
                again = partial(here, number)  # when the worker's results are lost
                yield from _unspooled(self.result(future, again), again)

    def scratch(self) -> Path | None:
        """A folder of the system's temporary folder, private to this build, for what it and its workers hand
        each other (removed by `close`); None, and no more workers, when it cannot be made."""
        if self._spool is None and self.count > 0:
            try:
                self._spool = tempfile.mkdtemp(prefix="podcast-workers-")
            except OSError:
                self.count = 0
            else:  # removed by `close`, else when this object is collected or the process ends
                self._gone = weakref.finalize(self, shutil.rmtree, self._spool, True)
        return Path(self._spool) if self._spool is not None else None

    def spool(self, data: bytes) -> Spooled | None:
        """`data` put where a worker reads it (`Spooled.read`), appended to a file of the scratch folder: work
        given far ahead holds none of its input in the build's process (a page's HTML there is 100 KB) and makes
        no file of its own. A file takes `spool_file_bytes`, then the next one does, and `release` removes a
        file once none of its data is waited for (on a temporary folder held in memory the spool is memory too).
        None when there is no worker or scratch folder, or once a file could not take all of something (a full
        disk: what followed would not be where its place says): do the work here."""
        current = self._spooled
        if current is None or current.size >= self.spool_file_bytes:
            if self._spool_broken or (folder := self.scratch() if self.count > 0 else None) is None:
                return None
            path = folder / f"spool-{next(_numbers)}"
            try:
                handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError:
                return None
            self._spooled = current = _SpoolFile(path, handle, weakref.finalize(self, os.close, handle))
            self._spool_files[str(path)] = current
            self._forget_spooled()
        if self._spool_broken or self.count <= 0:
            return None
        try:
            written = os.write(current.handle, data)
        except OSError:
            written = -1
        if written != len(data):
            self._spool_broken = True
            return None
        current.size += len(data)
        current.waiting += 1
        return Spooled(str(current.path), current.size - len(data), len(data))

    def release(self, spooled: Spooled) -> None:
        """`spooled` is no longer needed: a spool file none of whose data is waited for goes, unless it is the
        one still being appended to."""
        file = self._spool_files.get(spooled.path)
        if file is not None:
            file.waiting -= 1
            self._forget_spooled()

    def _forget_spooled(self) -> None:
        for name, file in list(self._spool_files.items()):
            if file.waiting <= 0 and file is not self._spooled:
                file.closer()
                with contextlib.suppress(OSError):
                    os.unlink(name)
                del self._spool_files[name]

    def result(self, future: Future, here: Callable[[], Any]) -> Any:
        """The future's result; `here()` when its worker was lost (the pool broke) or it was never run."""
        try:
            return future.result()
        except (BrokenProcessPool, CancelledError):
            self.count = 0
            return here()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if self._interval is not None:
            sys.setswitchinterval(self._interval)
            self._interval = None
        for file in self._spool_files.values():
            file.closer()  # closes its handle, once (also when this object is collected unclosed)
        self._spool_files, self._spooled = {}, None
        if self._spool is not None:
            self._gone()
            self._spool = None

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class Feed:
    """Items for `work` in the workers, given `batch` at a time and up to `ahead` each as they finish, the rest
    waiting: a waiting item is a few values, a given batch a future (10 000 of them were 40 MB). `take` hands each
    result, in the order given, to `place(number, result)`; with `wait`, all of them, the latest items still
    waiting done here while the workers do the earliest, so that both end together. What workers cannot do (their
    pool broke) is done here too. A batch is one handover each way (`_each`): given one by one, the pool's threads
    took the build's interpreter three times an item, for 1500 items of a first build."""

    def __init__(self, workers: Workers, work: Callable[..., Any], place: Callable[[int, Any], None], *,
                 ahead: int = 64, batch: int = 8) -> None:
        self.workers, self.work, self.place, self.ahead, self.batch = workers, work, place, ahead, max(1, batch)
        self._waiting: collections.deque[tuple[int, tuple]] = collections.deque()
        self._given: collections.deque[tuple[list[tuple[int, tuple]], Future]] = collections.deque()
        self._held = 0
        """Items given to the workers and not yet placed."""

    def add(self, number: int, args: tuple) -> None:
        self._waiting.append((number, args))
        self.take()

    def take(self, *, wait: bool = False) -> None:
        while True:
            while self._given and (self._given[0][1].done() or (wait and not self._waiting)):
                items, future = self._given.popleft()
                self._held -= len(items)
                again = partial(_done_here, self.work, [args for _, args in items])
                for (number, args), result in zip(items, _unspooled(self.workers.result(future, again), again),
                                                  strict=True):
                    self._placed(number, args, result)
            self._give(ending=wait)
            if not (wait and (self._waiting or self._given)):
                return
            if self._waiting:
                number, args = self._waiting.pop()
                self._placed(number, args, self.work(*args))

    def _give(self, *, ending: bool = False) -> None:
        """Give waiting items to the workers, a batch at a time, up to `ahead` each; when `ending` (this process
        does the last ones), smaller batches, only while they hold fewer than wait here: given far ahead, they were
        the ones still working at the end while this process waited (0.3 s of a first build)."""
        while self._waiting and (ending or len(self._waiting) >= self.batch or not self.workers.count):
            if not self.workers.count:  # none left: all here
                size = len(self._waiting)
            else:  # ending: a batch no larger than leaves the workers holding as many items as wait here
                size = min(self.batch, (len(self._waiting) - self._held) // 2) if ending else self.batch
                if size <= 0 or self._held + size > max(self.ahead * self.workers.count, size):
                    return
            items = [self._waiting.popleft() for _ in range(size)]
            folder = self.workers.scratch() if self.workers.count else None
            future = self.workers.submit(_each, self.work, [args for _, args in items], str(folder)) \
                if folder is not None else None
            if future is None:  # no workers left
                for number, args in items:  # each placed as soon as made: its spooled input let go
                    self._placed(number, args, self.work(*args))
            else:
                self._given.append((items, future))
                self._held += size

    def _placed(self, number: int, args: tuple, result: Any) -> None:
        self.place(number, result)
        for arg in args:  # their spooled data is read: the spool may let it go
            if isinstance(arg, Spooled):
                self.workers.release(arg)


def _done_here(work: Callable[..., Any], items: list[tuple]) -> list:
    return [work(*args) for args in items]


@dataclass(slots=True)
class _SpoolFile:
    path: Path
    handle: int
    closer: weakref.finalize
    """Closes the handle, once: when the workers close, else when they are collected."""
    size: int = 0
    waiting: int = 0
    """Pieces of data in the file not yet released."""


class Spooled(NamedTuple):
    """Where `Workers.spool` put some bytes."""

    path: str
    start: int
    size: int

    def read(self) -> bytes:
        with open(self.path, "rb") as file:
            file.seek(self.start)
            return file.read(self.size)


@contextmanager
def _without_main() -> Iterator[None]:
    """A spawned process runs the host's main module again (`mkdocs`, a test runner, a script) unless that module
    has neither a name nor a file; a worker needs nothing of it, and a script without a main guard would build
    the site again in each worker. So the main module is a bare one while workers start."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class _Share:
    """The chunks of a `Workers.map` not yet given to anyone, in order."""

    def __init__(self, count: int) -> None:
        self.next, self.count = 0, count

    @property
    def left(self) -> bool:
        return self.next < self.count

    def take(self) -> int:
        self.next += 1
        return self.next - 1


def _ready(module: str) -> None:
    importlib.import_module(module)
    hold_objects()  # a worker's modules live as long as it does: the collector's passes need not walk them


def _each(work: Callable[..., Any], items: list[tuple], spool: str) -> str:
    """`work(*item)` for each item, in a file of `spool` (pickled): a worker sends back only the file's name.

    Results sent through the pipe itself are read by a thread of the build's process, which gets its turn only
    every few milliseconds while the build works: the worker waited on each 64 KB of a chunk's pages, idle
    more than half the time. A file is written and read at once."""
    made = _done_here(work, items)
    path = Path(spool) / f"{os.getpid()}-{next(_numbers)}.pickle"
    try:
        write_atomic(path, pickle.dumps(made, protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    except OutputError:  # a full disk: through the pipe, then
        return made
    return str(path)


_numbers = itertools.count()


def _unspooled(result: list | str, here: Callable[[], list]) -> list:
    """A chunk's results: as made here, or read from the file a worker wrote them to (`_each`), then removed;
    made here after all when that file cannot be read."""
    if isinstance(result, list):
        return result
    path = Path(result)
    try:
        return pickle.loads(path.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError):
        return here()
    finally:
        path.unlink(missing_ok=True)
