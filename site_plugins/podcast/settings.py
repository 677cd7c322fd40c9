"""The site's podcast options: described once as data, validated into a frozen `Settings`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import SettingsError
from .model import Host, Settings
from .nodes import did_you_mean


@dataclass(frozen=True, slots=True)
class OptionSpec:
    kind: type
    doc: str


OPTIONS: dict[str, OptionSpec] = {
    "language": OptionSpec(str, "Site language for labels and the default episode language "
                                "(default: the theme's `language`, else en)."),
    "hosts": OptionSpec(dict, "Hosts every episode may use: name -> {voice, tld}."),
    "episodes_dir": OptionSpec(str, "Folder of episode files, relative to mkdocs.yml (default: episodes)."),
    "timezone": OptionSpec(str, "IANA time zone for dates given without a time (default: UTC)."),
    "per_page": OptionSpec(int, "Episodes per page on the home page (default: 10)."),
    "related_count": OptionSpec(int, "Related podcasts shown per episode, at most (default: 5)."),
    "episodes_uri": OptionSpec(str, "Site folder of the episode pages (default: episodes)."),
    "tts": OptionSpec(str, "Speech engine for publishing: gtts or espeak (default: gtts); "
                           "the environment variable PODCAST_TTS overrides it."),
    "audio_dir": OptionSpec(str, "Folder of finished episode MP3s, to commit (default: audio)."),
    "cache_dir": OptionSpec(str, "Folder of the per-turn speech cache, never committed (default: .cache/podcast)."),
    "pause": OptionSpec(float, "Seconds of silence between turns (default: 0.4)."),
    "tts_concurrency": OptionSpec(int, "Turns synthesized at once (default: 4)."),
    "tts_rate": OptionSpec(float, "Requests per second to gTTS, at most (default: 2)."),
    "cover": OptionSpec(str, "The show's cover image, JPEG or PNG, relative to mkdocs.yml."),
}
ENGINES = ("gtts", "espeak")


def parse_settings(options: Mapping[str, object], *, origin: str = "mkdocs.yml", show_title: str = "") -> Settings:
    """Validate raw options (None means unset); every problem is reported in one error."""
    problems: list[str] = []
    values: dict[str, object] = {}
    for name, value in options.items():
        if name not in OPTIONS:
            problems.append(f"unknown option '{name}'{did_you_mean(name, OPTIONS)}")
        elif value is not None:
            spec = OPTIONS[name]
            if spec.kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, spec.kind) or isinstance(value, bool):
                problems.append(f"option '{name}' must be {spec.kind.__name__}, found {value!r}")
            else:
                values[name] = value
    hosts = _parse_hosts(values.pop("hosts", {}), problems)
    _check_values(values, problems)
    if problems:
        raise SettingsError(f"{origin}: podcast plugin settings:\n" + "\n".join(f"  - {p}" for p in problems))
    return Settings(hosts=hosts, show_title=show_title, **values)


def _parse_hosts(raw: object, problems: list[str]) -> tuple[Host, ...]:
    hosts = []
    for name, options in dict(raw).items():
        options = options or {}
        if not isinstance(options, dict) or set(options) - {"voice", "tld"}:
            problems.append(f"hosts: '{name}' takes only 'voice' and 'tld', e.g. {{voice: zh-CN}}")
            continue
        hosts.append(Host(str(name), voice=options.get("voice"), tld=options.get("tld"), variant=len(hosts)))
    return tuple(hosts)


def _check_values(values: dict[str, object], problems: list[str]) -> None:
    try:
        ZoneInfo(str(values.get("timezone", "UTC")))
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"timezone '{values['timezone']}' is unknown; use an IANA name like Asia/Shanghai")
    for name in ("per_page", "related_count", "tts_concurrency"):
        if name in values and int(values[name]) < 1:  # type: ignore[call-overload]
            problems.append(f"option '{name}' must be at least 1")
    if values.get("tts", "gtts") not in ENGINES:
        problems.append(f"tts '{values['tts']}' is not an engine; use one of: {', '.join(ENGINES)}")
    for name in ("pause", "tts_rate"):
        if name in values and float(values[name]) < 0:  # type: ignore[arg-type]
            problems.append(f"option '{name}' must not be negative")
