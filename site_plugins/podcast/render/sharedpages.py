"""Episode pages rendered by the build's workers too (`parallel`): a first build of a thousand episodes spends
seconds in their templates.

A worker renders with a renderer of its own, made once from what the build's renderer was made from: written to
a file of the build's private temporary folder (`Workers.scratch`) for the stage (the episodes and their audio in
it only by where their memos keep them, see `memo.Kept`), read by each worker once. A page comes back pickled as
the memo keeps it, its HTML encoded, so that the build's process reads it once and holds no other copy.
"""

from __future__ import annotations

import functools
import pickle
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, Protocol

from ..memo import Memo, file_signature, pack, received
from ..model import Episode
from ..parallel import Workers
from ..writer import write_atomic
from .prints import found_in, make_kept, packed_html, unpacked_as

SHARED_FROM = 33
"""Pages to render from which workers help: fewer are done before a worker has read the episodes."""
_AHEAD = 32
"""Chunks of pages the build's process renders ahead while a worker reads the episodes (a second or two)."""


class Renderer(Protocol):
    """What `episode_pages` needs of the site's renderer (`pages._SiteRenderer`)."""

    episodes: list[Episode]
    by_slug: dict[str, Episode]
    memo: Memo | None

    def page_key(self, episode: Episode, related: tuple[str, ...]) -> str: ...

    def episode_page(self, episode: Episode, related: tuple[str, ...]) -> Any: ...

    def remade(self) -> tuple[Callable[..., Renderer], tuple[object, ...]]:
        """(a function, what it makes the renderer again from: its episodes, their audio, the rest)."""


class Meanwhile(Protocol):
    """Other work for the workers while the build's process renders the listings (`build_pages`)."""

    def start(self) -> None:
        """Called once the episode pages are made."""

    def more(self) -> None:
        """Called between listings: the workers' work so far taken, more handed out."""


class _Nothing:
    """No other work."""

    def start(self) -> None:
        pass

    def more(self) -> None:
        pass


NOTHING_MEANWHILE = _Nothing()


def episode_pages(renderer: Renderer, related: Mapping[str, tuple[str, ...]], workers: Workers | None,
                  kind: type) -> list:
    """Each episode's page (of `kind`), in the renderer's order: from the memo when an earlier build made it from
    the same inputs, else rendered, by the workers too when there are many."""
    memo = renderer.memo
    keys = [renderer.page_key(e, related[e.slug]) for e in renderer.episodes]
    pages = [found_in(memo, key, kind) for key in keys]
    missing = [n for n, page in enumerate(pages) if page is None]

    def here(n: int) -> Any:
        episode = renderer.episodes[n]
        return make_kept(memo, keys[n], lambda: replace(renderer.episode_page(episode, related[episode.slug]),
                                                        key=keys[n]))

    folder = workers.scratch() if memo is not None and workers is not None and len(missing) >= SHARED_FROM else None
    if folder is None:  # all here
        for n in missing:
            pages[n] = here(n)
        return pages
    state = folder / f"pages-{uuid.uuid4().hex}.state"
    write_atomic(state, pickle.dumps(renderer.remade(), protocol=pickle.HIGHEST_PROTOCOL), durable=False)
    try:
        given = _Given(renderer, state)
        slugs = {n: renderer.episodes[n].slug for n in missing}
        made = workers.map(_packed_page, [(given, slugs[n], related[slugs[n]], keys[n]) for n in missing],
                           ahead=_AHEAD)
        for n, packed in zip(missing, made, strict=True):
            page = unpacked_as(kind, memo.put_packed(keys[n], packed)) if packed is not None else None
            pages[n] = page or here(n)  # here too when a worker could not read the episodes back
    finally:
        state.unlink(missing_ok=True)
    return pages


class _Given:
    """The build's renderer on its way to a worker, which gets only the file it can be made again from."""

    def __init__(self, renderer: Renderer, state: Path) -> None:
        self.renderer, self.state = renderer, state

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _renderer_from, (self.state, file_signature(self.state))


@functools.lru_cache(maxsize=1)
def _renderer_from(state: Path, signature: tuple[object, ...]) -> Renderer | None:
    """A worker's renderer, made once from the stage's file; None when an episode could not be read back."""
    try:
        make, (episodes, audio, *inputs) = pickle.loads(state.read_bytes())
        episodes = [received(e) for e in episodes]
        audio = {slug: received(given) for slug, given in audio.items()}
        if any(e is None for e in episodes) or any(a is None for a in audio.values()):
            return None
        return make(episodes, audio, *inputs)
    except Exception:  # the pages are then rendered by the build's own process
        return None


def _packed_page(given: _Given | Renderer | None, slug: str, related: tuple[str, ...], key: str) -> bytes | None:
    """The episode's page rendered, pickled as the memo keeps it; None when this worker has no renderer."""
    renderer = given.renderer if isinstance(given, _Given) else given
    if renderer is None:
        return None
    return pack(packed_html(replace(renderer.episode_page(renderer.by_slug[slug], related), key=key)))
