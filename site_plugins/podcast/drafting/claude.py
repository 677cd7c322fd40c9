"""Claude drafts an episode from one article: a schema-bound answer, streamed, checked for its shape and
repaired by follow-up requests that name only what failed.

The article comes first, after the standing instructions, with a cache breakpoint after it: a repair (or a
second section) reads that prefix from the prompt cache instead of paying for it again.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, ValidationError, create_model

from ..errors import PodcastError
from ..writer import write_atomic
from .article import Article
from .length import Budget
from .prompt import Particulars, article_block, estimated_tokens, instructions, particulars_block, prompt_version
from .shape import shape_problems

SECTIONS = ("Intro", "Core Event", "Background", "Conflict", "Impact", "Future", "Conclusion")
ASPECTS = ("Core Event", "Background", "Conflict", "Impact", "Future", "Related Info")
DEFAULT_MODEL = "claude-sonnet-5-5"
"""Kept equal to Settings.draft_model's default."""
MAX_REPAIRS = 2
"""Follow-up requests after an answer that fails its checks; then the command stops, writing nothing."""
MAX_OUTPUT_TOKENS = 64_000
MIN_CACHED_TOKENS = 1024
"""The shortest prompt prefix the API caches (Sonnet and Opus models; some models need more)."""


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
    max_tokens: int | None = None
    """The longest answer; None: sized from the length asked (`output_budget`)."""
    personas: tuple[str, ...] = ()
    """Each host's persona (in the order of `hosts`), '' where none is set."""
    facts: str = "article"
    today: date = field(default_factory=date.today)
    article_language: str = "en"
    keep_dir: Path | None = None
    """Where each raw answer is kept (the site's cache), so that nothing paid for is lost."""

    @property
    def budget(self) -> Budget:
        return Budget(self.language, self.minutes)

    @property
    def output_tokens(self) -> int:
        """`max_tokens`, or room for the dialogue twice over (its text and its supporting sentences), the plan,
        the summary and the analysis."""
        if self.max_tokens:
            return self.max_tokens
        budget = self.budget
        per_unit = 1.0 if budget.rate.unit == "characters" else 1.4
        return min(MAX_OUTPUT_TOKENS, round(budget.size * per_unit * 2.2) + 40 * budget.turns + 4000)


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    def __add__(self, other: Usage) -> Usage:
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens,
                     self.cache_read_tokens + other.cache_read_tokens,
                     self.cache_write_tokens + other.cache_write_tokens)

    def __str__(self) -> str:
        return (f"tokens: {self.input_tokens + self.cache_read_tokens + self.cache_write_tokens:,} in "
                f"({self.cache_read_tokens:,} read from the prompt cache, {self.cache_write_tokens:,} written to it), "
                f"{self.output_tokens:,} out")


@dataclass(frozen=True, slots=True)
class Drafted:
    """A draft whose shape passed, with how it was made."""

    answer: dict
    usage: Usage
    requests: int
    """Requests made: 1, plus one per repair."""
    request_id: str
    prompt: str
    """The prompt's version (`prompt_version`)."""
    kept: tuple[Path, ...] = ()


def draft_schema(hosts: tuple[str, ...]) -> type[BaseModel]:
    """The answer's shape; speakers and section names can only be what the site knows. What a schema cannot
    say (each section once and in order, turns per section, runs, length) `shape_problems` checks."""
    speaker = Literal[hosts]  # type: ignore[valid-type]
    turn = create_model("DraftTurn", speaker=(speaker, ...), text=(str, Field(min_length=1)), say=(str, ...),
                        support=(str, ...))
    section = create_model("DraftSection", section=(Literal[SECTIONS], ...), turns=(list[turn], ...))
    analysis = create_model("DraftAnalysis", **{_key(a): (str, ...) for a in ASPECTS})
    return create_model("EpisodeDraft", plan=(str, ...), title=(str, ...), summary=(str, ...),
                        category=(str, ...), tags=(list[str], ...), script=(list[section], ...),
                        analysis=(analysis, ...), outside_facts=(list[str], ...))


def _key(aspect: str) -> str:
    return aspect.lower().replace(" ", "_")


def particulars(request: DraftRequest) -> Particulars:
    personas = request.personas or ("",) * len(request.hosts)
    return Particulars(hosts=tuple(zip(request.hosts, personas, strict=True)), language=request.language,
                       article_language=request.article_language, today=request.today, budget=request.budget,
                       facts=request.facts, show=request.show, listener=request.listener)


def first_messages(request: DraftRequest, ask: str = "") -> list[dict]:
    """The article (the end of the cached prefix), then this episode's particulars and what to write."""
    return [{"role": "user", "content": [
        {"type": "text", "text": article_block(request.article), "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": particulars_block(particulars(request)) + (f"\n\n{ask}" if ask else "")}]}]


def request_draft(client, request: DraftRequest) -> Drafted:
    """Ask Claude for a draft and repair it until its shape passes; DraftError (one line) when it cannot."""
    schema = draft_schema(request.hosts)
    messages = first_messages(request)
    return converse(client, request, schema, messages, lambda answer: shape_problems(answer, request.budget))


def converse(client, request: DraftRequest, schema: type[BaseModel], messages: list[dict], check) -> Drafted:
    """Ask, check the answer (`check` gives its problems), and send back only what failed, at most
    MAX_REPAIRS times."""
    import anthropic

    version = prompt_version(json.dumps(anthropic.transform_schema(schema), sort_keys=True))
    prefix = estimated_tokens(instructions(request.facts, request.language)) + \
        estimated_tokens(messages[0]["content"][0]["text"])
    if prefix < MIN_CACHED_TOKENS:
        print(f"note: the instructions and the article come to about {prefix:,} tokens, under the "
              f"{MIN_CACHED_TOKENS:,} the prompt cache needs, so a repair pays for them again", file=sys.stderr)
    usage, kept, problems = Usage(), [], []
    for attempt in range(1 + MAX_REPAIRS):
        text, used, request_id, stop = ask(client, request, schema, messages)
        usage += used
        kept += _keep(request, request_id, text)  # even an answer cut off or declined: it was paid for
        _stopped(stop, request, usage, kept)
        try:
            answer = schema.model_validate_json(text).model_dump()
        except ValidationError as exc:
            problems = [f"{'.'.join(str(p) for p in e['loc']) or 'the answer'}: {e['msg']}" for e in exc.errors()[:20]]
        else:
            problems = check(answer)
            if not problems:
                return Drafted(answer, usage, attempt + 1, request_id, version, tuple(kept))
        messages = [*messages, {"role": "assistant", "content": text},
                    {"role": "user", "content": "These checks of your answer failed:\n"
                     + "\n".join(f"- {p}" for p in problems)
                     + "\nGive the whole answer again, changing only what these checks need."}]
    where = f"; the answers are kept in {kept[-1].parent}" if kept else ""
    raise DraftError(f"the answer still fails {len(problems)} check(s) after {MAX_REPAIRS} repairs "
                     f"({problems[0]}); nothing was written ({usage}){where}")


def ask(client, request: DraftRequest, schema: type[BaseModel], messages: list[dict]
        ) -> tuple[str, Usage, str, str]:
    """One streamed request: (the answer's text, its usage, the request id, why it stopped). Streaming lets an
    answer take as long as it needs (the SDK refuses a long `max_tokens` without it)."""
    import anthropic

    try:
        with client.messages.stream(
            model=request.model, max_tokens=request.output_tokens,
            system=[{"type": "text", "text": instructions(request.facts, request.language)}],
            messages=messages,
            output_config={"format": {"type": "json_schema", "schema": anthropic.transform_schema(schema)}},
        ) as stream:
            final = stream.get_final_message()
            request_id = stream.response.headers.get("request-id", "")
    except anthropic.AuthenticationError as exc:
        raise DraftError("the API refused the key (HTTP 401): check ANTHROPIC_API_KEY") from exc
    except anthropic.RateLimitError as exc:
        raise DraftError("Claude is rate-limiting this key (HTTP 429) even after retrying; "
                         "wait a minute and run the command again") from exc
    except anthropic.APIStatusError as exc:
        raise DraftError(f"the API answered HTTP {exc.status_code}: {_api_message(exc)}") from exc
    except anthropic.APIConnectionError as exc:
        raise DraftError("cannot reach the Anthropic API; check the network and try again") from exc
    except anthropic.AnthropicError as exc:
        raise DraftError(f"the request failed: {' '.join(str(exc).split())[:300]}") from exc
    text = "".join(block.text for block in final.content if block.type == "text")
    return text, _usage(final.usage), request_id, final.stop_reason or ""


def _stopped(stop: str, request: DraftRequest, usage: Usage, kept: list[Path]) -> None:
    """DraftError when the answer ended before it was whole: declined, or cut off at `max_tokens`."""
    where = f"; the answer is kept in {kept[-1]}" if kept else ""
    if stop == "refusal":
        raise DraftError(f"Claude declined to draft this article; nothing was written ({usage}){where}")
    if stop == "max_tokens":
        raise DraftError(f"the answer was cut off at {request.output_tokens:,} tokens; ask for a shorter episode "
                         f"(--minutes) or allow more (--max-tokens). Nothing was written ({usage}){where}")


def _keep(request: DraftRequest, request_id: str, text: str) -> list[Path]:
    if request.keep_dir is None:
        return []
    path = request.keep_dir / f"{time.strftime('%Y%m%d-%H%M%S')}-{request_id or 'answer'}.json"
    write_atomic(path, text.encode("utf-8"), durable=False)
    return [path]


def _api_message(exc) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    return " ".join(str(body.get("error", {}).get("message") or exc.message).split())[:300]


def _usage(usage) -> Usage:
    return Usage(usage.input_tokens, usage.output_tokens, getattr(usage, "cache_read_input_tokens", 0) or 0,
                 getattr(usage, "cache_creation_input_tokens", 0) or 0)
