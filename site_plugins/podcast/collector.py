"""The garbage collector in a process that builds once and ends.

A build holds its settings, episodes, audio and pages to its end, and the modules it imported live as long
as the process. Python's collector walks every object it tracks at each full pass (a dozen in a first build of
a thousand episodes) and several times more as the interpreter exits, though nothing of a finished build
needs collecting: 0.3–0.4 s of a rebuild of a thousand episodes that takes two or three. `hold_objects`
takes what is alive out of those passes (`gc.freeze`): a build whose process ends after it
(`BuildRequest.ends_process`) calls it when its session starts, once its episodes and their audio are read,
when its pages and files are made and when it ends. Objects are still freed as soon as nothing refers to them;
cycles among held objects wait for `release_objects`, which a new session or staging build calls first (a test
run builds again and again in one process, a preview server too) and which collects them.
"""

from __future__ import annotations

import gc

_held = False


def hold_objects() -> None:
    """Leave every object alive now out of the collector's later passes, this build's and the exit's."""
    global _held
    gc.freeze()
    _held = True


def release_objects() -> None:
    """Give the collector back what `hold_objects` held, and collect the cycles among it now (the next hold would
    otherwise take them back before any pass). Nothing when nothing was held; when something was, objects another
    program froze are given back too (the collector keeps one set of frozen objects)."""
    global _held
    if _held:
        gc.unfreeze()
        _held = False
        gc.collect()
