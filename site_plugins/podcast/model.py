"""The podcast's data: frozen values that validation builds and every later stage reads."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, is_dataclass
from datetime import date, datetime
from pathlib import Path

from .errors import Problem
from .layout import EPISODE_URL, SiteLayout

PODCAST_GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
"""Podcasting 2.0's namespace for podcast:guid (UUIDv5 of the feed URL, scheme and trailing slash removed)."""


@dataclass(frozen=True, slots=True)
class Host:
    name: str
    voice: str | None = None
    """The voice in its engine's terms: a language for gTTS (`zh-CN`, `zh-TW`, `en`), a language or an eSpeak NG
    voice (`cmn+m3`) for the offline engine, a neural voice (`zh-CN-XiaoxiaoNeural`) for Edge."""
    tld: str | None = None
    """gTTS accent for English voices: `com`, `co.uk`, `com.au`, ..."""
    variant: int = 0
    """Order in which the host was declared; gives each host of a show its own offline voice."""
    engine: str | None = None
    """The speech engine that speaks the host (a name in `speech.ENGINES`); None: the site's `tts:`."""
    gender: str | None = None
    """`female` or `male`: picks the engine's voice for the language when `voice` names none."""
    gender_rank: int = 0
    """Order among the declared hosts of the same gender: two women get two different female voices."""
    rate: int = 0
    """Speaking rate, percent faster (+) or slower (-)."""
    pitch: int = 0
    """Pitch, percent higher (+) or lower (-)."""
    fallback: tuple[str, ...] | None = None
    """Engines that speak, in order, when `engine` cannot be reached; None: the offline engine, for previews."""
    persona: str | None = None
    """Who the host is in the dialogue (leads and frames, asks and reacts): what `podcast draft` tells the model."""


@dataclass(frozen=True, slots=True)
class Turn:
    speaker: str
    text: str
    """What the page shows (light Markdown)."""
    say: str | None = None
    """What the voice says instead of `text`, when given."""
    line: int = 0
    """Line of the turn in its episode file, for later messages."""

    @property
    def spoken(self) -> str:
        """What the voice reads: `say`, else the text without its Markdown (no '*' or link address aloud)."""
        from .markup import plain_text

        return self.say if self.say is not None else plain_text(self.text)


@dataclass(frozen=True, slots=True)
class Section:
    name: str
    turns: tuple[Turn, ...]


@dataclass(frozen=True, slots=True)
class Source:
    url: str
    title: str | None = None
    publisher: str | None = None
    published: date | None = None
    text: str | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        """The article's paragraphs: blocks separated by blank lines, inner line breaks joined."""
        if not self.text:
            return ()
        blocks = [" ".join(line.strip() for line in block.splitlines()).strip()
                  for block in _split_blank_lines(self.text)]
        return tuple(b for b in blocks if b)


def _split_blank_lines(text: str) -> list[str]:
    blocks: list[list[str]] = [[]]
    for line in text.splitlines():
        if line.strip():
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    return ["\n".join(b) for b in blocks]


@dataclass(frozen=True, slots=True)
class EpisodeAddress:
    """What an episode's address is made of (the `episode_url` pattern's fields), without the episode."""

    slug: str
    date: date
    """The day of publication, as the episode file gives it."""


@dataclass(frozen=True, slots=True)
class Episode:
    source_path: str
    """The episode file, as given to the loader."""
    slug: str
    title: str
    published: datetime
    """Publication time, timezone-aware (a date alone means midnight in the site's timezone)."""
    has_time: bool
    """Whether the file gave a time of day, or only a date."""
    sections: tuple[Section, ...]
    hosts: tuple[Host, ...]
    """The hosts who speak in this episode, in order of first appearance."""
    language: str
    category: str | None = None
    tags: tuple[str, ...] = ()
    listener: str | None = None
    draft: bool = False
    source: Source | None = None
    summary: str | None = None
    analysis: tuple[tuple[str, str], ...] = ()
    """(aspect, Markdown text) pairs in the author's order."""
    related: tuple[str, ...] = ()
    """Slugs the editor picked."""
    audio: str | None = None
    """A recorded file to use instead of synthesis, relative to the project."""
    image: str | None = None
    """The episode's own cover art (JPEG or PNG), relative to the project; None: the show's cover."""
    guid: str = ""
    """Permanent ID in feeds; survives changes of title, slug and file name once written."""
    episode: int | None = None
    season: int | None = None
    explicit: bool | None = None
    """None: the show's setting applies."""
    ai_generated: bool = False
    review: tuple[str, ...] = ()
    """What an editor must still check (a draft's flags): each is a warning until the line is deleted."""
    outside_facts: tuple[str, ...] = ()
    """Facts of the dialogue that are not in the article, listed by the draft for the editor to verify."""
    episode_type: str = "full"
    """itunes:episodeType: full, trailer or bonus."""
    scheduled: bool = False
    """Dated after this build's time: only a preview shows it, marked as scheduled."""
    positions: tuple[tuple[str, int, int], ...] = ()
    """(field, line, column) of top-level fields in the file, for problems found later."""

    def wrote(self, name: str) -> bool:
        """Whether the file gave this top-level field itself (a default fills it otherwise)."""
        return any(field == name for field, _, _ in self.positions)

    def position(self, *names: str) -> tuple[int, int]:
        """Where the first of `names` present in the file was written; the file's start otherwise."""
        found = {name: (line, column) for name, line, column in self.positions}
        return next((found[n] for n in names if n in found), (1, 1))

    @property
    def turns(self) -> tuple[Turn, ...]:
        return tuple(t for s in self.sections for t in s.turns)

    @property
    def date(self) -> date:
        return self.published.date()


_TOKEN = re.compile(r"[^:\n]{0,40}?\S(?=:(?:\s|$))|[^\s:,\[\]{}]+|.")
"""What a column points at: a mapping key ('卿 姐' in '- 卿 姐: ...'), else a word, else one character."""


@dataclass(frozen=True, slots=True)
class LocatedProblem:
    problem: Problem
    source: str | None
    """The text of the problem's line, as in the file; None when the problem is about the whole file."""

    @property
    def marked(self) -> tuple[str, str, str]:
        """The line cut around what the column points at: (before, the word there, after)."""
        text = self.source or ""
        before, rest = text[: max(self.problem.column - 1, 0)], text[max(self.problem.column - 1, 0):]
        word = _TOKEN.match(rest)
        cut = word.end() if word else 0
        return before, rest[:cut] or " ", rest[cut:]


@dataclass(frozen=True, slots=True)
class BrokenFile:
    """An episode file with an error and no episode: a preview shows its problems at its address."""

    path: str
    """The episode file, as problems name it."""
    slug: str
    """With `date`: the address its episode has (or would have), where its error page goes."""
    date: date
    problems: tuple[LocatedProblem, ...]

    @property
    def errors(self) -> int:
        return sum(1 for p in self.problems if p.problem.is_error)


@dataclass(frozen=True, slots=True)
class Show:
    title: str = ""
    description: str = ""
    author: str = ""
    owner_name: str = ""
    owner_email: str = ""
    category: tuple[str, ...] = ()
    """Apple category and, optionally, its subcategory."""
    explicit: bool = False
    show_type: str = "episodic"
    links: tuple[tuple[str, str], ...] = ()
    """(label, URL) of the show elsewhere: Apple Podcasts, Spotify, ..."""
    site_url: str = ""
    """The site's address, ending in '/'; feeds and metadata need absolute URLs."""
    media_base_url: str = ""
    """Where episode MP3s are served from when not from the site itself, ending in '/'."""
    locked: bool = False
    copyright: str = ""
    new_feed_url: str = ""
    """Where the show's feed has moved (itunes:new-feed-url), when it has."""
    guid: str = ""
    """podcast:guid; by default derived from the feed URL. Pin it before the site moves."""

    @property
    def feed_url(self) -> str:
        return self.site_url + SiteLayout.feed if self.site_url else ""

    @property
    def podcast_guid(self) -> str:
        if self.guid:
            return self.guid
        address = self.feed_url.split("://", 1)[-1].rstrip("/")
        return str(uuid.uuid5(PODCAST_GUID_NAMESPACE, address))

    def absolute(self, uri: str) -> str:
        """The absolute URL of a site-relative path ('' when the site has no site_url)."""
        return self.site_url + uri if self.site_url else ""

    def media_url(self, audio_uri: str) -> str:
        if self.media_base_url:
            return self.media_base_url + SiteLayout.audio_name(audio_uri)
        return self.absolute(audio_uri)


@dataclass(frozen=True, slots=True)
class Cover:
    data: bytes
    mime: str

    @property
    def uri(self) -> str:
        """Where the site publishes it."""
        return SiteLayout.cover(self.mime)


@dataclass(frozen=True, slots=True)
class TurnLevel:
    """How loud a turn is as its engine spoke it, before any gain: what levelling an episode needs."""

    loudness: float | None
    """Integrated loudness (ITU-R BS.1770-4, gated), LUFS; None for a turn with nothing above the gates."""
    seconds: float
    """How long the turn's gated blocks last: its weight in the episode's loudness."""
    peak: float
    """True peak (4x oversampled), dBTP."""
    lowest: int
    """The smallest `global_gain` of its audible granules: how far it may be made quieter."""
    highest: int
    """The largest: how far it may be made louder (255 at most)."""

    def as_list(self) -> list:
        return [self.loudness, self.seconds, self.peak, self.lowest, self.highest]

    @classmethod
    def from_list(cls, value: object) -> TurnLevel | None:
        """The level stored by `as_list`; None for anything else."""
        if not isinstance(value, list) or len(value) != 5:
            return None
        loudness, seconds, peak, lowest, highest = value
        try:
            return cls(None if loudness is None else float(loudness), float(seconds), float(peak), int(lowest),
                       int(highest))
        except (TypeError, ValueError):
            return None


@dataclass(frozen=True, slots=True)
class TurnSpan:
    key: str
    """The turn's content hash: engine, voice and spoken text."""
    offset: int
    """Byte offset of the turn's first frame, counted from the end of the tag."""
    length: int
    start: float
    """Seconds from the start of the episode."""
    end: float
    digest: str = ""
    """blake2b of the turn's bytes: a damaged file is noticed before its bytes are reused."""
    gain: int = 0
    """Steps of `global_gain` (1.505 dB each) these bytes carry over the engine's own."""
    level: TurnLevel | None = None
    """The turn's level as its engine spoke it (a limited turn: its own), so that a build that splices it need not
    decode it."""
    limited: bool = False
    """The bytes were decoded, limited and encoded again to reach the episode's loudness: they take no gain."""


@dataclass(frozen=True, slots=True)
class EpisodeAudio:
    path: Path
    """The MP3 to publish (in audio_dir), preview (in the cache), or the recorded file."""
    uri: str
    """Site-relative URL path with the content's version, e.g. audio/my-episode-3f2a9c01d4.mp3: an edit
    gives the episode a new address, so apps and caches never keep serving the old audio."""
    size: int
    duration: float
    turns: tuple[TurnSpan, ...]
    """One span per turn, in script order; empty for recorded audio."""
    chapters: tuple[tuple[str, float, float], ...]
    publishable: bool
    """Made wholly by the publishing engine (or recorded): fit to publish."""


@dataclass(frozen=True, slots=True)
class Settings:
    """The site's podcast settings, validated once and handed to every stage."""

    language: str = "en"
    """Site language (BCP 47): UI labels, and the default episode language."""
    hosts: tuple[Host, ...] = ()
    """Hosts every episode may use without declaring them."""
    episodes_dir: str = "episodes"
    timezone: str = "UTC"
    """IANA zone in which a date without a time is taken to start."""
    per_page: int = 10
    """Episodes per page on the home page."""
    related_count: int = 5
    """How many related podcasts an episode page shows at most."""
    episode_url: str = EPISODE_URL
    """Where an episode's page and files go: a pattern of {slug} and {date:...}, ending in '/'."""
    episode_files_url: str = ""
    """Where an episode's transcripts, chapters and cover art go instead, as `episode_url`; '' for its page's folder."""
    episodes_uri: str = "episodes"
    """The older setting's folder: where pages went before `episode_url` ('<episodes_uri>/{slug}/')."""
    show: Show = Show()
    """The show as feeds and podcast apps see it."""
    tts: str = "gtts"
    """Speech engine for publishing: `gtts`, `espeak` or `edge` (the environment's PODCAST_TTS overrides it)."""
    audio_dir: str = "audio"
    """Where finished episode MP3s are kept, relative to the project; commit it."""
    cache_dir: str = ".cache/podcast"
    """Per-turn speech cache and preview audio, relative to the project; never commit it."""
    pause: float = 0.4
    """Seconds of silence between turns."""
    loudness: float | None = -16.0
    """Integrated loudness (LUFS) every episode is brought to, by a lossless gain per turn; None: off."""
    loudness_limiter: bool = True
    """Whether a turn whose peaks keep it below `loudness` by a lossless gain is limited and encoded again."""
    tts_concurrency: int = 4
    """Turns synthesized at once."""
    tts_rate: float = 2.0
    """Requests per second to gTTS, at most."""
    draft_model: str = "claude-sonnet-5-5"
    """The Claude model `podcast draft` asks; a setting, since models retire."""
    draft_facts: str = "article"
    """What a draft may state: `article` (only the article's facts; the length follows what it holds) or `listed`
    (outside facts too, each listed in the draft for the editor to verify)."""
    search: bool = True
    """Whether the site gets its search: a search box, a search page and an index in small files."""
    cover: str = ""
    """The show's cover image (JPEG or PNG), relative to the project; put in every MP3's tags."""


def _by_fields(value: object) -> tuple[type, tuple]:
    """How the model's values pickle: a call of the class with the fields (slots dataclasses otherwise read
    back through `__setstate__`, field by field: three times slower for the thousands of turns of a site)."""
    return type(value), tuple(getattr(value, name) for name in value.__slots__)


for _class in [v for v in list(globals().values()) if isinstance(v, type) and is_dataclass(v)
               and v.__module__ == __name__]:
    _class.__reduce__ = _by_fields
