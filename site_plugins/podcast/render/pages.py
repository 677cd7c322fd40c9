"""Render the site's generated pages: episodes, home, categories, tags and the archive.

Each page is a Markdown document holding one block of HTML, so MkDocs (or any
other Markdown site builder) indexes its text for search, while the layout stays
ours. Nothing here writes a file: the caller decides where pages go.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from itertools import pairwise
from pathlib import Path

import numpy as np
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from ..episodeprints import EpisodePrints
from ..layout import SiteLayout, relative_url, term_groups
from ..markup import plain_text, render_block
from ..memo import CHECKED_EPISODES, KEPT_AUDIO, Memo, digest_of
from ..model import Episode, EpisodeAudio, Settings
from ..parallel import Workers
from ..thumbnails import srcset
from .document import GeneratedPage, page_document
from .embed import EMBED
from .episodeview import ChapterView, episode_toc, sections_view, voice_classes
from .i18n import PLAYER_LABELS, labels_for, month_label, text_language
from .prints import PagePrints, kept
from .related import compute_related, episode_terms, terms_bytes, terms_from
from .sharedpages import NOTHING_MEANWHILE, Meanwhile, episode_pages
from .transcripts import clock

BAR_THUMB = 192
"""The thumbnail the player bar shows (44 px on screens of up to 3 pixels a point)."""

TEMPLATES = Path(__file__).parent / "templates"


def build_pages(episodes: Sequence[Episode], settings: Settings, *, layout: SiteLayout | None = None,
                home_intro: str | None = None, audio: Mapping[str, EpisodeAudio] | None = None,
                cover_uri: str = "", thumbs: Mapping[str, Mapping[int, str]] | None = None,
                memo: Memo | None = None, prints: EpisodePrints | None = None,
                workers: Workers | None = None, meanwhile: Meanwhile | None = None) -> list[GeneratedPage]:
    """Every generated page of the site, in a stable order. `cover_uri`: where the show's cover is published;
    `thumbs`: each picture's thumbnails by size (`thumbnails.thumbnail_set`), offered to browsers by `srcset`;
    `memo`: pages and listings of earlier builds, each found by a digest of everything it shows
    (`page_key`, `_kept_render`); `prints`: the episodes' prints, shared with other stages; `workers` render
    episode pages too (`sharedpages`), and `meanwhile` gives them other work while the listings are rendered here."""
    layout = layout or SiteLayout.from_settings(settings)
    return _SiteRenderer(episodes, settings, layout, home_intro, audio or {}, cover_uri, thumbs or {}, memo=memo,
                         prints=prints).pages(workers, meanwhile or NOTHING_MEANWHILE)


def build_episode_page(episode: Episode, episodes: Sequence[Episode], settings: Settings, *,
                       layout: SiteLayout | None = None, audio: Mapping[str, EpisodeAudio] | None = None,
                       cover_uri: str = "") -> GeneratedPage:
    """One episode's page, as `build_pages` makes it among `episodes` (for quick previews)."""
    related = compute_related(episodes, count=settings.related_count)
    renderer = _SiteRenderer(episodes, settings, layout or SiteLayout.from_settings(settings), None, audio or {},
                             cover_uri)
    return renderer.episode_page(episode, related[episode.slug])


class _SiteRenderer:
    def __init__(self, episodes: Sequence[Episode], settings: Settings, layout: SiteLayout,
                 home_intro: str | None, audio: Mapping[str, EpisodeAudio], cover_uri: str,
                 thumbs: Mapping[str, Mapping[int, str]] | None = None, *, memo: Memo | None = None,
                 prints: EpisodePrints | None = None) -> None:
        self.episodes = list(episodes)
        self.thumbs = thumbs or {}
        self.cover_uri = cover_uri
        self.audio = audio
        # Each episode's next newer one with audio: what the player offers when it ends ("up next").
        heard = sorted((e for e in self.episodes if e.slug in audio), key=lambda e: (e.published, e.slug))
        self.newer = {e.slug: later for e, later in pairwise(heard)}
        self.settings = settings
        self.layout = layout
        self.home_intro = home_intro
        self.t = labels_for(settings.language)
        self.env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True,
                               lstrip_blocks=True, undefined=StrictUndefined, keep_trailing_newline=False,
                               auto_reload=False)  # the package's templates: not read again for each include
        self.env.filters.update(block=render_block, plain=lambda text, n: plain_text(text, limit=n),
                                json=lambda value: json.dumps(value, ensure_ascii=False), lang=_lang_attribute)
        self.by_slug = {e.slug: e for e in self.episodes}
        self.categories, self.category_slugs = term_groups(self.episodes, lambda e: [e.category] if e.category else [])
        self.tags, self.tag_slugs = term_groups(self.episodes, lambda e: list(e.tags))
        self._cards: dict[tuple, Markup] = {}
        self.memo = memo
        self._prints: PagePrints | None = None
        self._episode_prints = prints or EpisodePrints(audio)

    def pages(self, workers: Workers | None, meanwhile: Meanwhile) -> list[GeneratedPage]:
        out = episode_pages(self, self._related(), workers, GeneratedPage)
        meanwhile.start()
        out += self._home_pages()
        meanwhile.more()
        out += self._term_pages("category", self.categories, self.t["categories"], "category_title")
        meanwhile.more()
        out += self._term_pages("tag", self.tags, self.t["tags"], "tag_title")
        meanwhile.more()
        out.append(self._archive_page())
        if self.settings.search:
            out.append(self._search_page())
        return out

    def _related(self) -> Mapping[str, tuple[str, ...]]:
        """Each episode's related podcasts; kept by the episodes (all their fields, and their order) and the count.
        Each episode's words are kept by the episode alone, for the next build whose episodes differ."""
        count = self.settings.related_count
        if self.memo is None:
            return compute_related(self.episodes, count=count)
        words = {e.slug: digest_of(["terms", self._episode_prints.episode(e)]) for e in self.episodes}
        key = digest_of(["related", str(count), *map(self._episode_prints.episode, self.episodes)])
        found = self.memo.get(key)
        if isinstance(found, dict):
            self.memo.keep(words.values())
            return found
        found = compute_related(self.episodes, count=count, terms=self._terms(words))
        self.memo.put(key, found)
        return found

    def _terms(self, keys: Mapping[str, str]) -> dict[str, np.ndarray]:
        """slug -> the episode's `episode_terms`, as the memo keeps them by `keys`, made for any it does not."""
        terms = {}
        for episode in self.episodes:
            kept_terms = self.memo.get(keys[episode.slug])
            found = terms_from(kept_terms) if isinstance(kept_terms, bytes) and len(kept_terms) % 4 == 0 else None
            if found is not None and bool(np.all(found[1:] > found[:-1])):  # sorted, each once: as made
                terms[episode.slug] = found
            else:
                terms[episode.slug] = made = episode_terms(episode)
                self.memo.put(keys[episode.slug], terms_bytes(made))
        return terms

    # URIs --------------------------------------------------------------
    def episode_uri(self, episode: Episode) -> str:
        return self.layout.episode_page(episode)

    def url(self, src_uri: str) -> str:
        return self.layout.url(src_uri)

    def image_uri(self, episode: Episode) -> str:
        """The episode's own cover art, else the show's ('' when there is neither)."""
        return self.layout.episode_image(episode, episode.image) if episode.image else self.cover_uri

    def chapters_uri(self, episode: Episode) -> str:
        """The episode's chapters file ('' when it has none: no audio, or a recording without turns)."""
        audio = self.audio.get(episode.slug)
        return self.layout.episode_file(episode, self.layout.chapters) if audio and audio.turns else ""

    def category_url(self, name: str) -> str:
        return self.url(self.layout.term_page("category", self.category_slugs[name.casefold()]))

    def audio_url(self, episode: Episode, here: str) -> str:
        """The episode's MP3 as the page at `here` links it ('' when it has none)."""
        audio = self.audio.get(episode.slug)
        if audio is None:
            return ""
        return self.settings.show.media_url(audio.uri) if self.settings.show.media_base_url \
            else relative_url(audio.uri, here)

    def play_data(self, episode: Episode, here: str, *, with_next: bool = True) -> dict:
        """What a card's play control hands the player: the MP3, the episode, its cover art, the show, the
        chapters file and the next newer episode's own play data, every address relative to the page at `here`."""
        image, chapters = self.image_uri(episode), self.chapters_uri(episode)
        data: dict = {"src": self.audio_url(episode, here), "title": episode.title,
                      "url": relative_url(self.url(self.episode_uri(episode)), here),
                      "image": relative_url(image, here) if image else "", "show": self.settings.show.title,
                      "chaptersUrl": relative_url(chapters, here) if chapters else ""}
        thumb = self.thumb_uri(image)
        if thumb:
            data["thumb"] = relative_url(thumb, here)
        later = self.newer.get(episode.slug)
        if with_next and later is not None:
            data["next"] = self.play_data(later, here, with_next=False)
        return data

    def _render(self, template: str, src_uri: str, **context) -> str:
        here = self.url(src_uri)
        link = partial(_link, here)
        values = dict(
            t=self.t, labels=labels_for, link=link, clock=clock, show=self.settings.show,
            audio_of=self.audio.get, play_data=lambda e: self.play_data(e, here),
            image_url=lambda e: link(self.image_uri(e)) if self.image_uri(e) else "",
            thumb_url=lambda e: link(thumb) if (thumb := self.thumb_uri(self.image_uri(e))) else "",
            picture=lambda uri, size: self._picture(uri, size, link),
            cover_url=link(self.cover_uri) if self.cover_uri else "", cover_uri=self.cover_uri,
            image_uri=self.image_uri, feed_url=self.settings.show.feed_url,
            episode_url=lambda e: self.url(self.episode_uri(e)),
            category_url=self.category_url,
            tag_url=lambda name: self.url(self.layout.term_page("tag", self.tag_slugs[name.casefold()])))
        return self.env.get_template(template).render({**values, **context})

    def thumb_uri(self, uri: str) -> str:
        """The player bar's picture of `uri`: its thumbnail of BAR_THUMB px ('' without thumbnails)."""
        return self.thumbs.get(uri, {}).get(BAR_THUMB, "") if uri else ""

    def _picture(self, uri: str, size: int, link) -> dict[str, str]:
        """`src` (the thumbnail of `size` px, else the picture) and `srcset` ('' without thumbnails) of a
        published picture."""
        thumbs = self.thumbs.get(uri)
        if not thumbs:
            return {"src": link(uri), "srcset": ""}
        return {"src": link(thumbs.get(size) or uri), "srcset": srcset(dict(thumbs), link)}

    # Pages kept between builds ----------------------------------------
    @property
    def _page_prints(self) -> PagePrints:
        if self._prints is None:
            site = repr((self.settings, self.layout, self.cover_uri, sorted(self.thumbs.items()),
                         sorted(self.category_slugs.items()), sorted(self.tag_slugs.items()))).encode()
            self._prints = PagePrints(site, self._episode_prints, self.newer)
        return self._prints

    def page_key(self, episode: Episode, related: tuple[str, ...]) -> str:
        """What the episode's page is kept by: a digest of what it reads: the site's settings, addresses, pictures
        and term slugs; the episode and its related episodes, each with its audio and its next newer one (whose
        play data a card carries); and (by `digest_of`) the templates and code. '' without a memo."""
        prints = self._page_prints
        return digest_of([prints.site, *(prints.shown(e) for e in (episode, *map(self.by_slug.get, related)))]) \
            if self.memo is not None else ""

    def remade(self) -> tuple[Callable[..., _SiteRenderer], tuple[object, ...]]:
        """(a function, what it makes this renderer again from: the episodes and their audio as a worker is
        given them, by where the memos keep them, and the rest)."""
        prints, memo = self._episode_prints, self.memo
        episodes = [prints.sendable(e, memo.sibling(CHECKED_EPISODES)) if memo else e for e in self.episodes]
        audio = {slug: prints.sendable_audio(slug, found, memo.sibling(KEPT_AUDIO)) if memo else found
                 for slug, found in self.audio.items()}
        return _renderer, (episodes, audio, self.settings, self.layout, self.home_intro, self.cover_uri, self.thumbs)

    def _kept_render(self, template: str, src_uri: str, **context) -> str:
        """`_render` of a listing, found by its context (each episode in it by its print), the site's settings
        and the code. Its cards are kept one by one as well (the list of their keys beside the listing, so that
        a build that takes the listing whole keeps them too): a listing that changed renders only the cards
        that did, and the archive of a thousand episodes is one card's work after one episode's edit."""
        if self.memo is None:
            return self._render(template, src_uri, card=partial(self._listing_card, src_uri, []), **context)
        prints = self._page_prints
        key = digest_of([prints.site, template, src_uri, repr(prints.printable(context)).encode()])
        cards: list[str] = []
        card = partial(self._listing_card, src_uri, cards)
        html = kept(self.memo, key, str, lambda: self._render(template, src_uri, card=card, **context))
        if cards:
            self.memo.put(key + ".cards", tuple(cards))
        elif isinstance(listed := self.memo.get(key + ".cards"), tuple):
            self.memo.keep(listed)
        return html

    def _listing_card(self, src_uri: str, used: list[str], episode: Episode, heading: str,
                      compact: bool = False) -> Markup:
        """An episode's card in the listing at `src_uri` (`_card`), kept by what it shows (`used` gets its key)."""
        return self._card(episode, src_uri, heading, compact, used=used)

    def _card(self, episode: Episode, src_uri: str, heading: str, compact: bool = False, *,
              used: list[str] | None = None) -> Markup:
        """An episode's card on the page at `src_uri`, made once for all the pages from which its links are the same;
        with `used`, kept in the memo (`used` gets its key).

        A card differs between pages only by its relative links (to the episode's page, category, audio and art),
        so they are its key: 1000 episode pages side by side in one folder show 1000 related cards, not 5000, and
        the listings of a site's tags, all in one folder, render each episode's card once, however many tags it
        has."""
        here = self.url(src_uri)
        category = relative_url(self.category_url(episode.category), here) if episode.category else ""
        links = (category, json.dumps(self.play_data(episode, here), sort_keys=True))
        key = ""
        if used is not None and self.memo is not None:
            prints = self._page_prints
            key = digest_of([prints.site, "card", heading, str(compact), *links, prints.shown(episode)])
            used.append(key)
        # Cards kept in the memo apart from the others: a listing's `used` names only cards the memo holds.
        made = (episode.slug, heading, compact, bool(key), *links)
        card = self._cards.get(made)
        if card is None:
            def render() -> str:
                return self._render("card.html", src_uri, episode=episode, heading=heading, compact=compact)

            card = self._cards[made] = Markup(kept(self.memo, key, str, render) if key else render())
        return card

    # Pages -------------------------------------------------------------
    def episode_page(self, episode: Episode, related: tuple[str, ...]) -> GeneratedPage:
        uri = self.episode_uri(episode)
        audio = self.audio.get(episode.slug)
        sections = sections_view(episode, audio)
        # Each chapter links to its section's heading: where it lands without JavaScript.
        anchors = {s.turns[0].span.start: s.id for s in sections if s.turns and s.turns[0].span}
        chapters = [ChapterView(name, start, anchors.get(start, "transcript"))
                    for name, start, _ in audio.chapters] if audio else []
        t = labels_for(episode.language)
        toc = episode_toc(episode, sections, t, bool(related))
        body = self._render(
            "episode.html", uri, episode=episode, sections=sections, audio=audio, toc=toc, t=t,
            audio_src=self.audio_url(episode, self.url(uri)), chapters=chapters, voices=voice_classes(episode),
            vtt_uri=self.layout.episode_file(episode, self.layout.transcript_vtt),
            chapters_uri=self.chapters_uri(episode), embed_uri=self.layout.episode_file(episode, EMBED),
            related=[self._related_card(self.by_slug[s], uri) for s in related],
            player_labels=json.dumps({k: t[k] for k in PLAYER_LABELS}, ensure_ascii=False),
            next_data=json.dumps(self.play_data(episode, self.url(uri)).get("next"), ensure_ascii=False))
        # The theme's navigation sidebar would hold the site's two or three pages beside every episode:
        # the page takes the width instead (the header links home; phones keep the theme's drawer).
        meta = {"title": episode.title, "description": plain_text(episode.summary or "", limit=300),
                "hide": ["navigation"]}
        return page_document(uri, meta, body, toc=toc)

    def _related_card(self, other: Episode, src_uri: str) -> Markup:
        """An episode's card in a related list (`_card`)."""
        return self._card(other, src_uri, "h3")

    def _home_pages(self) -> list[GeneratedPage]:
        per_page = self.settings.per_page
        chunks = [self.episodes[i:i + per_page] for i in range(0, len(self.episodes), per_page)] or [[]]
        uris = [self.layout.home_page(n) for n in range(1, len(chunks) + 1)]
        pages = []
        for number, (uri, chunk) in enumerate(zip(uris, chunks, strict=True), start=1):
            first_with_intro = number == 1 and self.home_intro is not None
            title = self.t["latest"] if number == 1 else f"{self.t['latest']} · {number}"
            body = self._kept_render(
                "listing.html", uri, episodes=chunk, page=number, pages=len(chunks), subscribe=True,
                title=None if first_with_intro else title,
                heading=self.t["latest"] if first_with_intro else None,
                card_heading="h3" if first_with_intro else "h2",
                newer_url=self.url(uris[number - 2]) if number > 1 else None,
                older_url=self.url(uris[number]) if number < len(chunks) else None)
            intro = (self.home_intro.rstrip() + "\n\n") if first_with_intro else ""
            # Listing pages repeat the episodes' summaries: searching them would only duplicate results.
            meta: dict = {"search": {"exclude": True}, "hide": ["navigation"]}
            if not first_with_intro:
                meta["title"] = title
            pages.append(page_document(uri, meta, body, intro=intro, in_nav=number == 1))
        return pages

    def _term_pages(self, kind: str, groups: dict[str, tuple[str, list[Episode]]], index_title: str,
                    title_key: str) -> list[GeneratedPage]:
        pages = []
        terms = []
        for slug, (name, episodes) in sorted(groups.items(), key=lambda kv: kv[1][0].casefold()):
            uri = self.layout.term_page(kind, slug)
            title = self.t[title_key].format(name=name)
            body = self._kept_render("listing.html", uri, episodes=episodes, page=1, pages=1, title=title,
                                     subscribe=False, heading=None, card_heading="h2", newer_url=None, older_url=None)
            pages.append(page_document(uri, {"title": title, "search": {"exclude": True}}, body))
            terms.append((name, self.url(uri), len(episodes)))
        index_uri = self.layout.terms_page(kind)
        body = self._render("terms.html", index_uri, title=index_title, terms=terms)
        meta = {"title": index_title, "search": {"exclude": True}}
        return [page_document(index_uri, meta, body, in_nav=True), *pages]

    def _archive_page(self) -> GeneratedPage:
        months: dict[tuple[int, int], list[Episode]] = defaultdict(list)
        for episode in self.episodes:
            months[(episode.date.year, episode.date.month)].append(episode)
        view = [(month_label(self.t, items[0].date), f"m{year}-{month:02d}", items)
                for (year, month), items in sorted(months.items(), reverse=True)]
        uri = self.layout.archive
        body = self._kept_render("archive.html", uri, months=view)
        return page_document(uri, {"title": self.t["archive"], "search": {"exclude": True}}, body, in_nav=True)

    def _search_page(self) -> GeneratedPage:
        labels = {"search": self.t["search"], "results": self.t["search_results"], "more": self.t["search_more"],
                  "missing": self.t["search_missing"]}
        search = self.layout.search_page
        body = self._render("search.html", search, index=self.layout.link(self.layout.search_index, from_page=search),
                            labels=json.dumps(labels, ensure_ascii=False))
        meta = {"title": self.t["search"], "search": {"exclude": True}, "hide": ["toc"]}
        return page_document(search, meta, body)


def _renderer(episodes: Sequence[Episode], audio: Mapping[str, EpisodeAudio], settings: Settings, layout: SiteLayout,
              home_intro: str | None, cover_uri: str, thumbs: Mapping[str, Mapping[int, str]]) -> _SiteRenderer:
    return _SiteRenderer(episodes, settings, layout, home_intro, audio, cover_uri, thumbs)


def _lang_attribute(text: str, page_language: str) -> Markup:
    """` lang="en"` for a part in another language than its page (see text_language); nothing otherwise."""
    code = text_language(text, page_language)
    return Markup(f' lang="{code}"') if code else Markup("")


def _link(here: str, target: str) -> str:
    return relative_url(target, here)
