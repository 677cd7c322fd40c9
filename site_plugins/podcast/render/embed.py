"""An episode on other sites: a small page to put in an <iframe> (cover, title, play, seek, a link to the
transcript) and an oEmbed answer that names it, which blog engines and chat apps find from the episode
page's <link rel="alternate" type="application/json+oembed">.

The oEmbed answers sit at the site's root (`oembed-<slug>.json`): mkdocs-material's instant navigation asks
for a `sitemap.xml` beside every <link rel="alternate"> a page names, and there is one only at the root.

The embed page stands alone (its style and script inline, nothing from the theme), links every file
relatively, so it plays wherever the site is served, and opens the episode page in a new tab.
"""

from __future__ import annotations

import html
import json

from ..layout import SiteLayout, relative_url
from ..model import Episode, EpisodeAudio, Settings
from .i18n import labels_for
from .transcripts import clock

EMBED = "embed.html"
HEIGHT = 160
"""Pixels of the <iframe> the snippet gives: the cover, the title and one row of controls."""

_STYLE = """
*{box-sizing:border-box}body{margin:0;font:15px/1.35 system-ui,sans-serif;color:#1b1b1f;background:#fff}
@media (prefers-color-scheme:dark){body{color:#e6e6ea;background:#1e2029}a{color:#9cbcf2}}
.e{display:flex;gap:12px;align-items:center;padding:12px;height:100vh;max-height:160px}
.e img{width:120px;height:120px;border-radius:6px;object-fit:cover;flex:none}
.b{min-width:0;flex:1;display:flex;flex-direction:column;gap:6px}
.s{font-size:13px;opacity:.85;margin:0}.t{font-size:16px;font-weight:700;margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.t a{display:inline-block;min-height:24px;color:inherit;text-decoration:none}
.t a:hover,.t a:focus-visible{text-decoration:underline}
.c{display:flex;align-items:center;gap:8px}
.p{width:44px;height:44px;border-radius:50%;border:0;font-size:18px;color:#fff;background:#3949ab;cursor:pointer;flex:none}
.r{flex:1;min-width:60px;height:24px;accent-color:#3949ab}.k{font-variant-numeric:tabular-nums;font-size:13px}
.l{display:inline-block;min-height:24px;font-size:13px;line-height:24px}audio{width:100%}
@media (max-width:360px){.e img{width:72px;height:72px}}
"""

_SCRIPT = """
const a=document.querySelector("audio"),c=document.querySelector(".c"),p=c.querySelector(".p"),
r=c.querySelector(".r"),k=c.querySelector(".k"),L=JSON.parse(c.dataset.labels);
const z=n=>String(n).padStart(2,"0");
const f=s=>{s=Math.max(0,Math.floor(s||0));return z(Math.floor(s/60))+":"+z(s%60)};
a.controls=false;a.hidden=true;c.hidden=false;
const d=()=>isFinite(a.duration)&&a.duration>0?a.duration:parseFloat(c.dataset.duration);
const u=()=>{r.max=String(d());r.value=String(a.currentTime);k.textContent=f(a.currentTime)+" / "+f(d());
p.textContent=a.paused?"\\u25B6":"\\u275A\\u275A";p.setAttribute("aria-label",a.paused?L.play:L.pause)};
p.addEventListener("click",()=>{if(a.paused)a.play().catch(()=>{});else a.pause()});
r.addEventListener("input",()=>{a.currentTime=parseFloat(r.value);u()});
for(const n of["play","pause","timeupdate","durationchange","loadedmetadata","seeked"])a.addEventListener(n,u);
u();
"""


def embed_files(episode: Episode, audio: EpisodeAudio | None, settings: Settings, *, layout: SiteLayout,
                image_uri: str, image_side: int) -> dict[str, str]:
    """Site path -> text of the episode's embed page and, where the site has an address, its oEmbed answer."""
    if audio is None:
        return {}
    here = layout.episode_file(episode, EMBED)
    page = layout.episode_page_url(episode)
    source = settings.show.media_url(audio.uri) if settings.show.media_base_url else relative_url(audio.uri, here)
    files = {here: render_embed(episode, audio, settings, audio_src=source, page_link=relative_url(page, here),
                                image=relative_url(image_uri, here) if image_uri else "")}
    if settings.show.site_url:
        files[oembed_uri(episode)] = render_oembed(
            episode, settings, embed_url=settings.show.absolute(here), page_url=settings.show.absolute(page),
            image_url=settings.show.absolute(image_uri) if image_uri else "", image_side=image_side)
    return files


def render_embed(episode: Episode, audio: EpisodeAudio, settings: Settings, *, audio_src: str, page_link: str,
                 image: str) -> str:
    t = labels_for(episode.language)
    e = html.escape
    labels = e(json.dumps({"play": t["play"], "pause": t["pause"]}, ensure_ascii=False))
    cover = f'<img src="{e(image)}" alt="" width="120" height="120">' if image else ""
    return f"""<!doctype html>
<html lang="{e(episode.language)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>{e(episode.title)} · {e(settings.show.title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<main class="e">
{cover}
<div class="b">
<p class="s">{e(settings.show.title)}</p>
<h1 class="t"><a href="{e(page_link)}" target="_blank" rel="noopener">{e(episode.title)}</a></h1>
<audio controls preload="metadata" src="{e(audio_src)}"></audio>
<div class="c" hidden data-duration="{audio.duration:.3f}" data-labels="{labels}">
<button type="button" class="p" aria-label="{e(t['play'])}">▶</button>
<input class="r" type="range" min="0" step="1" value="0" max="{audio.duration:.3f}" aria-label="{e(t['seek'])}">
<span class="k">00:00 / {clock(audio.duration)}</span>
</div>
<a class="l" href="{e(page_link)}#transcript" target="_blank" rel="noopener">{e(t['transcript'])}</a>
</div>
</main>
<script>{_SCRIPT}</script>
</body>
</html>
"""


def oembed_uri(episode: Episode) -> str:
    return f"oembed-{episode.slug}.json"


def iframe_snippet(embed_url: str, title: str) -> str:
    return (f'<iframe src="{html.escape(embed_url)}" title="{html.escape(title)}" width="100%" height="{HEIGHT}" '
            'style="border:0;max-width:640px" loading="lazy" allow="autoplay"></iframe>')


def render_oembed(episode: Episode, settings: Settings, *, embed_url: str, page_url: str, image_url: str,
                  image_side: int) -> str:
    """The oEmbed 1.0 answer (type rich) for the episode page."""
    answer = {"version": "1.0", "type": "rich", "provider_name": settings.show.title,
              "provider_url": settings.show.site_url, "title": episode.title,
              "author_name": settings.show.author or settings.show.title, "author_url": page_url,
              "html": iframe_snippet(embed_url, episode.title), "width": 640, "height": HEIGHT}
    if image_url and image_side:  # covers are square
        answer.update(thumbnail_url=image_url, thumbnail_width=image_side, thumbnail_height=image_side)
    return json.dumps(answer, ensure_ascii=False, indent=1) + "\n"


def oembed_link(episode: Episode, settings: Settings, *, layout: SiteLayout) -> str:
    """The discovery tag of an episode page's oEmbed answer ('' without a site address)."""
    if not settings.show.site_url:
        return ""
    href = settings.show.absolute(oembed_uri(episode))
    return (f'<link rel="alternate" type="application/json+oembed" href="{html.escape(href)}" '
            f'title="{html.escape(episode.title)}">\n')
