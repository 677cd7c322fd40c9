"""Hosts are read here, and only here: from the site's `hosts:` setting and from an episode's `hosts:`.

A host names an engine (default: the site's `tts:`), a voice in that engine's terms, optional `gender`,
`rate` and `pitch`, and a `fallback` chain of engines. An episode's host of a site host's name overrides
the fields it gives; `engine` and `voice` go together (a voice belongs to its engine), so an episode's
`{voice: zh-CN}` speaks with the site's engine again whatever engine the site's host named.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace

from ..model import Host
from ..speech import ENGINES, GENDERS, engine_problem, engine_spec
from ..voices import tld_problem
from .fields import PERCENT_PATTERN
from .nodes import did_you_mean

_RANGES = {"rate": (-50, 100), "pitch": (-50, 50)}


def read_host(name: str, values: Mapping[str, object], *, base: Host | None, variant: int,
              default_engine: str) -> tuple[Host, list[tuple[str, str]]]:
    """A host from its fields' values (text, or a list of text for `fallback`), over `base` (the site's host
    of that name, if any); with each problem as (the field it is about, the message without the host's name)."""
    problems: list[tuple[str, str]] = []
    host = base or Host(name, variant=variant)
    if "engine" in values or "voice" in values:
        host = replace(host, engine=None, voice=None)
    changes: dict[str, object] = {}
    for key, value in values.items():
        problem, parsed = _FIELD_READERS[key](value) if key in _FIELD_READERS else ("", value)
        if problem:
            problems.append((key, problem))
        else:
            changes[key] = parsed
    host = replace(host, **changes)
    engine = host.engine or default_engine
    if "voice" in changes and host.voice is not None and "engine" not in dict(problems):
        problem = engine_spec(engine).voice_problem(host.voice) if not engine_problem(engine) else ""
        if problem:
            problems.append(("voice", f"voice {problem}"))
    return host, problems


def rank_genders(hosts: Mapping[str, Host]) -> dict[str, Host]:
    """The hosts with `gender_rank` set: their order among the hosts of their gender, as declared."""
    seen: dict[str | None, int] = {}
    ranked = {}
    for name, host in sorted(hosts.items(), key=lambda item: item[1].variant):
        ranked[name] = replace(host, gender_rank=seen.get(host.gender, 0))
        seen[host.gender] = seen.get(host.gender, 0) + 1
    return {name: ranked[name] for name in hosts}


def _engine(value: object) -> tuple[str, object]:
    problem = engine_problem(str(value))
    return (problem + did_you_mean(str(value), _engine_names()) if problem else ""), str(value)


def _gender(value: object) -> tuple[str, object]:
    if str(value) in GENDERS:
        return "", str(value)
    return f"gender '{value}' must be {' or '.join(GENDERS)}{did_you_mean(str(value), GENDERS)}", None


def _percent(key: str):
    low, high = _RANGES[key]

    def read(value: object) -> tuple[str, object]:
        text = str(value).strip()
        if re.fullmatch(PERCENT_PATTERN, text) and low <= int(text[:-1]) <= high:
            return "", int(text[:-1])
        return (f"{key} '{value}' must be a percentage from {low}% to +{high}%, such as +10% or -15% "
                "(in quotes in YAML is fine)"), None
    return read


def _fallback(value: object) -> tuple[str, object]:
    names = [str(v) for v in value] if isinstance(value, list | tuple) else None
    if names is None:
        return f"fallback must be a list of engines, e.g. [{', '.join(_engine_names())}], found {value!r}", None
    for item in names:
        if engine_problem(item):
            return f"fallback: {engine_problem(item)}{did_you_mean(item, _engine_names())}", None
    return "", tuple(names)


def _tld(value: object) -> tuple[str, object]:
    return tld_problem(value), value


def _text(value: object) -> tuple[str, object]:
    return "", str(value)


def _engine_names() -> tuple[str, ...]:
    return tuple(ENGINES)


_FIELD_READERS = {"engine": _engine, "voice": _text, "tld": _tld, "gender": _gender, "rate": _percent("rate"),
                  "pitch": _percent("pitch"), "fallback": _fallback}
