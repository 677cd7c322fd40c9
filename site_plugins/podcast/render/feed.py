"""The podcast feed: RSS 2.0 with Apple's itunes tags and the Podcasting 2.0 namespace, built with lxml."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from email.utils import format_datetime

from lxml import etree
from markupsafe import escape

from ..layout import SiteLayout
from ..markup import clean_text, plain_text, render_block
from ..model import Cover, Episode, EpisodeAudio, Settings
from .i18n import labels_for

ITUNES = "http://www.itunes.com/dtds/podcast-1.0.dtd"
PODCAST = "https://podcastindex.org/namespace/1.0"
ATOM = "http://www.w3.org/2005/Atom"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
NSMAP = {"itunes": ITUNES, "podcast": PODCAST, "atom": ATOM, "content": CONTENT}
DESCRIPTION_BYTES = 4000
"""Apple cuts descriptions longer than this."""


def _tag(namespace: str, name: str) -> str:
    return f"{{{namespace}}}{name}"


def _add(parent: etree._Element, tag: str, content: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, tag, {k: clean_text(v) for k, v in attributes.items()})
    if content is not None:
        element.text = clean_text(content)
    return element


def _html(parent: etree._Element, tag: str, html: str) -> None:
    """HTML in CDATA, as podcast apps expect; escaped text when the HTML itself holds ']]>'."""
    element = etree.SubElement(parent, tag)
    html = clean_text(html)
    element.text = etree.CDATA(html) if "]]>" not in html else html


def render_feed(episodes: Sequence[Episode], audio: Mapping[str, EpisodeAudio], settings: Settings, *,
                cover: Cover | None, layout: SiteLayout) -> bytes:
    """The feed of every published episode that has audio; `layout` says where each page and file is."""
    show = settings.show
    rss = etree.Element("rss", nsmap=NSMAP, version="2.0")
    channel = _add(rss, "channel")
    _add(channel, "title", show.title)
    _add(channel, "link", show.site_url)
    _add(channel, "description", show.description or show.title)
    _add(channel, "language", settings.language)
    if show.copyright:
        _add(channel, "copyright", show.copyright)
    _add(channel, _tag(ATOM, "link"), href=show.feed_url, rel="self", type="application/rss+xml")
    _add(channel, "generator", "goose-podcast-site")
    if episodes:
        _add(channel, "lastBuildDate", format_datetime(max(e.published for e in episodes)))
    if cover is not None:
        image = _add(channel, "image")
        _add(image, "url", show.absolute(cover.uri))
        _add(image, "title", show.title)
        _add(image, "link", show.site_url)
        _add(channel, _tag(ITUNES, "image"), href=show.absolute(cover.uri))
    _channel_itunes(channel, settings)
    _add(channel, _tag(PODCAST, "guid"), show.podcast_guid)
    _add(channel, _tag(PODCAST, "locked"), "yes" if show.locked else "no",
         **({"owner": show.owner_email} if show.owner_email else {}))
    for host in settings.hosts:
        _add(channel, _tag(PODCAST, "person"), host.name, role="host")
    for episode in episodes:
        sound = audio.get(episode.slug)
        if sound is not None and sound.publishable and not episode.draft:  # never the offline fallback
            _item(channel, episode, sound, settings, layout)
    return etree.tostring(rss, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _channel_itunes(channel: etree._Element, settings: Settings) -> None:
    show = settings.show
    if show.author:
        _add(channel, _tag(ITUNES, "author"), show.author)
    if show.owner_name or show.owner_email:
        owner = _add(channel, _tag(ITUNES, "owner"))
        _add(owner, _tag(ITUNES, "name"), show.owner_name or show.author)
        _add(owner, _tag(ITUNES, "email"), show.owner_email)
    if show.category:
        category = _add(channel, _tag(ITUNES, "category"), text=show.category[0])
        if len(show.category) > 1:
            _add(category, _tag(ITUNES, "category"), text=show.category[1])
    _add(channel, _tag(ITUNES, "explicit"), "true" if show.explicit else "false")
    _add(channel, _tag(ITUNES, "type"), show.show_type)
    if show.new_feed_url:  # the show has moved: apps follow this once, then read the new feed
        _add(channel, _tag(ITUNES, "new-feed-url"), show.new_feed_url)
    if show.description:
        _add(channel, _tag(ITUNES, "summary"), show.description)


def _item(channel: etree._Element, episode: Episode, audio: EpisodeAudio, settings: Settings,
          layout: SiteLayout) -> None:
    show = settings.show
    item = _add(channel, "item")
    _add(item, "title", episode.title)
    _add(item, "link", show.absolute(layout.episode_page_url(episode)))
    _add(item, "guid", episode.guid, isPermaLink="false")
    _add(item, "pubDate", format_datetime(episode.published))
    _html(item, "description", item_description(episode, settings))
    _add(item, "enclosure", url=show.media_url(audio.uri), length=str(audio.size), type="audio/mpeg")
    _add(item, _tag(ITUNES, "duration"), str(round(audio.duration)))
    _add(item, _tag(ITUNES, "episodeType"), episode.episode_type)
    if episode.episode:
        _add(item, _tag(ITUNES, "episode"), str(episode.episode))
    if episode.season:
        _add(item, _tag(ITUNES, "season"), str(episode.season))
    if episode.explicit is not None:
        _add(item, _tag(ITUNES, "explicit"), "true" if episode.explicit else "false")
    if episode.image:  # the episode's own cover art
        _add(item, _tag(ITUNES, "image"), href=show.absolute(layout.episode_image(episode, episode.image)))
    if audio.turns:
        vtt, transcript, chapters = (show.absolute(layout.episode_file(episode, name))
                                     for name in (layout.transcript_vtt, layout.transcript_json, layout.chapters))
        _add(item, _tag(PODCAST, "transcript"), url=vtt, type="text/vtt", rel="captions", language=episode.language)
        _add(item, _tag(PODCAST, "transcript"), url=transcript, type="application/json", language=episode.language)
        _add(item, _tag(PODCAST, "chapters"), url=chapters, type="application/json+chapters")
    for host in episode.hosts:
        _add(item, _tag(PODCAST, "person"), host.name, role="host")


def item_description(episode: Episode, settings: Settings) -> str:
    """The summary as HTML, with the source and the disclosure of AI or synthetic speech, in the episode's
    language; kept within Apple's 4000 bytes."""
    t = labels_for(episode.language)
    tail = ""
    if episode.source is not None:
        title = escape(episode.source.title or episode.source.url)
        publisher = f" ({escape(episode.source.publisher)})" if episode.source.publisher else ""
        tail += f'<p>{escape(t["source"])}: <a href="{escape(episode.source.url)}">{title}</a>{publisher}</p>'
    if episode.ai_generated:
        tail += f"<p>{escape(t['ai_generated'])}</p>"
    elif episode.audio is None:  # spoken by a speech engine; a recording is people's voices
        tail += f"<p>{escape(t['synthetic_voice'])}</p>"
    summary = str(render_block(episode.summary or episode.title))
    budget = DESCRIPTION_BYTES - len(tail.encode())
    if len(summary.encode()) > budget:
        # Plain text cut to fit once escaped: '&' grows to '&amp;', so cut by the escaped size.
        text = plain_text(episode.summary or episode.title)
        low, high = 0, len(text)
        while low < high:
            middle = (low + high + 1) // 2
            if len(f"<p>{escape(text[:middle])}…</p>".encode()) <= budget:
                low = middle
            else:
                high = middle - 1
        summary = f"<p>{escape(text[:low])}…</p>"
    return summary + tail
