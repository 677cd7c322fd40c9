"""The preview's error pages: a broken episode file shows its problems at the episode's own address.

A build leaves a bad episode out, so its address would answer 404 while an editor looks at it.
In the preview the address shows each problem instead: where it is, the line it is on, and the
message with its fix. The home page lists every broken file. The catalog finds the broken files
and their addresses (`Catalog.broken`); this only renders them. Nothing here runs in a build.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..layout import SiteLayout
from ..model import BrokenFile, Settings
from .document import GeneratedPage, page_document
from .i18n import labels_for
from .pages import TEMPLATES


@dataclass(frozen=True, slots=True)
class PreviewProblems:
    pages: tuple[GeneratedPage, ...]
    """One error page per broken episode file."""
    notice: str
    """HTML for the top of the home page listing the broken files; empty when there are none."""


def render_problem_pages(broken: Sequence[BrokenFile], settings: Settings, *,
                         layout: SiteLayout | None = None) -> PreviewProblems:
    """An error page per broken file, and the home page's notice that links to them."""
    t = labels_for("en")  # in the language of the messages, which are English: the page reads as one
    layout = layout or SiteLayout.from_settings(settings)
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True,
                      undefined=StrictUndefined)
    pages = []
    for item in broken:
        uri = layout.episode_page(item)
        title = t["broken_title"].format(file=PurePosixPath(item.path).name)
        body = env.get_template("problems.html").render(t=t, title=title, file=item)
        meta = {"title": title, "search": {"exclude": True}, "hide": ["toc"]}
        pages.append(page_document(uri, meta, body))
    notice = ""
    if broken:
        def link(item: BrokenFile) -> str:
            return layout.link(layout.episode_page(item), from_page=layout.home)

        notice = env.get_template("broken-notice.html").render(t=t, broken=broken, link=link).strip()
    return PreviewProblems(tuple(pages), notice)


def add_notice(html: str, notice: str) -> str:
    """`html` of a page with `notice` right after its title heading (at the start when it has none)."""
    if not notice:
        return html
    end = html.find("</h1>")
    at = end + len("</h1>") if end != -1 else 0
    return html[:at] + notice + html[at:]
