"""What a page's <head> tells search engines and link previews: JSON-LD, Open Graph, the feed."""

from __future__ import annotations

import json

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


def episode_head(episode: Episode, audio: EpisodeAudio | None, settings: Settings, *, page_url: str,
                 cover: Cover | None) -> str:
    """JSON-LD PodcastEpisode within its PodcastSeries, and Open Graph tags with the audio."""
    show = settings.show
    if not show.site_url:
        return ""
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
    if cover is not None:
        data["image"] = show.absolute(cover.uri)
        meta.append(("og:image", show.absolute(cover.uri)))
    if episode.source is not None:
        data["citation"] = {"@type": "NewsArticle", "url": episode.source.url,
                            **({"headline": episode.source.title} if episode.source.title else {}),
                            **({"publisher": {"@type": "Organization", "name": episode.source.publisher}}
                               if episode.source.publisher else {})}
    # "<" escaped so that no text can close the script element.
    script = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    tags = "".join(f'<meta property="{name}" content="{escape(value)}">' for name, value in meta)
    return f'<script type="application/ld+json">{script}</script>{tags}'


def inject_head(html: str, extra: str) -> str:
    """`extra` just before </head>; the page unchanged when there is nothing to add."""
    if not extra:
        return html
    index = html.find("</head>")
    return html if index < 0 else html[:index] + extra + html[index:]
