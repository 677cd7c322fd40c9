"""`podcast draft SOURCE`: fetch an article, have Claude draft the episode, write a new episode file.

The drafting packages (the `draft` extra) are imported only when a draft is asked for: `podcast check`
works with the base install, and `podcast draft` without them says how to install them.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..errors import PodcastError
from ..load.catalog import load_catalog
from ..load.siteconfig import read_site_settings
from ..load.validate import validate_episode
from ..model import Settings
from ..writer import write_atomic

DEFAULT_MINUTES = 10.0
DRAFT_PACKAGES = ("anthropic", "pydantic", "requests", "trafilatura", "lxml_html_clean")
"""What the `draft` extra installs (import names)."""


def add_draft_command(commands) -> None:
    draft = commands.add_parser("draft", help="draft a new episode from a news article with Claude",
                                description="Draft an episode from a news article, or redraft one section of an "
                                            "episode file (--section). Needs ANTHROPIC_API_KEY.")
    draft.add_argument("source", help="the article: a web address, an .html/.txt/.md file, or - for stdin; "
                                      "with --section, the episode file")
    draft.add_argument("--config", "-f", type=Path, default=Path("mkdocs.yml"), help="the site's mkdocs.yml")
    draft.add_argument("--url", help="the article's web address, when SOURCE is a file or stdin")
    draft.add_argument("--language", help="language of the episode (default: the site's)")
    draft.add_argument("--hosts", help="comma-separated host names (default: the site's hosts)")
    draft.add_argument("--listener", help="whom the episode is made for, greeted by name")
    draft.add_argument("--minutes", type=float, default=None,
                       help=f"target length in minutes (default: {DEFAULT_MINUTES:g}; with --section, the episode's "
                            f"length now)")
    draft.add_argument("--model", default=None,
                       help=f"Claude model (default: the site's draft_model, else {Settings().draft_model})")
    draft.add_argument("--max-tokens", type=int, default=None,
                       help="longest answer allowed (default: sized from --minutes)")
    draft.add_argument("--force", action="store_true", help="replace an episode file of the same name")
    draft.add_argument("--section", help="redraft this section of the episode file SOURCE, leaving the rest "
                                         "of the file as it is")


def run_draft(args: argparse.Namespace, *, client=None, today: date | None = None) -> int:
    """Draft one episode; `client` is an anthropic.Anthropic (made from the environment when None)."""
    _require_draft_packages()
    from .claude import request_draft
    from .facts import draft_flags

    settings = read_site_settings(args.config)
    root = args.config.resolve().parent if args.config.exists() else Path.cwd()
    today = today or date.today()
    if getattr(args, "section", None):
        from .sections import redraft_section

        return redraft_section(args, settings, root, client=client or _client(), today=today)
    request = _request(args, settings, root, client_ready=client is not None, today=today)
    if client is None:
        client = _client()
    print(f"asking {request.model} for a {request.minutes:g}-minute draft ({request.budget.describe()}) ...",
          file=sys.stderr)
    drafted = request_draft(client, request)
    flags = draft_flags(drafted.answer, request.article.text, known_names=_known_names(request),
                        known_dates=[(today.month, today.day)])
    path = _write_draft(drafted, request, settings, root, today=today, force=args.force, flags=flags)
    shown = path.relative_to(root) if path.is_relative_to(root) else path
    print(f"wrote {shown} (draft: true), about {_minutes(drafted, request):.1f} minutes of dialogue"
          f"{f'; {drafted.requests - 1} repair(s) asked' if drafted.requests > 1 else ''}")
    outside = len(drafted.answer.get("outside_facts") or [])
    if flags or outside:
        print(f"to review: {len(flags)} flag(s) and {outside} outside fact(s), listed under 'review:' in the file; "
              "podcast check warns about each until you delete its line")
    print("next: check every fact against the source text in the file, preview with scripts/site serve, "
          "then set 'draft: false' and push")
    print(drafted.usage, file=sys.stderr)
    return 0


def _minutes(drafted, request) -> float:
    from .length import minutes_of

    return minutes_of(" ".join(t["text"] for s in drafted.answer["script"] for t in s["turns"]), request.language)


def _known_names(request) -> set[str]:
    return {*request.hosts, request.show, request.listener or "", request.article.publisher}


def _request(args: argparse.Namespace, settings, root: Path, *, client_ready: bool, today: date):
    """What to ask Claude: the article (fetched or read), the hosts, the language and the length."""
    from .article import load_article

    if not client_ready:
        _client()  # no key: say so before the article is fetched
    article = load_article(args.source)
    if getattr(args, "url", None):
        article = replace(article, url=args.url)
    if not article.url:
        print("warning: the article has no web address; the draft's source.url is a placeholder to replace "
              "(or pass --url)", file=sys.stderr)
    return episode_request(args, settings, root, article, today=today)


def episode_request(args: argparse.Namespace, settings, root: Path, article, *, today: date, hosts=None,
                    language: str | None = None, listener: str | None = None, minutes: float | None = None):
    """The DraftRequest for `article` under the site's settings and the command's options; `minutes`: the length
    of an episode that exists (a section is redrafted to fit it), else --minutes, scaled to the article when
    the site allows no outside facts."""
    from .claude import DraftError, DraftRequest
    from .length import scaled_to_article
    from .prompt import article_language

    names = hosts or (tuple(h.strip() for h in args.hosts.split(",") if h.strip()) if args.hosts else
                      tuple(h.name for h in settings.hosts))
    if len(names) < 2:
        raise DraftError("a dialogue needs two hosts: define them under the podcast plugin's 'hosts' in "
                         "mkdocs.yml, or pass --hosts 'A,B'")
    personas = {h.name: h.persona or "" for h in settings.hosts}
    source_language = article_language(article)
    if minutes is None:  # a new episode
        asked = args.minutes or DEFAULT_MINUTES
        minutes = scaled_to_article(asked, article.text, source_language) if settings.draft_facts == "article" \
            else asked
        if minutes < asked:
            print(f"note: the article holds about {minutes:g} minutes of dialogue (draft_facts: article), so the "
                  f"draft is that long, not {asked:g}", file=sys.stderr)
    return DraftRequest(article=article, hosts=names, language=language or args.language or settings.language,
                        show=settings.show.title, listener=listener or args.listener, minutes=minutes,
                        model=args.model or settings.draft_model, max_tokens=args.max_tokens,
                        personas=tuple(personas.get(n, "") for n in names), facts=settings.draft_facts, today=today,
                        article_language=source_language, keep_dir=root / settings.cache_dir / "drafts")


def _write_draft(drafted, request, settings, root: Path, *, today: date, force: bool, flags) -> Path:
    """The draft as a new episode file, checked before it is written; its path."""
    from .claude import DraftError
    from .episodefile import render_episode

    folder = root / settings.episodes_dir
    text = render_episode(drafted, request, today=today, flags=flags)
    path, slug = _free_place(folder, text, settings, root, replace=force)
    # Written out, so that a later title edit never moves the episode's page once it is published.
    text = render_episode(drafted, request, today=today, slug=slug, flags=flags)
    episode, problems = validate_episode(text, str(path), settings)
    if episode is None:
        raise DraftError("the draft does not pass the episode checks, so it was not written:\n"
                         + "\n".join(str(p) for p in problems if p.is_error))
    if path.exists() and not force:
        raise DraftError(f"{path} exists; pass --force to replace it")
    write_atomic(path, text.encode("utf-8"))
    return path


def _require_draft_packages() -> None:
    missing = []
    for name in DRAFT_PACKAGES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    if missing:
        raise PodcastError(f"podcast draft needs the 'draft' extra, which is not installed (missing: "
                           f"{', '.join(missing)}); run scripts/draft, or pip install -e '.[draft]'")


def _client():
    from .claude import DraftError

    if not os.environ.get("ANTHROPIC_API_KEY"):
        raise DraftError("ANTHROPIC_API_KEY is not set: create a key in the Anthropic Console, then "
                         "export ANTHROPIC_API_KEY=... and run the command again")
    import anthropic

    return anthropic.Anthropic()


def _free_place(folder: Path, text: str, settings, root: Path, *, replace: bool) -> tuple[Path, str]:
    """A file name and slug that no episode uses yet: 'x', then 'x-2', 'x-3', ...

    With `replace`, the file of the draft's own name, even when it exists.
    """
    from .claude import DraftError

    episode, problems = validate_episode(text, "draft.yaml", settings)
    if episode is None:
        raise DraftError("the draft does not pass the episode checks, so it was not written:\n"
                         + "\n".join(str(p) for p in problems))
    taken = {e.slug for e in load_catalog([folder], settings, root=root, include_drafts=True).episodes} \
        if folder.is_dir() else set()
    base, number = episode.slug, 1
    if replace:
        return folder / f"{base}.yaml", base
    while True:
        slug = base if number == 1 else f"{base}-{number}"
        path = folder / f"{slug}.yaml"
        if slug not in taken and not path.exists():
            return path, slug
        number += 1
