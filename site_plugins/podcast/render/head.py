"""What a page's <head> tells search engines and link previews: JSON-LD, Open Graph, the feed."""

from __future__ import annotations

import json
import re

from markupsafe import escape

from ..layout import SiteLayout, relative_url
from ..markup import plain_text
from ..model import Cover, Episode, EpisodeAudio, Settings


def iso_duration(seconds: float) -> str:
    whole = round(seconds)
    return f"PT{whole // 3600}H{whole % 3600 // 60}M{whole % 60}S"


def feed_link(settings: Settings, *, page_url: str) -> str:
    """<link rel="alternate"> to the feed, for every page: browsers and apps find the podcast by it.

    The address is relative: mkdocs-material fetches `sitemap.xml` beside every alternate
    link, which must stay on the site being viewed (a preview on localhost included).
    """
    show = settings.show
    if not show.feed_url:
        return ""
    href = relative_url(SiteLayout.feed, page_url)
    return f'<link rel="alternate" type="application/rss+xml" title="{escape(show.title)}" href="{escape(href)}">'


def og_locale(language: str) -> str:
    """Open Graph's language_TERRITORY for a BCP 47 code: zh-CN -> zh_CN, zh-Hant -> zh_TW, en -> en_US."""
    code = language.replace("_", "-").split("-")
    if code[0].lower() == "zh":
        return "zh_TW" if len(code) > 1 and code[1].lower() in ("tw", "hk", "mo", "hant") else "zh_CN"
    if len(code) == 1:
        return {"en": "en_US"}.get(code[0].lower(), code[0].lower())
    return f"{code[0].lower()}_{code[1].upper()}"


def share_tags(settings: Settings, *, language: str, image_uri: str, image_alt: str) -> str:
    """What every page tells link previews: the site, its language, a picture and what the picture shows."""
    meta = [("og:site_name", settings.show.title), ("og:locale", og_locale(language))]
    if image_uri and settings.show.site_url:
        meta += [("og:image", settings.show.absolute(image_uri)), ("og:image:alt", image_alt)]
    card = '<meta name="twitter:card" content="summary">'
    return card + "".join(f'<meta property="{name}" content="{escape(value)}">' for name, value in meta)


def show_head(settings: Settings, *, cover: Cover | None) -> str:
    """The home page: JSON-LD PodcastSeries with its feed, and Open Graph tags for the show."""
    show = settings.show
    if not show.site_url:
        return share_tags(settings, language=settings.language, image_uri="", image_alt="")
    data: dict = {"@context": "https://schema.org", "@type": "PodcastSeries", "name": show.title,
                  "url": show.site_url, "description": show.description, "inLanguage": settings.language,
                  "webFeed": show.feed_url, **({"author": {"@type": "Person", "name": show.author}}
                                               if show.author else {})}
    if cover is not None:
        data["image"] = show.absolute(cover.uri)
    meta = [("og:type", "website"), ("og:title", show.title), ("og:description", show.description),
            ("og:url", show.site_url)]
    script = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    tags = "".join(f'<meta property="{name}" content="{escape(value)}">' for name, value in meta)
    return (f'<script type="application/ld+json">{script}</script>{tags}'
            + share_tags(settings, language=settings.language, image_uri=cover.uri if cover else "",
                         image_alt=show.title))


def episode_head(episode: Episode, audio: EpisodeAudio | None, settings: Settings, *, page_url: str,
                 image_uri: str) -> str:
    """JSON-LD PodcastEpisode within its PodcastSeries, and Open Graph tags with the audio and cover art."""
    show = settings.show
    share = share_tags(settings, language=episode.language, image_uri=image_uri,
                       image_alt=episode.title if episode.image else show.title)
    if not show.site_url:
        return share
    url = show.absolute(page_url)
    description = plain_text(episode.summary or episode.title, limit=300)
    data: dict = {
        "@context": "https://schema.org", "@type": "PodcastEpisode", "name": episode.title, "url": url,
        "datePublished": episode.published.isoformat() if episode.has_time else episode.date.isoformat(),
        "description": description, "inLanguage": episode.language,
        "partOfSeries": {"@type": "PodcastSeries", "name": show.title, "url": show.site_url, "webFeed": show.feed_url},
        "actor": [{"@type": "Person", "name": host.name} for host in episode.hosts],
    }
    meta = [("og:type", "article"), ("og:title", episode.title), ("og:description", description), ("og:url", url)]
    if audio is not None:
        media = show.media_url(audio.uri)
        data["timeRequired"] = iso_duration(audio.duration)
        data["associatedMedia"] = {"@type": "AudioObject", "contentUrl": media, "encodingFormat": "audio/mpeg",
                                   "duration": iso_duration(audio.duration), "contentSize": str(audio.size)}
        meta += [("og:audio", media), ("og:audio:type", "audio/mpeg")]
    if image_uri:
        data["image"] = show.absolute(image_uri)
    if episode.source is not None:
        data["citation"] = {"@type": "NewsArticle", "url": episode.source.url,
                            **({"headline": episode.source.title} if episode.source.title else {}),
                            **({"publisher": {"@type": "Organization", "name": episode.source.publisher}}
                               if episode.source.publisher else {})}
    # "<" escaped so that no text can close the script element.
    script = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    tags = "".join(f'<meta property="{name}" content="{escape(value)}">' for name, value in meta)
    return f'<script type="application/ld+json">{script}</script>{tags}{share}'


_SKIP_LINK = re.compile(r'(<a href="[^"]*" class="md-skip">)[^<]*(</a>)')


def relabel_skip_link(html: str, label: str) -> str:
    """The theme's skip link says where it goes ('Skip to content'; its Chinese says only 'skip to')."""
    return _SKIP_LINK.sub(lambda m: m[1] + str(escape(label)) + m[2], html, count=1)


def drop_missing_toc_toggle(html: str) -> str:
    """The theme's contents title is a <label for="__toc">, whose checkbox the theme writes beside the page's nav
    entry. A page outside the nav (an episode) has none: its title stays, naming no control that is not there."""
    if 'id="__toc"' in html:
        return html
    return html.replace('<label class="md-nav__title" for="__toc">', '<label class="md-nav__title">', 1)


def inject_head(html: str, extra: str) -> str:
    """`extra` just before </head>; the page unchanged when there is nothing to add."""
    if not extra:
        return html
    index = html.find("</head>")
    return html if index < 0 else html[:index] + extra + html[index:]
