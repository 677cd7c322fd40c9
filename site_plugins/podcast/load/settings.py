"""The site's podcast options: described once as data, validated into a frozen `Settings`."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import SettingsError
from ..layout import episode_url_problems, folder_url
from ..model import Host, Settings, Show
from ..speech import DEFAULT_ENGINE, ENGINES
from .fields import HOST_FIELDS
from .hosts import rank_genders, read_host
from .nodes import did_you_mean
from .show import DIRECTORIES, SHOW_TYPES, parse_category


@dataclass(frozen=True, slots=True)
class OptionSpec:
    kind: type
    doc: str
    read: Callable[[object], tuple[object, str]] | None = None
    """Reads a value that is more than one type (`loudness: -16` or `off`): (value, problem or '')."""


LOUDNESS_RANGE = (-30, -10)
"""LUFS a site may ask for: from quiet speech to as loud as streaming services play."""


def read_loudness(value: object) -> tuple[object, str]:
    """`loudness:` as LUFS, or None for `off` (YAML reads a bare off as false)."""
    if value is False or (isinstance(value, str) and value.strip().lower() == "off"):
        return None, ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if LOUDNESS_RANGE[0] <= value <= LOUDNESS_RANGE[1]:
            return float(value), ""
        return None, (f"loudness {value} is out of range: give LUFS from {LOUDNESS_RANGE[0]} to {LOUDNESS_RANGE[1]} "
                      "(podcasts: -16), or off")
    return None, f"loudness must be LUFS such as -16, or off; found {value!r}"


OPTIONS: dict[str, OptionSpec] = {
    "language": OptionSpec(str, "Site language for labels and the default episode language "
                                "(default: the theme's `language`, else en)."),
    "hosts": OptionSpec(dict, "Hosts every episode may use: name -> {engine, voice, gender, rate, pitch, tld, "
                              "fallback}, as in an episode's `hosts:`."),
    "episodes_dir": OptionSpec(str, "Folder of episode files, relative to mkdocs.yml (default: episodes)."),
    "timezone": OptionSpec(str, "IANA time zone for dates given without a time (default: UTC)."),
    "per_page": OptionSpec(int, "Episodes per page on the home page (default: 10)."),
    "related_count": OptionSpec(int, "Related podcasts shown per episode, at most (default: 5)."),
    "episode_url": OptionSpec(str, "Where each episode's page and files go: a pattern of {slug} and {date:%Y/%m} "
                                   "ending in '/' (default: episodes/{slug}/)."),
    "episode_files_url": OptionSpec(str, "Where each episode's transcripts, chapters and cover art go, as "
                                         "episode_url (default: its page's folder)."),
    "episodes_uri": OptionSpec(str, "Older form of episode_url: the folder of the episode pages; "
                                    "'x' is episode_url 'x/{slug}/'."),
    "tts": OptionSpec(str, f"Speech engine of the hosts that name none: {' or '.join(ENGINES)} (default: gtts); "
                           "the environment variable PODCAST_TTS overrides it."),
    "audio_dir": OptionSpec(str, "Folder of finished episode MP3s, kept on the podcast-audio branch "
                                    "(default: audio)."),
    "cache_dir": OptionSpec(str, "Folder of the per-turn speech cache, never committed (default: .cache/podcast)."),
    "pause": OptionSpec(float, "Seconds of silence between turns (default: 0.4)."),
    "loudness": OptionSpec(float, "Integrated loudness (LUFS) of every episode, reached by a lossless gain per turn "
                                  "with true peaks at most -1 dBTP (default: -16); off publishes turns as their "
                                  "engines return them.", read=read_loudness),
    "loudness_limiter": OptionSpec(bool, "Limit and encode again the turns whose peaks keep them below `loudness` by "
                                         "a lossless gain (default: true); false keeps every turn lossless and such "
                                         "episodes quieter."),
    "tts_concurrency": OptionSpec(int, "Turns synthesized at once (default: 4)."),
    "tts_rate": OptionSpec(float, "Requests per second to gTTS, at most (default: 2)."),
    "cover": OptionSpec(str, "The show's cover image: square JPEG or PNG, 1400-3000 px, relative to mkdocs.yml."),
    "title": OptionSpec(str, "The show's name in feeds (default: site_name)."),
    "description": OptionSpec(str, "The show's description in feeds (default: site_description)."),
    "author": OptionSpec(str, "Who makes the show, as podcast apps list it."),
    "owner_name": OptionSpec(str, "The feed owner's name (Apple contacts the owner)."),
    "owner_email": OptionSpec(str, "The feed owner's e-mail address."),
    "category": OptionSpec(str, "Apple category, optionally with a subcategory: 'News > Politics'."),
    "explicit": OptionSpec(bool, "Whether the show has explicit content (default: false)."),
    "show_type": OptionSpec(str, "episodic (newest first) or serial (in order) (default: episodic)."),
    "links": OptionSpec(dict, "Where else to subscribe: apple_podcasts, spotify, pocket_casts, overcast, antennapod "
                              "(or any other label) -> the show's page there."),
    "media_base_url": OptionSpec(str, "Serve episode MP3s from this address instead of the site (see publishing)."),
    "locked": OptionSpec(bool, "podcast:locked: forbid other platforms to import the feed (default: false)."),
    "draft_model": OptionSpec(str, "The Claude model `podcast draft` uses (default: claude-sonnet-5-5)."),
    "draft_facts": OptionSpec(str, "What a draft may state: `article` (the default: only the article's facts, and "
                                   "no longer than the article can fill) or `listed` (outside facts too, each "
                                   "listed for the editor to verify)."),
    "search": OptionSpec(bool, "Site search: a search box, a search page and an index in small files "
                               "(default: true); remove mkdocs-material's `search` plugin when it is on."),
    "guid": OptionSpec(str, "podcast:guid; default: derived from the feed URL. Pin it before the site moves."),
    "copyright": OptionSpec(str, "The feed's copyright notice, e.g. '© 2026 Goose Pod'."),
    "new_feed_url": OptionSpec(str, "When the show moves: the new feed's address, for apps to follow."),
}
DRAFT_FACTS = ("article", "listed")
"""The policies on outside knowledge that `draft_facts` chooses between."""
SHOW_OPTIONS = ("title", "description", "author", "owner_name", "owner_email", "explicit", "show_type",
                "media_base_url", "locked", "guid", "copyright", "new_feed_url")


def parse_settings(options: Mapping[str, object], *, origin: str = "mkdocs.yml", site_name: str = "",
                   site_description: str = "", site_url: str = "") -> Settings:
    """Validate raw options (None means unset); every problem is reported in one error."""
    problems: list[str] = []
    values: dict[str, object] = {}
    for name, value in options.items():
        unwritable = _unwritable(value)
        if unwritable:  # a lone surrogate ("\ud800" in quotes) that no page, feed or file can carry
            problems.append(f"option '{name}' holds the character U+{ord(unwritable):04X}, which no page or feed "
                            "can carry; remove it (a \\u escape in quotes makes one)")
        elif name not in OPTIONS:
            problems.append(f"unknown option '{name}'{did_you_mean(name, OPTIONS)}")
        elif value is not None and OPTIONS[name].read is not None:
            value, problem = OPTIONS[name].read(value)
            if problem:
                problems.append(problem)
            else:
                values[name] = value
        elif value is not None:
            spec = OPTIONS[name]
            if spec.kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, spec.kind) or (isinstance(value, bool) and spec.kind is not bool):
                problems.append(f"option '{name}' must be {spec.kind.__name__}, found {value!r}")
            else:
                values[name] = value
    hosts = _parse_hosts(values.pop("hosts", {}), problems, default_engine=str(values.get("tts", DEFAULT_ENGINE)))
    show = _parse_show(values, problems, Show(title=site_name, description=site_description,
                                               site_url=_folder_url(site_url)))
    _check_values(values, problems)
    _episode_url(values, problems)
    if problems:
        raise SettingsError(f"{origin}: podcast plugin settings:\n" + "\n".join(f"  - {p}" for p in problems))
    return Settings(hosts=hosts, show=show, **values)


def _episode_url(values: dict[str, object], problems: list[str]) -> None:
    """`episode_url` checked; an older site's `episodes_uri` alone gives it as '<episodes_uri>/{slug}/'."""
    if "episode_url" in values and "episodes_uri" in values:
        problems.append(f"episode_url and episodes_uri are both set; keep episode_url alone (episodes_uri "
                        f"'{values['episodes_uri']}' is episode_url '{folder_url(str(values['episodes_uri']))}')")
    elif "episodes_uri" in values:
        values["episode_url"] = folder_url(str(values["episodes_uri"]))
    elif "episode_url" in values:
        problems += [f"episode_url '{values['episode_url']}' {problem}"
                     for problem in episode_url_problems(str(values["episode_url"]))]
    if "episode_files_url" in values:
        problems += [f"episode_files_url '{values['episode_files_url']}' {problem}"
                     for problem in episode_url_problems(str(values["episode_files_url"]))]


def _folder_url(url: str) -> str:
    return url if not url or url.endswith("/") else url + "/"


def _parse_show(values: dict[str, object], problems: list[str], base: Show) -> Show:
    fields: dict[str, object] = {name: values.pop(name) for name in SHOW_OPTIONS if name in values}
    if "category" in values:
        category, problem = parse_category(str(values.pop("category")))
        fields["category"] = category
        if problem:
            problems.append(problem)
    fields["links"] = _directory_links(dict(values.pop("links", {})))
    for label, url in fields["links"]:  # type: ignore[misc]
        if not re.match(r"^https?://", url):
            problems.append(f"links: '{label}' must be a full address starting with https://, found '{url}'")
    if fields.get("show_type", "episodic") not in SHOW_TYPES:
        problems.append(f"show_type '{fields['show_type']}' must be one of: {', '.join(SHOW_TYPES)}")
    email = str(fields.get("owner_email", ""))
    if email and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", email):
        problems.append(f"owner_email '{email}' is not an e-mail address")
    if fields.get("new_feed_url") and not re.match(r"^https?://", str(fields["new_feed_url"])):
        problems.append("new_feed_url must be a full address starting with https://")
    if "media_base_url" in fields:
        fields["media_base_url"] = _folder_url(str(fields["media_base_url"]))
        if not re.match(r"^https?://", str(fields["media_base_url"])):
            problems.append("media_base_url must be a full address starting with https://")
    return replace(base, **{k: v for k, v in fields.items() if v != "" or k in ("title", "description")})


def _unwritable(value: object, depth: int = 0) -> str:
    """The first lone surrogate in a setting's text, its keys and items included; '' when there is none."""
    if isinstance(value, str):
        return next((char for char in value if "\ud800" <= char <= "\udfff"), "")
    if depth < 8 and isinstance(value, dict):
        return next((found for item in value.items() if (found := _unwritable(item, depth + 1))), "")
    if depth < 8 and isinstance(value, list | tuple):
        return next((found for item in value if (found := _unwritable(item, depth + 1))), "")
    return ""


def _directory_links(links: dict) -> tuple[tuple[str, str], ...]:
    """(label, URL) pairs: the podcast directories by their own names and in a fixed order, then any others."""
    known, others = {}, []
    for label, url in links.items():
        name = DIRECTORIES.get(re.sub(r"[\s_-]", "", str(label)).casefold())
        if name:
            known[name] = str(url)
        else:
            others.append((str(label), str(url)))
    ordered = [(name, known[name]) for name in DIRECTORIES.values() if name in known]
    return tuple(ordered + others)


def _parse_hosts(raw: object, problems: list[str], *, default_engine: str) -> tuple[Host, ...]:
    hosts: dict[str, Host] = {}
    for name, options in dict(raw).items():
        options = options or {}
        if not isinstance(options, dict) or set(options) - set(HOST_FIELDS):
            problems.append(f"hosts: '{name}' takes only {', '.join(HOST_FIELDS)}, e.g. {{voice: zh-CN}} or "
                            "{gender: female}")
            continue
        values = {key: value for key, value in options.items() if value is not None}
        host, found = read_host(str(name), values, base=None, variant=len(hosts),
                                default_engine=default_engine if default_engine in ENGINES else DEFAULT_ENGINE)
        problems += [f"hosts: '{name}': {message}" for _, message in found]
        if not found:
            hosts[str(name)] = host
    return tuple(rank_genders(hosts).values())


def _check_values(values: dict[str, object], problems: list[str]) -> None:
    try:
        ZoneInfo(str(values.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone '{values['timezone']}' is unknown; use an IANA name like Asia/Shanghai")
    for name in ("per_page", "related_count", "tts_concurrency"):
        if name in values and int(values[name]) < 1:  # type: ignore[call-overload]
            problems.append(f"option '{name}' must be at least 1")
    if "episodes_uri" in values and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*(/[a-z0-9][a-z0-9_-]*)*",
                                                     str(values["episodes_uri"])):
        problems.append(f"episodes_uri '{values['episodes_uri']}' must be a folder name such as 'episodes'")
    if values.get("draft_facts", "article") not in DRAFT_FACTS:
        problems.append(f"draft_facts '{values['draft_facts']}' must be one of: {', '.join(DRAFT_FACTS)}")
    if values.get("tts", "gtts") not in ENGINES:
        problems.append(f"tts '{values['tts']}' is not an engine; use one of: {', '.join(ENGINES)}")
    for name, most in (("pause", 10.0), ("tts_rate", 100.0)):
        if name in values and not 0 <= float(values[name]) <= most:  # type: ignore[arg-type]  # NaN fails too
            problems.append(f"option '{name}' must be a number from 0 to {most:g}, found {values[name]}")
    for name in ("per_page", "related_count", "tts_concurrency"):
        if name in values and int(values[name]) > 1000:  # type: ignore[call-overload]
            problems.append(f"option '{name}' must be at most 1000, found {values[name]}")
    for name in ("episodes_dir", "audio_dir", "cache_dir", "cover"):
        if name in values and not _inside_project(str(values[name])):
            problems.append(f"option '{name}' must be a path inside the project, relative to mkdocs.yml, found "
                            f"'{values[name]}'")


def _inside_project(path: str) -> bool:
    """A relative path that stays below the folder of mkdocs.yml, whatever the folder holds."""
    parts = PurePosixPath(path.replace("\\", "/")).parts
    return bool(parts) and not PurePosixPath(path).is_absolute() and ".." not in parts and ":" not in parts[0]
