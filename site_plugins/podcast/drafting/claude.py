"""Claude drafts an episode from one article: a schema-bound answer, turned into an episode file."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from ..errors import PodcastError
from ..load.editorschema import MODELINE
from .article import Article

SECTIONS = ("Intro", "Core Event", "Background", "Conflict", "Impact", "Future", "Conclusion")
ASPECTS = ("Core Event", "Background", "Conflict", "Impact", "Future", "Related Info")
DEFAULT_MODEL = "claude-sonnet-5-5"
"""Kept equal to Settings.draft_model's default."""
TURNS_PER_MINUTE = 4.5

INSTRUCTIONS = """\
You write episodes of a podcast in the style of Goose Pod: two hosts discuss one news article in a \
warm, thoughtful dialogue, followed by a summary and an analysis.

Facts
- Every fact, number, name, date and quotation must come from the article you are given. Do not add \
facts from memory, do not guess figures, do not invent quotations or sources.
- The hosts may reflect, compare, use images and proverbs, and say how something makes them feel; \
that is commentary, not fact, and must read as such.
- Where the article says nothing about something (for example what happens next), the hosts say that \
it is not known yet instead of filling the gap.

Form
- The script has these sections, in this order, with exactly these English names: Intro, Core Event, \
Background, Conflict, Impact, Future, Conclusion. Intro has about 3 turns and Conclusion 2; share the \
other turns among the middle sections, more for Core Event and Background.
- Only the given hosts speak, using their names exactly as given. They mostly alternate; each turn is \
2 to 4 sentences of natural speech.
- The first turn greets the listener by name when a listener is given, names the show and the host, \
and the second introduces the other host and the topic. The last turn thanks the listener and says \
goodbye.
- Write the dialogue, summary, analysis and tags in the requested language. Keep the section names \
and the analysis keys in English exactly as given.
- Plain text with light Markdown only: *emphasis* where a speaker would stress a word. No HTML, no \
headings, no lists inside turns. Write numbers as the article writes them.
- summary: 2 to 3 sentences on what happened and why it matters.
- analysis: for each aspect (Core Event, Background, Conflict, Impact, Future, Related Info) one short \
paragraph or a short Markdown list, drawn from the article.
- category: one English word or short phrase such as Business, Politics, World, Science, Technology, \
Society, Culture, Health or Sports.
- tags: 3 to 6 short tags in the requested language.
- title: a short, engaging question or statement in the requested language.
"""


class DraftError(PodcastError):
    """The draft could not be made; the message says why and what to do. Nothing was written."""


@dataclass(frozen=True, slots=True)
class DraftRequest:
    article: Article
    hosts: tuple[str, ...]
    language: str
    show: str = ""
    listener: str | None = None
    minutes: float = 10.0
    model: str = DEFAULT_MODEL
    max_tokens: int = 16_000


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int

    def __str__(self) -> str:
        return (f"tokens: {self.input_tokens + self.cache_read_tokens + self.cache_write_tokens:,} in "
                f"({self.cache_read_tokens:,} read from the prompt cache, {self.cache_write_tokens:,} written to it), "
                f"{self.output_tokens:,} out")


def draft_schema(hosts: tuple[str, ...]) -> type[BaseModel]:
    """The answer's shape; speakers and section names can only be what the site knows."""
    speaker = Literal[hosts]  # type: ignore[valid-type]
    turn = create_model("DraftTurn", speaker=(speaker, ...), text=(str, Field(min_length=1)))
    section = create_model("DraftSection", section=(Literal[SECTIONS], ...), turns=(list[turn], ...))
    analysis = create_model("DraftAnalysis", **{_key(a): (str, ...) for a in ASPECTS})
    return create_model("EpisodeDraft", title=(str, ...), summary=(str, ...), category=(str, ...),
                        tags=(list[str], ...), script=(list[section], ...), analysis=(analysis, ...))


def _key(aspect: str) -> str:
    return aspect.lower().replace(" ", "_")


def user_prompt(request: DraftRequest) -> str:
    article = request.article
    facts = [f"Title: {article.title}" if article.title else "", f"Publisher: {article.publisher}" if article.publisher
             else "", f"Published: {article.published.isoformat()}" if article.published else "",
             f"Address: {article.url}" if article.url else ""]
    turns = max(12, round(request.minutes * TURNS_PER_MINUTE))
    return "\n".join([
        f"Hosts: {', '.join(request.hosts)}",
        f"Listener: {request.listener}" if request.listener else "Listener: none (greet the audience in general)",
        f"Show: {request.show}" if request.show else "",
        f"Language: {request.language}",
        f"Length: about {request.minutes:g} minutes, about {turns} turns in all.",
        "", "<article>", *[f for f in facts if f], "", article.text, "</article>",
    ])


def request_draft(client, request: DraftRequest) -> tuple[BaseModel, Usage]:
    """Ask Claude for a draft; every failure becomes a DraftError with the way forward."""
    import anthropic

    schema = draft_schema(request.hosts)
    try:
        response = client.messages.create(
            model=request.model, max_tokens=request.max_tokens,
            system=[{"type": "text", "text": INSTRUCTIONS, "cache_control": {"type": "ephemeral"}}],
            messages=[{"role": "user", "content": user_prompt(request)}],
            output_config={"format": {"type": "json_schema", "schema": anthropic.transform_schema(schema)}},
        )
    except anthropic.AuthenticationError as exc:
        raise DraftError("the API refused the key (HTTP 401): check ANTHROPIC_API_KEY") from exc
    except anthropic.RateLimitError as exc:
        raise DraftError("Claude is rate-limiting this key (HTTP 429) even after retrying; "
                         "wait a minute and run the command again") from exc
    except anthropic.APIStatusError as exc:
        raise DraftError(f"the API answered HTTP {exc.status_code}: {_api_message(exc)}") from exc
    except anthropic.APIConnectionError as exc:
        raise DraftError("cannot reach the Anthropic API; check the network and try again") from exc
    usage = _usage(response.usage)
    if response.stop_reason == "refusal":
        raise DraftError(f"Claude declined to draft this article; nothing was written ({usage})")
    if response.stop_reason == "max_tokens":
        raise DraftError(f"the answer was cut off at {request.max_tokens:,} tokens; ask for a shorter episode "
                         f"(--minutes) or allow more (--max-tokens). Nothing was written ({usage})")
    text = "".join(block.text for block in response.content if block.type == "text")
    try:
        return schema.model_validate_json(text), usage
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "the answer"
        raise DraftError(f"the answer does not fit the episode schema ({where}: {first['msg']}); "
                         f"run the command again. Nothing was written ({usage})") from exc


def _api_message(exc) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    return str(body.get("error", {}).get("message") or exc.message)


def _usage(usage) -> Usage:
    return Usage(usage.input_tokens, usage.output_tokens, getattr(usage, "cache_read_input_tokens", 0) or 0,
                 getattr(usage, "cache_creation_input_tokens", 0) or 0)


# --- the episode file ---------------------------------------------------------------


def render_episode(draft: BaseModel, request: DraftRequest, *, today: date, guid: str | None = None,
                   slug: str | None = None) -> str:
    """The draft as an episode file in the format's key order, long text in block scalars."""
    data = draft.model_dump()
    article = request.article
    lines = [MODELINE, f"title: {scalar(data['title'])}", f"date: {today.isoformat()}",
             f"category: {scalar(data['category'])}", f"language: {request.language}",
             f"tags: [{', '.join(scalar(t, flow=True) for t in data['tags'])}]"]
    if slug:
        lines.append(f"slug: {slug}")
    if request.listener:
        lines.append(f"listener: {scalar(request.listener)}")
    lines += ["draft: true", "ai_generated: true", f"guid: {guid or uuid.uuid4()}", ""]
    lines += ["source:", f"  url: {scalar(article.url or 'https://example.com/replace-with-the-article-address')}"]
    lines += [f"  {key}: {scalar(value)}" for key, value in (("title", article.title),
                                                               ("publisher", article.publisher)) if value]
    if article.published:
        lines.append(f"  published: {article.published.isoformat()}")
    lines += block("  text", article.text, indent=4) + [""]
    lines += block("summary", data["summary"], indent=2) + ["", "script:"]
    by_name = {s["section"]: s for s in data["script"]}
    for name in [n for n in SECTIONS if n in by_name]:
        lines += [f"  - section: {name}", "    turns:"]
        lines += [f"      - {turn['speaker']}: {scalar(' '.join(turn['text'].split()))}"
                  for turn in by_name[name]["turns"]]
    lines += ["", "analysis:"]
    for aspect in ASPECTS:
        lines += block(f"  {aspect}", data["analysis"][_key(aspect)], indent=4)
    return "\n".join(lines) + "\n"


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
