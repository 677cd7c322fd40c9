"""`podcast publish build`: what a publishing run does before the site is deployed.

1. Bring the published audio (the audio branch) into the audio folder, and note its commit.
2. Build the site with `mkdocs build --strict`, within a time budget for speech.
3. Whatever the build's outcome, prepare the folder the store step puts on the audio branch: the MP3
   of every episode that has one (an episode finished before another failed keeps its audio), and the
   publish record, which gains this build's episodes only when the build succeeded.
4. Say how many turns remain, so a large first import visibly goes on across runs.

The store step (`python -m site_plugins.podcast.store store`) runs apart, with write access and no
installed package; the deploy follows only a successful build.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from .errors import PodcastError
from .load.siteconfig import read_site_config
from .manifest import SPEAK_UNTIL, Manifest, manifest_path, read_manifest
from .store.__main__ import BASE_NAME
from .store.branch import BRANCH, STATE_NAME, StoreError, extract, fetch, git, tree_of
from .store.due import PublishState
from .store.record import RECORD_NAME, load_record, record_bytes, with_published
from .writer import write_atomic

DEFAULT_OUT = Path("build/publish")
MEDIA = "media"
"""With `media_base_url`: the folder of the MP3s under their site names, to upload to that address."""


def run_publish_build(config_path: Path, *, out: Path = DEFAULT_OUT, remote: str = "origin", branch: str = BRANCH,
                      minutes: float | None = None, say=print) -> int:
    """0 when the site was built and may be deployed; the build's status otherwise."""
    site = read_site_config(config_path)
    project, settings = site.project_dir, site.settings
    placeholder = placeholder_problem(config_path, settings.show.site_url)
    if placeholder:
        say(placeholder)
        return 1
    audio_dir = project / settings.audio_dir
    base = _bring_published_audio(project, audio_dir, remote, branch, say)
    if git(project, "ls-files", "--", settings.audio_dir, check=False).stdout.strip():
        say(f"note: {settings.audio_dir}/ is still committed to this branch, from before its audio moved to "
            f"'{branch}'; 'git rm -r --cached {settings.audio_dir}' and a commit stop it growing the repository")
    manifest_path(project, settings).unlink(missing_ok=True)  # never mistake an older build's for this one's
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if minutes is not None:
        env[SPEAK_UNTIL] = str(time.time() + minutes * 60)
    status = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config_path)],
                            env=env).returncode
    manifest = read_manifest(project, settings)
    if manifest is None:
        say("the build stopped before its audio step: nothing new to store")
        shutil.rmtree(out, ignore_errors=True)
        return status or 1
    # The store step pushes only when the branch would change, and only if nobody stored since `base`.
    _prepare_store(out, audio_dir, manifest, f"{base} {tree_of(project, base)}" if base else "",
                   publish=status == 0)
    _note_state(project, out, manifest, complete=status == 0 and not manifest.without_audio)
    if settings.show.media_base_url:
        _link_all(project, manifest.media(), out / MEDIA)
    _report(manifest, status, say)
    return status


def placeholder_problem(config_path: Path, site_url: str) -> str:
    """'' unless `site_url` is the sample's placeholder (a host named example.*): published, its feed would send
    every podcast app to someone else's address."""
    host = urlsplit(site_url).hostname or ""
    if host.split(".")[0] != "example":
        return ""
    lines = config_path.read_text(encoding="utf-8").splitlines()
    line = next((n for n, text in enumerate(lines, 1) if text.startswith("site_url:")), 1)
    return (f"{config_path}:{line}:1: site_url is still the sample's placeholder ({site_url}); set it to your site's "
            "address, e.g. https://<user>.github.io/<repository>/, before publishing")


def _bring_published_audio(project: Path, audio_dir: Path, remote: str, branch: str, say) -> str | None:
    """The audio branch's commit, its files written into the audio folder; None when there is none."""
    try:
        base = fetch(project, remote, branch)
    except StoreError as exc:  # a clone of one's own, say: it builds as publishing would, and stores nothing
        say(f"{exc}: building without the published audio")
        return None
    if base is None:
        say(f"{remote} has no branch '{branch}' yet: this is the first publish, every turn is spoken")
        return None
    try:
        say(f"published audio {base[:7]} from '{branch}': {extract(project, base, audio_dir)} files brought in")
    except (PodcastError, OSError) as exc:  # the build makes again what it needs; the store replaces the branch
        say(f"the audio branch '{branch}' ({base[:7]}) cannot be read ({exc}): its audio is made again, and this "
            "publish stores a new branch")
    return base


def _prepare_store(out: Path, audio_dir: Path, manifest: Manifest, base: str, *, publish: bool) -> None:
    """The audio branch's next content, in `out`: hard links (or copies) of the MP3s, and the record."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    _link_all(audio_dir, {name: name for name in manifest.stored_files()}, out)
    record = load_record(audio_dir / RECORD_NAME)  # entries it cannot read are stored again as they are
    entries = with_published(record.entries, manifest.published()) if publish else record.entries
    write_atomic(out / RECORD_NAME, record_bytes(entries, record.unread))
    write_atomic(out / BASE_NAME, base.encode("ascii"))


def _note_state(project: Path, out: Path, manifest: Manifest, *, complete: bool) -> None:
    """What this publish was, stored with its audio: an hourly run with nothing new then builds nothing."""
    head = git(project, "rev-parse", "--verify", "--quiet", "HEAD", check=False).stdout.decode().strip()
    if head:
        next_due = datetime.fromisoformat(manifest.next_due) if manifest.next_due else None
        write_atomic(out / STATE_NAME, PublishState(head, next_due, complete).to_bytes())


def _link_all(source: Path, names: dict[str, str], folder: Path) -> None:
    """`folder/name` for each (name, path under `source`): hard links where possible, else copies."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in names.items():
        try:
            os.link(source / path, folder / name)
        except OSError:
            shutil.copy2(source / path, folder / name)


def _report(manifest: Manifest, status: int, say) -> None:
    kept = len(manifest.stored_files())
    if manifest.without_audio:
        say(f"{kept} episodes have their audio; {manifest.without_audio} still have none, with "
            f"{manifest.missing} turns left to speak: they are kept for the next run, which goes on from here")
    elif status:
        say(f"all {kept} episodes have their audio, which is kept; the site was not built (see above)")
    else:
        say(f"all {kept} episodes have their audio; the site is ready to deploy")


def add_publish_command(commands, config_argument) -> None:
    publish = commands.add_parser("publish", help="a publishing run's steps (see the publishing guide)")
    steps = publish.add_subparsers(dest="step", required=True)
    step = steps.add_parser("build", help="bring in the published audio, build strictly, prepare what to store")
    config_argument(step)
    step.add_argument("--out", "-o", type=Path, default=DEFAULT_OUT,
                      help="the folder the store step puts on the audio branch (default: build/publish)")
    step.add_argument("--remote", default="origin")
    step.add_argument("--minutes", type=float, default=None,
                      help="send no turn to the speech engine after this many minutes (default: no limit)")
