"""Work spread over the machine's cores, for the stages whose items do not depend on each other: checking episode
files, cutting pages into search terms and making episodes' transcripts, much of what a first build of a thousand
episodes does.

The workers are fresh processes (spawned: nothing of the build is shared or copied behind its back) that get each
item's inputs as plain values and give back plain values. The build's own process keeps working too, doing every
chunk of items no worker has started when it gets there, so one core works as before and two finish sooner.
Results are the same values, in the same order, whichever process made them (tests/test_parallel.py).
"""

from __future__ import annotations

import importlib
import multiprocessing
import os
import sys
import types
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import CancelledError, Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import Any

WORKERS_VARIABLE = "PODCAST_WORKERS"
"""Sets how many processes help a build (0: none, the build works alone)."""
MAX_WORKERS = 3


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

    def submit(self, work: Callable[..., Any], *args: object) -> Future | None:
        """`work(*args)` in a worker; None when there is none: do it here. `work` must be a module's function."""
        if self.count <= 0:
            return None
        try:
            if self._pool is None:
                self._pool = ProcessPoolExecutor(self.count, mp_context=multiprocessing.get_context("spawn"))
            with _without_main():  # a worker may be started now
                return self._pool.submit(work, *args)
        except (BrokenProcessPool, OSError, RuntimeError):
            self.count = 0
            return None

    def start(self, module: str) -> None:
        """Start the workers now, each importing `module`, so that they are ready when the work comes."""
        for _ in range(self.count if self._pool is None else 0):
            self.submit(_ready, module)

    def map(self, work: Callable[..., Any], items: Sequence[tuple], *, chunk: int = 16) -> Iterator:
        """`work(*item)` for each item, in order, each made when it is asked for: chunks of items go to the
        workers a few at a time, in order, and this process does the first and every chunk no worker has started
        when it gets there. So the results of a few chunks at most are held at once (a thousand episodes' texts
        would be tens of megabytes)."""
        chunks = [range(start, min(start + chunk, len(items))) for start in range(0, len(items), chunk)]
        ahead: deque[tuple[int, Future]] = deque()
        given = 1  # the next chunk to give a worker
        for part in chunks:
            while given < len(chunks) and len(ahead) < 2 * self.count:
                future = self.submit(_each, work, [items[n] for n in chunks[given]])
                if future is None:
                    break
                ahead.append((chunks[given].start, future))
                given += 1

            def here(part: range = part) -> list:
                return [work(*items[n]) for n in part]

            if ahead and ahead[0][0] == part.start:
                future = ahead.popleft()[1]
                yield from here() if future.cancel() else self.result(future, here)
            else:
                yield from here()

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

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


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


def _ready(module: str) -> None:
    importlib.import_module(module)


def _each(work: Callable[..., Any], items: list[tuple]) -> list:
    return [work(*item) for item in items]
