"""Each episode's files in the site: its MP3, its art and their thumbnails, its transcripts, chapters and
embed page. The texts of an episode are kept between builds (`memo`), found by a digest of what makes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .episodeprints import EpisodePrints
from .layout import SiteLayout
from .load.show import image_size
from .memo import CHECKED_EPISODES, MEMO_FOLDER, Kept, Memo, digest_of, received
from .model import Episode, EpisodeAudio, Settings
from .parallel import Feed, Workers
from .render.embed import embed_files
from .render.transcripts import transcript_files
from .thumbnails import thumbnail_set
from .writer import remove_others, write_over

if TYPE_CHECKING:
    from .build import BuildRequest


def episode_files(request: BuildRequest, episodes: Sequence[Episode], audio: Mapping[str, EpisodeAudio], *,
                  memo: Memo | None = None, prints: EpisodePrints | None = None,
                  workers: Workers | None = None) -> dict[str, bytes | Path]:
    """Each episode's MP3 (unless served from elsewhere), art, transcripts, chapters and embed page, by site path
    (`EpisodeFiles`, started and gathered at once)."""
    made = EpisodeFiles(request, episodes, audio, memo=memo, prints=prints, workers=workers)
    made.start()
    return made.files()


class EpisodeFiles:
    """Each episode's files, made in two steps so that the workers can make the texts while the build's process
    does other work (the site's listings): `start` hands them the texts no earlier build kept (`more` hands them
    further ones), `files` makes the rest here and gathers them all.

    With `memo`, the texts are files of the cache (linked into the site: writing thousands of them anew cost more
    than the rest of a rebuild), found again by a digest of what makes them."""

    SHARED_FROM = 33
    """Texts to make from which the workers help: a few are made here sooner than a worker starts."""
    AHEAD = 128
    """Texts each worker is given ahead (about a third of a second of work) between the build's calls."""

    def __init__(self, request: BuildRequest, episodes: Sequence[Episode], audio: Mapping[str, EpisodeAudio], *,
                 memo: Memo | None = None, prints: EpisodePrints | None = None,
                 workers: Workers | None = None) -> None:
        self.request, self.episodes, self.audio = request, episodes, audio
        self.texts = _Texts(request, memo, prints or EpisodePrints(audio))
        self.kept = [self.texts.kept(episode) for episode in episodes]
        self.made: dict[int, dict[str, bytes] | dict[str, str] | None] = {}
        many = sum(found is None for found in self.kept) >= self.SHARED_FROM
        self.feed = Feed(workers if workers is not None and many else Workers(0), _sent_texts,
                         self.made.__setitem__, ahead=self.AHEAD)

    def _inputs(self, episode: Episode) -> tuple:  # what `episode_texts` reads besides the episode
        return self.audio.get(episode.slug), self.request.settings, self.request.layout, \
            *self.texts.art(episode), self.texts.kept_in, self.request.written_over

    def start(self) -> None:
        """Hand the texts to make to the workers (without workers, make them now)."""
        for number, (episode, found) in enumerate(zip(self.episodes, self.kept, strict=True)):
            if found is None:
                self.feed.add(number, (self.texts.sendable(episode), *self._inputs(episode)))

    def more(self) -> None:
        """Take the texts the workers made so far, and hand them the next ones."""
        self.feed.take()

    def files(self) -> dict[str, bytes | Path]:
        """Every episode's files, by site path: the texts not made yet made here while the workers finish theirs."""
        self.feed.take(wait=True)
        request, files = self.request, {}
        for number, (episode, found) in enumerate(zip(self.episodes, self.kept, strict=True)):
            clip = self.audio.get(episode.slug)
            if clip is not None and not request.settings.show.media_base_url:
                files[clip.uri] = clip.path
            if episode.image:
                files[request.layout.episode_image(episode, episode.image)] = request.project_dir / episode.image
            if found is None:  # made by a worker, or here when the worker could not read the episode back
                sent = self.made.pop(number)
                found = self.texts.keep(episode, sent if sent is not None else
                                        episode_texts(episode, *self._inputs(episode)))
            files.update(found)
        if self.texts.memo is not None:
            remove_others(self.texts.folder, self.texts.used)  # the files no episode of this build has
        return files


def episode_texts(episode: Episode, clip: EpisodeAudio | None, settings: Settings, layout: SiteLayout, art: str,
                  side: int, folder: Path | None, site: Path | None = None) -> dict[str, bytes] | dict[str, str]:
    """Site path -> bytes of the episode's transcripts, chapters and embed page (`art`: its picture's address); with
    a `folder`, each is written there as a file named by its content, and the file's name given instead (a worker
    then sends back names, not tens of kilobytes of text): written over the file of `site` at the text's place, when
    `site` holds one of a build before (`write_over`)."""
    texts = {**transcript_files(episode, clip, layout=layout),
             **embed_files(episode, clip, settings, layout=layout, image_uri=art, image_side=side)}
    made = {uri: text.encode("utf-8") for uri, text in texts.items()}
    return made if folder is None else {uri: _kept_file(folder, data, PurePosixPath(uri).suffix,
                                                    site / uri if site is not None else None)
                                        for uri, data in made.items()}


def _sent_texts(episode: Episode | Kept | None, *rest: object) -> dict[str, bytes] | dict[str, str] | None:
    """`episode_texts` of an episode as `_Texts.sendable` gave it; None when a worker could not read it back."""
    found = received(episode)
    return None if not isinstance(found, Episode) else episode_texts(found, *rest)


def _kept_file(folder: Path, data: bytes, suffix: str, old: Path | None) -> str:
    name = hashlib.sha256(data).hexdigest()[:40] + suffix
    if not (folder / name).is_file():
        write_over(folder / name, data, old=old)
    return name


class _Texts:
    """The episodes' transcripts, chapters and embed pages; with a memo, as files named by their content."""

    def __init__(self, request: BuildRequest, memo: Memo | None, prints: EpisodePrints) -> None:
        self.request, self.memo, self.prints = request, memo, prints
        self.folder = request.project_dir / request.settings.cache_dir / MEMO_FOLDER / "files"
        self.used: set[str] = set()
        self._art: dict[str, tuple[str, int]] = {}

    def art(self, episode: Episode) -> tuple[str, int]:
        """The address and side of the episode's picture (read once)."""
        found = self._art.get(episode.slug)
        if found is None:
            found = self._art[episode.slug] = image_uri(self.request, episode), image_side(self.request, episode)
        return found

    def _key(self, episode: Episode) -> str:
        return digest_of((self.prints.of(episode), repr((self.request.settings, self.request.layout,
                                                         *self.art(episode)))))

    def kept(self, episode: Episode) -> dict[str, Path] | None:
        """The texts of an earlier build made from the same episode, audio, settings, addresses, art and code."""
        kept = self.memo.get(self._key(episode)) if self.memo is not None else None
        if isinstance(kept, dict) and all(isinstance(n, str) and (self.folder / n).is_file() for n in kept.values()):
            self.used.update(kept.values())
            return {uri: self.folder / name for uri, name in kept.items()}
        return None

    def sendable(self, episode: Episode) -> Episode | Kept:
        """The episode as a worker is given it (by where the catalog's memo keeps it, when it does)."""
        return self.prints.sendable(episode, self.memo.sibling(CHECKED_EPISODES)) if self.memo is not None else episode

    @property
    def kept_in(self) -> Path | None:
        """Where texts made now are written (`episode_texts`): the cache's folder, with a memo."""
        return self.folder if self.memo is not None else None

    def keep(self, episode: Episode, made: dict[str, bytes] | dict[str, str]) -> dict[str, bytes | Path]:
        """The texts made now (`episode_texts`): with a memo, files named by their content, found again by the key."""
        if self.memo is None:
            return dict(made)
        self.memo.put(self._key(episode), made)
        self.used.update(made.values())
        return {uri: self.folder / name for uri, name in made.items()}


def thumbnails(request: BuildRequest, episodes: Sequence[Episode]
                ) -> tuple[dict[str, dict[int, str]], dict[str, bytes | Path]]:
    """(site path of each picture -> its thumbnails' site paths by size, the thumbnails as files)."""
    sources: dict[str, bytes] = {}
    if request.cover is not None:
        sources[request.cover.uri] = request.cover.data
    for episode in episodes:
        if episode.image:
            try:
                sources[request.layout.episode_image(episode, episode.image)] = \
                    (request.project_dir / episode.image).read_bytes()
            except OSError:
                continue  # checked when read: gone since, it is shown whole if at all
    cache = request.project_dir / request.settings.cache_dir
    thumbs: dict[str, dict[int, str]] = {}
    files: dict[str, bytes | Path] = {}
    for uri, data in sources.items():
        made = thumbnail_set(data, cache)
        thumbs[uri] = {size: path for size, (path, _) in made.items()}
        files.update(dict(made.values()))
    return thumbs, files


def image_uri(request: BuildRequest, episode: Episode) -> str:
    """The site path of the episode's art: its own image, else the show's cover ('' without either)."""
    return request.layout.episode_image(episode, episode.image) if episode.image else request.cover_uri


def image_side(request: BuildRequest, episode: Episode) -> int:
    """Pixels of a side of the episode's (square) art; 0 when unknown."""
    try:
        data = (request.project_dir / episode.image).read_bytes() if episode.image else \
            (request.cover.data if request.cover is not None else b"")
    except OSError:
        return 0
    size = image_size(data)
    return size[1] if size else 0
