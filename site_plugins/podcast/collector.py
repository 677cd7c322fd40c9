"""The garbage collector in a process that builds once and ends.

A build holds its settings, episodes, audio and pages to its end, and the modules it imported live as long
as the process. Python's collector walks every object it tracks at each full pass (a dozen in a first build of
a thousand episodes) and several times more as the interpreter exits, though nothing of a finished build
needs collecting: 0.3–0.4 s of a rebuild of a thousand episodes that takes two or three. `hold_objects`
takes what is alive out of those passes (`gc.freeze`): a build whose process ends after it
(`BuildRequest.ends_process`) calls it when its session starts, once its episodes and their audio are read,
when its pages and files are made and when it ends. Objects are still freed as soon as nothing refers to them;
cycles among held objects wait for `release_objects`, which a new session or staging build calls first (a test
run builds again and again in one process, a preview server too) and which collects them. A worker holds the
episodes and audio it reads ahead the same way (`memo.read_ahead_to_keep`): its process ends with the build's pool.

While a build reads its catalog and its audio, everything it makes lives to its end: the collector's full passes
over the objects made since the last hold, ever longer as the episodes pile up, freed nothing and took 6.5 s of a
first build of ten thousand episodes (0.25 s of one of a thousand). `reading` leaves the full passes out while a
build whose process ends after it reads them, and gives them back when that ends, however it ends; the quick passes
over young objects go on throughout, and the rest of the build, which drops pages' parts as it goes, has the full
passes.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_held = False
_NO_FULL_PASSES = 1 << 30
"""Quick passes between two full ones: more than a build makes (a few thousand), so none."""


def hold_objects() -> None:
    """Leave every object alive now out of the collector's later passes, this build's and the exit's."""
    global _held
    gc.freeze()
    _held = True


@contextmanager
def reading(ends_process: bool) -> Iterator[None]:
    """While the block reads what a build keeps to its end, the collector makes no full pass, when the build's
    process ends after it (`ends_process`); the full passes' threshold is as it was once the block ends, however it
    ends (the others as they are then)."""
    young, middle, full = gc.get_threshold()
    if not ends_process or full == _NO_FULL_PASSES:  # a preview's process goes on; an outer block gives them back
        yield
        return
    gc.set_threshold(young, middle, _NO_FULL_PASSES)
    try:
        yield
    finally:
        young, middle, _ = gc.get_threshold()
        gc.set_threshold(young, middle, full)


def release_objects() -> None:
    """Give the collector back what `hold_objects` held, and collect the cycles among it now (the next hold would
    otherwise take them back before any pass). Nothing when nothing was held; when something was, objects another
    program froze are given back too (the collector keeps one set of frozen objects)."""
    global _held
    if _held:
        gc.unfreeze()
        _held = False
        gc.collect()
