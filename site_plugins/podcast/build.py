"""The site build, run by the core: load → audio → render → output, one recipe for every host.

A host (the MkDocs plugin, the `podcast build` command) hands in a `BuildRequest` and maps the
`SiteOutput` it gets back onto itself: pages to render, files to publish as they are, tags for each
page's <head>. A quick preview (`rebuild_episodes`) runs the same recipe for a few episodes.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from .audio.builder import AudioBuilder, AudioReport
from .audio.trust import audio_key
from .collector import hold_objects, reading
from .episodefiles import EpisodeFiles, episode_files, image_uri, thumbnails
from .episodeprints import EpisodePrints
from .errors import Problem, Severity
from .layout import SiteLayout, folder_url
from .load.catalog import Catalog, load_catalog
from .load.show import site_cover
from .load.tree import folders_outside
from .manifest import SPEAK_UNTIL, write_manifest
from .memo import CHECKED_EPISODES, KEPT_AUDIO, Memo, digest_of, memo_path, read_ahead_to_keep, value_print
from .model import Cover, Episode, EpisodeAddress, EpisodeAudio, Settings
from .parallel import Workers
from .render.document import GeneratedPage
from .render.embed import oembed_link
from .render.errorpages import render_problem_pages
from .render.feed import render_feed
from .render.head import (
    drop_missing_toc_toggle,
    episode_head,
    feed_link,
    inject_head,
    relabel_skip_link,
    share_tags,
    show_head,
)
from .render.i18n import labels_for
from .render.notfound import render_not_found
from .render.pages import build_episode_page, build_pages
from .render.playersite import render_player_site
from .render.redirects import former_addresses, redirect_files, removed_files
from .render.searchbox import search_box
from .render.searchcache import SEARCH_CACHE, SearchCache
from .speech import EspeakEngine, SpeechEngine, engine_name, make_engine
from .writer import Claims

ASSETS = Path(__file__).parent / "render" / "assets"
ASSETS_URI = SiteLayout.assets_folder
"""Where the stylesheet and the script modules are published, side by side: modules import each other by name."""
STYLESHEET_URI = ASSETS_URI + "podcast.css"
SITE_DATA_URI = ASSETS_URI + "site-data.js"
"""Made by each build (the player's labels, the show's title and cover); the other assets are copied as they are."""
PLAYER_SCRIPT_URI = ASSETS_URI + "player.js"
"""The episode page's player; it imports the bar, which every page has."""
SEARCH_SCRIPT_URI = ASSETS_URI + "search.js"
SUBSCRIBE_SCRIPT_URI = ASSETS_URI + "subscribe.js"


@dataclass(frozen=True, slots=True)
class BuildRequest:
    """What a host knows that the core needs: settings, where the project is, the clock and the voices."""

    settings: Settings
    project_dir: Path
    now: datetime
    """The build's time: episodes dated later are scheduled (left out of a published build)."""
    engine: SpeechEngine
    """Speaks the hosts that name no `engine:` (the site's `tts:`, or PODCAST_TTS); its speech may be published.
    A host that names another engine gets it made from the table of engines (`speech.ENGINES`)."""
    fallback: SpeechEngine | None = None
    """Speaks when a host's engine cannot be reached and the host names no `fallback:`; its audio is a preview,
    never published."""
    engines: tuple[SpeechEngine, ...] = ()
    """Engines made ahead, used instead of new ones from the table for the hosts that name them."""
    every_host: bool = False
    """`engine` speaks every host, whatever engine a host names: PODCAST_TTS was set for this build."""
    unreachable: set[str] = field(default_factory=set)
    """Engines a preview found unreachable: not tried again in its later builds (each would wait for them)."""
    cover: Cover | None = None
    preview: bool = False
    """A preview (mkdocs serve): drafts and scheduled episodes shown and marked, broken files shown."""
    ends_process: bool = False
    """The host's process ends after this build (a one-shot `mkdocs build`): what the build reads and makes is held
    from the garbage collector's later passes as it goes (`collector`)."""
    directory_urls: bool = True
    home_intro: str | None = None
    """The editor's Markdown for the top of the home page."""
    progress: Callable[[str], None] = lambda _: None
    warn: Callable[[str], None] = lambda _: None
    speak_until: float | None = None
    """No turn is sent to the engine after this time (time.time()): a publishing run's budget."""
    written_over: Path | None = None
    """The site folder, holding the files of a build before at their places, where each may be written over by the
    file that takes its place (`writer.write_over`); None where the site folder starts empty."""
    audio_key: bytes | None = None
    """The key that seals the episode MP3s this site's builds write (`PODCAST_AUDIO_KEY`, see `audio.trust`)."""

    @property
    def layout(self) -> SiteLayout:
        """Where every page and file of this build goes."""
        return SiteLayout.from_settings(self.settings, directory_urls=self.directory_urls)

    @property
    def cover_uri(self) -> str:
        """Where the show's cover is published ('' without one)."""
        return self.cover.uri if self.cover is not None else ""


@dataclass(frozen=True, slots=True)
class SiteOutput:
    """Everything the site gets from the podcast core."""

    pages: tuple[GeneratedPage, ...]
    files: Mapping[str, bytes | Path]
    """Site path -> its bytes, or a file to copy as it is (audio)."""
    heads: Mapping[str, str]
    """Page source URI -> HTML for its <head> (JSON-LD, Open Graph)."""
    search_order: Mapping[str, float]
    """Page source URI -> publication time, newest ranked first among equal search results."""
    problems: tuple[Problem, ...]
    """The episode files' problems (episodes with an error are left out)."""
    audio: AudioReport
    episodes: tuple[Episode, ...]
    notice: str = ""
    """A preview's list of broken episode files, for the top of the home page."""
    known_addresses: Mapping[str, EpisodeAddress] = field(default_factory=dict)
    """Episode file -> the address it last had: a broken file keeps showing at that address."""
    drafts: tuple[Episode, ...] = ()
    """Drafts this (published) build left out."""

    @property
    def drafts_note(self) -> str:
        """'' when no draft was left out; else which, and where they show."""
        if not self.drafts:
            return ""
        files = ", ".join(sorted(e.source_path for e in self.drafts))
        count = f"{len(self.drafts)} draft{'' if len(self.drafts) == 1 else 's'}"
        return f"{count} left out ({files}): drafts are never published; `scripts/site serve` shows them"

    @property
    def audio_problems(self) -> tuple[Problem, ...]:
        return tuple(self.audio.problems)

    @property
    def page_bodies(self) -> dict[str, GeneratedPage]:
        """Page source URI -> the page, whose HTML and table of contents a host adds once Markdown is rendered."""
        return {page.src_uri: page for page in self.pages}


def page_assets(settings: Settings) -> tuple[list[str], list[dict[str, str]]]:
    """(stylesheets, scripts) every page of the site loads. Scripts are ES modules, each an `extra_javascript`
    entry as mkdocs.yml writes one; the modules they import are published beside them (`asset_files`)."""
    uris = [PLAYER_SCRIPT_URI, SUBSCRIBE_SCRIPT_URI, *([SEARCH_SCRIPT_URI] if settings.search else [])]
    return [STYLESHEET_URI], [{"path": uri, "type": "module"} for uri in uris]


def clashing_plugins(settings: Settings, plugins: Sequence[str]) -> list[str]:
    """Warnings about other plugins of the host that do the podcast's work a second time."""
    if settings.search and any(name.split("/")[-1] == "search" for name in plugins):
        return ["mkdocs.yml turns on mkdocs-material's search plugin as well as the podcast plugin's search: "
                "remove '- search' from plugins (or set 'search: false' for the podcast plugin)"]
    return []


def derived_folders(request: BuildRequest) -> tuple[Path, ...]:
    """The folders of files the build derives (audio, caches), resolved: their files may be linked into the site."""
    return tuple((request.project_dir / folder).resolve()
                 for folder in (request.settings.audio_dir, request.settings.cache_dir))


def search_cache(request: BuildRequest) -> SearchCache:
    """What the search index made of each page in the last build (see render/searchcache.py)."""
    return SearchCache(request.project_dir / request.settings.cache_dir / SEARCH_CACHE)


def asset_files() -> dict[str, Path]:
    """The stylesheet and every script module, published as they are."""
    return {ASSETS_URI + path.name: path for path in sorted(ASSETS.iterdir()) if path.suffix in {".css", ".js"}}


def build_site(request: BuildRequest, *, previous: SiteOutput | None = None,
               workers: Workers | None = None) -> SiteOutput:
    """The whole podcast part of the site. `previous` (a preview's last build) remembers broken files' slugs;
    `workers` share the checking of episode files, rendering their pages and making their transcripts."""
    settings = request.settings
    with reading(request.ends_process):  # all of it lives to the build's end (`collector`)
        catalog = _catalog(request, previous, workers)
        prints = EpisodePrints(sources=catalog.sources)
        report = _audio(request, catalog.episodes, prints=prints.episode, workers=workers)
    prints.hear(report.audio, report.kept_keys)
    if workers is not None:  # they render pages from these next, given them by where these memos keep them
        cache = request.project_dir / settings.cache_dir
        workers.each(read_ahead_to_keep, *(str(memo_path(cache, kind)) for kind in (CHECKED_EPISODES, KEPT_AUDIO)))
    pages, files = _pages_and_files(request, catalog.episodes, report.audio, prints, workers)
    known = {**(previous.known_addresses if previous else {}),
             **{e.source_path: EpisodeAddress(e.slug, e.date) for e in (*catalog.episodes, *catalog.scheduled)}}
    notice = ""
    if request.preview:
        preview = render_problem_pages(catalog.broken, settings, layout=request.layout)
        pages, notice = [*pages, *preview.pages], preview.notice
    legacy = SiteLayout(folder_url(settings.episodes_uri), request.directory_urls)
    former = former_addresses(catalog.episodes, catalog.record, layout=request.layout, legacy=legacy)
    taken = {*files, *asset_files(), *(request.layout.output_path(page.src_uri) for page in pages)}
    files.update(redirect_files(catalog.episodes, former, settings, layout=request.layout, taken=taken))
    if not request.preview:
        files.update(removed_files(catalog.record, (*catalog.episodes, *catalog.scheduled), settings,
                                   layout=request.layout, legacy=legacy, taken={*taken, *files},
                                   gone=lambda entry: not (request.project_dir / entry.file).exists()))
    check_claims(pages, files, layout=request.layout)
    if not request.preview:
        write_manifest(request.project_dir, settings, catalog.episodes, report.audio, missing=report.missing,
                       layout=request.layout, former=former, scheduled=catalog.scheduled)
    return SiteOutput(
        pages=tuple(pages), files=files,
        heads=_heads(request, catalog.episodes, report.audio),
        search_order={request.layout.episode_page(e): e.published.timestamp() for e in catalog.episodes},
        problems=catalog.problems, audio=report, episodes=catalog.episodes, notice=notice,
        known_addresses=known, drafts=catalog.drafts)


def _pages_and_files(request: BuildRequest, episodes: Sequence[Episode], audio: Mapping[str, EpisodeAudio],
                     prints: EpisodePrints, workers: Workers | None) -> tuple[list[GeneratedPage], dict]:
    """The generated pages and the episodes' files; the workers make the episodes' texts while the listings are
    rendered here."""
    thumbs, thumb_files = thumbnails(request, episodes)
    cache = request.project_dir / request.settings.cache_dir
    with Memo(cache, "files") as made:
        texts = EpisodeFiles(request, episodes, audio, memo=made, prints=prints, workers=workers)
        with Memo(cache, "pages") as rendered:
            pages = build_pages(episodes, request.settings, layout=request.layout, home_intro=request.home_intro,
                                audio=audio, cover_uri=request.cover_uri, thumbs=thumbs, memo=rendered,
                                prints=prints, workers=workers, meanwhile=texts)
        # The pages' memo saved and the feed made while the workers still make texts: then the last texts.
        site = _site_files(request, episodes, audio, memo=made, prints=prints)
        files = {**texts.files(), **site, **thumb_files}
    return pages, files


def _catalog(request: BuildRequest, previous: SiteOutput | None, workers: Workers | None) -> Catalog:
    """Every episode file, checked (or as an earlier build checked it)."""
    folder = request.project_dir / request.settings.episodes_dir
    with Memo(request.project_dir / request.settings.cache_dir, CHECKED_EPISODES) as checked:
        return load_catalog([folder] if folder.is_dir() else [], request.settings, root=request.project_dir,
                            include_drafts=request.preview, now=request.now,
                            known_addresses=previous.known_addresses if previous else None, memo=checked,
                            workers=workers)


def rebuild_episodes(previous: SiteOutput, edited: Sequence[Episode], request: BuildRequest) -> SiteOutput:
    """`previous` with the given episodes replaced by their edited versions: their pages, audio and files,
    and the feed, made by the same recipe; every other page stays as it was."""
    swap = {e.slug: e for e in edited}
    episodes = tuple(swap.get(e.slug, e) for e in previous.episodes)
    made = _audio(request, edited)
    audio = {**previous.audio.audio, **made.audio}
    pages = {p.src_uri: p for p in previous.pages}
    for episode in edited:
        page = build_episode_page(episode, episodes, request.settings, layout=request.layout,
                                  audio=audio, cover_uri=request.cover_uri)
        pages[page.src_uri] = page
    files = {**previous.files, **episode_files(request, edited, audio), **_site_files(request, episodes, audio)}
    return replace(previous, pages=tuple(pages.values()), episodes=episodes, audio=replace(made, audio=audio),
                   files=files, heads={**previous.heads, **_heads(request, edited, audio)})


def _audio(request: BuildRequest, episodes: Sequence[Episode], *,
           prints: Callable[[Episode], bytes] = value_print, workers: Workers | None = None) -> AudioReport:
    with Memo(request.project_dir / request.settings.cache_dir, KEPT_AUDIO) as kept:
        report = AudioBuilder(request.settings, project_dir=request.project_dir, engine=request.engine,
                              fallback=request.fallback, engines=request.engines, every_host=request.every_host,
                              unreachable=request.unreachable if request.preview else None, cover=request.cover,
                              progress=request.progress, warn=request.warn, clock=time.monotonic,
                              layout=request.layout, speak_until=request.speak_until, audio_key=request.audio_key,
                              kept=kept, prints=prints, workers=workers).build(episodes)
    if request.ends_process:  # the episodes and their audio live to the build's end
        hold_objects()
    return report


def _site_files(request: BuildRequest, episodes: Sequence[Episode], audio: Mapping[str, EpisodeAudio], *,
                memo: Memo | None = None, prints: EpisodePrints | None = None) -> dict[str, bytes | Path]:
    """The cover, the player bar's data and the feed (which needs the site's address); the feed found in `memo`
    by the prints of its episodes, the settings and the cover's address when an earlier build made it."""
    settings = request.settings
    files: dict[str, bytes | Path] = {
        SITE_DATA_URI: render_player_site(settings, request.cover, script_uri=SITE_DATA_URI).encode("utf-8")}
    if request.cover is not None:
        files[request.cover.uri] = request.cover.data
    if settings.show.site_url:
        listed = [e for e in episodes if not e.draft]

        def feed() -> bytes:
            return render_feed(listed, audio, settings, cover=request.cover, layout=request.layout)

        if memo is None or prints is None:
            files[SiteLayout.feed] = feed()
            return files
        key = digest_of(("feed", repr((settings, request.layout, request.cover_uri)), *map(prints.of, listed)))
        found = memo.get(key)
        if not isinstance(found, bytes):
            found = feed()
            memo.put(key, found)
        files[SiteLayout.feed] = found
    return files


def _heads(request: BuildRequest, episodes: Sequence[Episode], audio: Mapping[str, EpisodeAudio]) -> dict[str, str]:
    """<head> tags of the home page and the episode pages (every other page gets `share_tags` alone)."""
    layout = request.layout
    heads = {layout.home: show_head(request.settings, cover=request.cover)}
    for e in episodes:
        heads[layout.episode_page(e)] = episode_head(e, audio.get(e.slug), request.settings,
                                                     image_uri=image_uri(request, e),
                                                     page_url=layout.episode_page_url(e)) + \
            (oembed_link(e, request.settings, layout=layout) if e.slug in audio else "")
    return heads


def prepare(settings: Settings, project_dir: Path, *, now: datetime, preview: bool = False,
            directory_urls: bool = True, environ: Mapping[str, str] | None = None,
            progress: Callable[[str], None] = lambda _: None,
            warn: Callable[[str], None] = lambda _: None) -> BuildRequest:
    """A request for a site's build: its cover checked, its voices chosen (PODCAST_TTS in `environ` wins over
    the site's `tts:` and every host's `engine:`)."""
    folders_outside(settings, project_dir)
    cover = site_cover(project_dir, settings.cover)
    environ = environ or {}
    engine = make_engine(engine_name(settings.tts, environ), settings=settings)
    until = environ.get(SPEAK_UNTIL, "").strip()
    return BuildRequest(settings=settings, project_dir=project_dir, now=now, engine=engine, fallback=EspeakEngine(),
                        every_host=bool(environ.get("PODCAST_TTS", "").strip()),
                        cover=cover, preview=preview, directory_urls=directory_urls, progress=progress, warn=warn,
                        speak_until=float(until) if until.replace(".", "", 1).isdigit() else None,
                        audio_key=audio_key(environ))


def finish_page(html: str, output: SiteOutput, request: BuildRequest, *, src_uri: str, page_url: str) -> str:
    """A page the host rendered, with the podcast's <head> tags and the site's search box in its header."""
    settings = request.settings
    head = output.heads.get(src_uri) or share_tags(settings, language=settings.language, image_uri=request.cover_uri,
                                                   image_alt=settings.show.title)
    head += feed_link(request.settings, page_url=page_url)
    html = drop_missing_toc_toggle(relabel_skip_link(inject_head(html, head), labels_for(settings.language)["skip"]))
    return search_box(html, request.settings, page_url=page_url, layout=request.layout)


def finish_not_found(html: str, output: SiteOutput, request: BuildRequest) -> str:
    """The theme's 404 page in the site's language, with a search box and the latest episodes."""
    return render_not_found(html, output.episodes, request.settings, layout=request.layout)


def problem_lines(output: SiteOutput) -> list[tuple[bool, str]]:
    """Each problem of a build as (whether to warn, a log line that says what became of the episode);
    a note is said, not warned, so it never stops a strict build."""
    return [(p.severity is not Severity.NOTE, f"{p}{' (episode left out)' if p.is_error else ''}")
            for p in output.problems] + \
        [(True, f"{p}{' (the page is built without audio)' if p.is_error else ''}") for p in output.audio_problems]


def strict_refusal(output: SiteOutput, engine: str, *, count_warnings: bool = True) -> str:
    """Why a strict (publishing) build may not publish, with the problems that say so; '' when it may.

    The one rule for every host: no error, no warning (a note is fine), no turn spoken by the offline
    fallback. `count_warnings=False` is for a host that fails a strict build on the warnings it logged
    by itself (MkDocs does, once the whole site is built, so that each warning is seen in place).
    """
    problems = (*output.problems, *output.audio_problems)
    listed = "".join(f"\n{p}" for p in problems)
    if any(p.is_error for p in problems):
        return f"invalid episode files (fix them, or build without --strict to leave them out):{listed}"
    if count_warnings and any(p.severity is Severity.WARNING for p in problems):
        return f"warnings, which a strict build refuses (fix them, or build without --strict):{listed}"
    if output.audio.fallback:
        return (f"{engine} could not be reached: {output.audio.fallback} turns were spoken by the offline engine, "
                "and a strict build never publishes that fallback")
    return ""


def check_claims(pages: Sequence[GeneratedPage], files: Mapping[str, object], *, layout: SiteLayout) -> None:
    """Two outputs may not claim one path of the site (a page silently replacing another, or a file)."""
    claims = Claims(fix="rename one of them (a slug, a tag, or episode_url)")
    for page in pages:
        claims.claim(layout.output_path(page.src_uri), f"the page {page.src_uri}")
    for uri in [*files, *asset_files()]:
        claims.claim(uri, f"the file {uri}")
