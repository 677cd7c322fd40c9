"""A draft as an episode file: the format's key order, long text in block scalars, how it was made in comments
at the top, and what an editor must check in `review:` (each line a warning of `podcast check` until deleted).

`replace_section` swaps one section of an existing file, leaving every other byte as the editor left it.
"""

from __future__ import annotations

import json
import uuid
from datetime import date

from ..load.editorschema import MODELINE
from .claude import ASPECTS, SECTIONS, Drafted, DraftError, DraftRequest, _key
from .facts import Flag
from .length import minutes_of

REVIEW_NOTE = "# Each line below is a warning of `podcast check` until you have checked it and deleted the line."


def render_episode(drafted: Drafted, request: DraftRequest, *, today: date, flags: list[Flag] = (),
                   guid: str | None = None, slug: str | None = None) -> str:
    """The draft as an episode file."""
    data, article = drafted.answer, request.article
    lines = [MODELINE, *provenance(drafted, request, today=today), f"title: {scalar(data['title'])}",
             f"date: {today.isoformat()}", f"category: {scalar(data['category'])}", f"language: {request.language}",
             f"tags: [{', '.join(scalar(t, flow=True) for t in data['tags'])}]"]
    if slug:
        lines.append(f"slug: {slug}")
    if request.listener:
        lines.append(f"listener: {scalar(request.listener)}")
    lines += ["draft: true", "ai_generated: true", f"guid: {guid or uuid.uuid4()}", ""]
    review = [str(flag) for flag in flags] + [f"outside fact {number}: verify it, then delete this line"
                                               for number in range(1, len(data.get("outside_facts") or []) + 1)]
    if review:
        lines += ["review:", "  " + REVIEW_NOTE] + [f"  - {scalar(item)}" for item in review] + [""]
    if data.get("outside_facts"):
        lines += ["outside_facts:"] + [f"  - {scalar(fact)}" for fact in data["outside_facts"]] + [""]
    lines += ["source:", f"  url: {scalar(article.url or 'https://example.com/replace-with-the-article-address')}"]
    lines += [f"  {key}: {scalar(value)}" for key, value in (("title", article.title),
                                                               ("publisher", article.publisher)) if value]
    if article.published:
        lines.append(f"  published: {article.published.isoformat()}")
    lines += block("  text", article.text, indent=4) + [""]
    lines += block("summary", data["summary"], indent=2) + ["", "script:"]
    for section in data["script"]:
        lines += section_lines(section)
    lines += ["", "analysis:"]
    for aspect in ASPECTS:
        lines += block(f"  {aspect}", data["analysis"][_key(aspect)], indent=4)
    return "\n".join(lines) + "\n"


def provenance(drafted: Drafted, request: DraftRequest, *, today: date) -> list[str]:
    """How the draft was made, as comments: model, prompt version, request id, tokens, length asked and made."""
    spoken = " ".join(t["text"] for s in drafted.answer["script"] for t in s["turns"])
    lines = [f"# Drafted {today.isoformat()} by {request.model}, prompt {drafted.prompt}, request "
             f"{drafted.request_id or 'unknown'} ({drafted.requests} request{'s' if drafted.requests > 1 else ''})",
             f"# {drafted.usage}",
             f"# Asked for {request.minutes:g} minutes ({request.budget.describe()}); the dialogue reads in about "
             f"{minutes_of(spoken, request.language):.1f} minutes. Facts: {request.facts}."]
    if request.article.cut_from:
        lines.append(f"# The article was cut to its first {len(request.article.text):,} of "
                     f"{request.article.cut_from:,} characters for the request.")
    return lines


def section_lines(section: dict) -> list[str]:
    lines = [f"  - section: {section['section']}", "    turns:"]
    for turn in section["turns"]:
        text, say = " ".join(turn["text"].split()), " ".join((turn.get("say") or "").split())
        if say and say != text:
            lines += [f"      - speaker: {turn['speaker']}", f"        text: {scalar(text)}",
                      f"        say: {scalar(say)}"]
        else:
            lines.append(f"      - {turn['speaker']}: {scalar(text)}")
    return lines


def replace_section(text: str, name: str, new_lines: list[str]) -> str:
    """`text` (an episode file) with the section called `name` replaced by `new_lines`; every other line as it
    was. DraftError when the file has no such section, or has it twice."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if line.rstrip("\r\n").lstrip(" ").startswith("- section:")]
    ours = [i for i in starts if lines[i].split("- section:", 1)[1].strip().strip("'\"") == name]
    if len(ours) != 1:
        raise DraftError(f"the file has {'no' if not ours else 'more than one'} section '{name}'; "
                         f"name one of its sections: {', '.join(SECTIONS)}")
    start = ours[0]
    indent = len(lines[start]) - len(lines[start].lstrip(" "))
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip(" ")) > indent):
        end += 1
    while end > start + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines after the section stay where they were
    ending = "\r\n" if lines[start].endswith("\r\n") else "\n"
    body = [" " * indent + line[2:] + ending for line in new_lines]  # made at an indent of 2
    return "".join(lines[:start] + body + lines[end:])


def scalar(text: str, *, flow: bool = False) -> str:
    """`text` as a YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    import yaml

    text = " ".join(str(text).split())
    if text and not (flow and any(c in text for c in ",[]{}")):
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text}:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def block(key: str, text: str, *, indent: int) -> list[str]:
    """A literal block scalar ('|'), which keeps paragraphs and needs no quoting."""
    body = [line.rstrip() for line in str(text).strip().splitlines()]
    pad = " " * indent
    return [f"{key}: |"] + [pad + line if line else "" for line in body]
