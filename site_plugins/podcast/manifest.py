"""What a build made, for the publishing step: each episode, its GUID, its MP3 in the audio folder and its
page's address.

Every full build writes it to the cache folder; `podcast publish build` reads it after the build to
choose the files it stores on the audio branch and the entries it adds to the publish record.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from .layout import SiteLayout
from .model import Episode, EpisodeAudio, Settings
from .store.record import Published
from .writer import Resolver, write_atomic

MANIFEST_NAME = "publish-manifest.json"
SPEAK_UNTIL = "PODCAST_SPEAK_UNTIL"
"""Environment variable: a Unix time after which a build sends no more turns to the speech engine."""


@dataclass(frozen=True, slots=True)
class Manifest:
    episodes: tuple[dict, ...]
    missing: int
    """Turns still to be spoken for the episodes left without audio."""
    next_due: str | None = None
    """When the earliest scheduled episode goes live (ISO 8601), None when none is."""

    def stored_files(self) -> list[str]:
        """The audio folder's MP3s of this build's episodes (published or draft: both keep their turns)."""
        return [e["file_name"] for e in self.episodes if e["file_name"]]

    def media(self) -> dict[str, str]:
        """Site file name ('x-3f2a9c01d4.mp3') -> the file it is made from, relative to the project."""
        return {SiteLayout.audio_name(e["uri"]): e["path"] for e in self.episodes if e["uri"] and e["path"]}

    def published(self) -> list[Published]:
        return [Published(guid=e["guid"], file=e["file"], slug=e["slug"], title=e["title"], date=e["date"],
                          given=e["given"], audio=e["uri"], page=e["page"], former=tuple(e["former"]))
                for e in self.episodes if e["uri"] and not e["draft"]]

    @property
    def without_audio(self) -> int:
        return sum(1 for e in self.episodes if not e["uri"])


def manifest_path(project_dir: Path, settings: Settings) -> Path:
    return project_dir / settings.cache_dir / MANIFEST_NAME


def write_manifest(project_dir: Path, settings: Settings, episodes: Sequence[Episode],
                   audio: Mapping[str, EpisodeAudio], *, missing: int, layout: SiteLayout,
                   former: Mapping[str, tuple[str, ...]], scheduled: Sequence[Episode] = ()) -> None:
    """`former`: slug -> the addresses its page had before (see Published.former); `scheduled`: the episodes
    left out until their time, of which the earliest is noted."""
    folder = (project_dir / settings.audio_dir).resolve()
    resolve, project = Resolver(), project_dir.resolve()
    rows = []
    for episode in episodes:
        sound = audio.get(episode.slug)
        ok = sound is not None and sound.publishable
        real = resolve(sound.path) if ok else None
        in_folder = ok and real.parent == folder
        rows.append({"slug": episode.slug, "file": episode.source_path, "guid": episode.guid,
                     "given": episode.wrote("guid"), "title": episode.title,
                     "date": episode.date.isoformat(), "draft": episode.draft,
                     "uri": sound.uri if ok else "", "file_name": sound.path.name if in_folder else "",
                     "path": _relative(real, sound.path, project) if ok else "",
                     "page": layout.episode_page_url(episode), "former": list(former.get(episode.slug, ()))})
    next_due = min((e.published for e in scheduled), default=None)
    body = {"format": 1, "missing_turns": missing, "episodes": rows,
            "next_due": next_due.isoformat() if next_due else None}
    write_atomic(manifest_path(project_dir, settings), json.dumps(body, ensure_ascii=False, indent=1).encode())


def _relative(real: Path, path: Path, project: Path) -> str:
    """`real`, the resolved `path`, relative to the (resolved) project; `path` as it is when outside it."""
    try:
        return real.relative_to(project).as_posix()
    except ValueError:
        return str(path)


def read_manifest(project_dir: Path, settings: Settings) -> Manifest | None:
    try:
        data = json.loads(manifest_path(project_dir, settings).read_text(encoding="utf-8"))
        return Manifest(tuple(data["episodes"]), int(data["missing_turns"]), data.get("next_due"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
