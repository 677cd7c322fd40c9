"""`podcast draft --section NAME episodes/x.yaml`: one section drafted again from the file's own article, with
the rest of the script as context; every byte outside that section stays as the editor left it."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Literal

from pydantic import create_model

from ..load.validate import REVIEW_COMMENT, validate_episode
from ..writer import write_atomic
from .article import Article
from .claude import SECTIONS, DraftError, converse, first_messages
from .episodefile import replace_section, section_lines
from .facts import draft_flags
from .length import LENGTH_TOLERANCE, SPLIT, measure, minutes_of, rate_for
from .shape import MAX_RUN, turn_range


def redraft_section(args: argparse.Namespace, settings, root: Path, *, client, today: date) -> int:
    from .command import episode_request

    path, name = Path(args.source), args.section
    if name not in SECTIONS:
        raise DraftError(f"--section '{name}' is not a section of the format; use one of: {', '.join(SECTIONS)}")
    text, episode, article = read_episode(path, settings)
    hosts = tuple(h.name for h in episode.hosts)
    spoken = " ".join(t.text for s in episode.sections for t in s.turns)
    request = episode_request(args, settings, root, article, today=today, hosts=hosts, language=episode.language,
                              listener=episode.listener,
                              minutes=args.minutes or max(1.0, round(minutes_of(spoken, episode.language), 1)))
    wanted = max(1, round(request.budget.turns * SPLIT[name]))
    size = round(request.budget.size * SPLIT[name])
    ask = section_ask(episode, name, wanted, f"{size:,} {request.budget.rate.unit}")
    schema = create_model("SectionDraft", plan=(str, ...), turns=(list[_turn_model(hosts)], ...),
                          outside_facts=(list[str], ...))
    before, after = _neighbours(episode, name)
    drafted = converse(client, request, schema, first_messages(request, ask),
                       lambda answer: section_problems(answer["turns"], wanted, before, after, size=size,
                                                       language=request.language))
    section = {"section": name, "turns": drafted.answer["turns"]}
    flags = [str(f) for f in draft_flags({"script": [section]}, article.text, known_names={*hosts, request.show},
                                         known_dates=[(today.month, today.day)])]
    flags += [f"outside fact: {fact} (verify it)" for fact in drafted.answer.get("outside_facts") or []]
    lines = section_lines(section)
    lines[1:1] = [f"    # Redrafted {today.isoformat()} by {request.model}, prompt {drafted.prompt}, request "
                  f"{drafted.request_id or 'unknown'}; {drafted.usage}"]
    lines[2:2] = [f"    {REVIEW_COMMENT}{' '.join(flag.split())}" for flag in flags]  # a comment needs no quotes
    new_text = replace_section(text, name, lines)
    checked, problems = validate_episode(new_text, str(path), settings)
    if checked is None:
        raise DraftError("the redrafted file does not pass the episode checks, so it was not written:\n"
                         + "\n".join(str(p) for p in problems if p.is_error))
    write_atomic(path, new_text.encode("utf-8"))
    print(f"rewrote the {name} section of {path} ({len(section['turns'])} turns, {len(flags)} flag(s) noted in "
          f"'# review:' comments, which podcast check warns about until deleted); the rest of the file is unchanged")
    print(drafted.usage, file=sys.stderr)
    return 0


def read_episode(path: Path, settings) -> tuple[str, object, Article]:
    """(the file's text, the episode, its article): DraftError when the file is unreadable, invalid or has no
    article to draft from."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DraftError(f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}") from None
    episode, problems = validate_episode(text, str(path), settings)
    if episode is None:
        raise DraftError("the file does not pass the episode checks; fix it first:\n"
                         + "\n".join(str(p) for p in problems if p.is_error))
    source = episode.source
    if source is None or not source.text:
        raise DraftError(f"{path} has no source text to draft from; add the article under source: text:")
    return text, episode, Article(source.text, url=source.url, title=source.title or "",
                                  publisher=source.publisher or "", published=source.published)


def _turn_model(hosts: tuple[str, ...]):
    from pydantic import Field

    return create_model("DraftTurn", speaker=(Literal[hosts], ...),  # type: ignore[valid-type]
                        text=(str, Field(min_length=1)), say=(str, ...), support=(str, ...))


def section_ask(episode, name: str, wanted: int, size: str) -> str:
    script = "\n".join(f"[{s.name}]\n" + "\n".join(f"{t.speaker}: {t.text}" for t in s.turns)
                       for s in episode.sections)
    return (f"The episode's script so far is below. Write only its {name} section again: about {wanted} turns and "
            f"{size}, continuing from the section before it and leading into the one after it, in the same voices. "
            f"Answer with `plan`, `turns` and `outside_facts`.\n<script>\n{script}\n</script>")


def _neighbours(episode, name: str) -> tuple[str | None, str | None]:
    """The speakers of the turn before the section and after it: a run may not cross them either."""
    names = [s.name for s in episode.sections]
    index = names.index(name) if name in names else -1
    before = episode.sections[index - 1].turns[-1].speaker if index > 0 and episode.sections[index - 1].turns else None
    after = episode.sections[index + 1].turns[0].speaker if 0 <= index < len(names) - 1 and \
        episode.sections[index + 1].turns else None
    return before, after


def section_problems(turns: list[dict], wanted: int, before: str | None, after: str | None, *, size: int,
                     language: str) -> list[str]:
    low, high = turn_range(wanted)
    problems = [] if low <= len(turns) <= high else [f"the section has {len(turns)} turns; give it {low} to {high}"]
    rate = rate_for(language)
    made, slack = measure(" ".join(t["text"] for t in turns), language), max(LENGTH_TOLERANCE * size, rate.per_turn)
    if abs(made - size) > slack:
        problems.append(f"the section is {made:,} {rate.unit} long; make it {round(size - slack):,} to "
                        f"{round(size + slack):,}")
    speakers = [s for s in (before, *[t["speaker"] for t in turns], after) if s is not None]
    run = 1
    for previous, current in pairwise(speakers):
        run = run + 1 if current == previous else 1
        if run > MAX_RUN:
            problems.append(f"{current} speaks more than {MAX_RUN} turns in a row (counting the turns around "
                            "the section); let the other host react or ask")
            break
    return problems
