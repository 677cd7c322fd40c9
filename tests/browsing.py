"""Measure a page only once it has settled: a condition, never a fixed wait.

mkdocs-material loads a page in place when a link is followed (instant navigation), then puts the new page in and
scrolls; fonts load and the theme fades parts in. A position read before all that is over is a guess. Every page
that the suite's `browser` opens is watched (`WATCH`), and `settled` waits until nothing is loading in place, the
fonts are loaded, no transition runs and the layout has stayed the same for some frames in a row.
"""

from __future__ import annotations

WATCH = """(() => {
    const state = window.__gpSettling = {loading: 0, sitemaps: 0, sitemapsRead: 0};
    const open = XMLHttpRequest.prototype.open, send = XMLHttpRequest.prototype.send;
    XMLHttpRequest.prototype.open = function (method, url) {
        this.gpPage = !/\\.xml([?#]|$)/.test(String(url));  // the theme's XHRs: pages, or its sitemaps
        return open.apply(this, arguments);
    };
    XMLHttpRequest.prototype.send = function () {
        // A page counts until the theme has put it in (document$), a sitemap until it is parsed; either until its
        // request fails. (Not at loadend: the theme aborts a finished request, which sets its status to 0.)
        const failed = this.gpPage ? () => state.loading-- : () => state.sitemapsRead++;
        for (const type of ["error", "abort", "timeout"]) this.addEventListener(type, failed);
        if (this.gpPage) state.loading++;
        else state.sitemaps++;  // one for instant navigation, one for each link rel=alternate (the feed's)
        return send.apply(this, arguments);
    };
    const parse = DOMParser.prototype.parseFromString;
    DOMParser.prototype.parseFromString = function (text, type) {
        const parsed = parse.call(this, text, type);
        if (type === "text/xml") state.sitemapsRead++;
        return parsed;
    };
    document.addEventListener("DOMContentLoaded", () => {
        if (window.document$) window.document$.subscribe(() => { state.loading = Math.max(0, state.loading - 1); });
    });
})();"""
"""Installed in every page of the suite's browser (tests/conftest.py)."""

FRAMES = 5
"""Frames in a row with the same layout that count as settled."""

SETTLED = """([selector, frames]) => {
    const watch = window.__gpSettling, element = selector ? document.querySelector(selector) : null;
    const box = element ? element.getBoundingClientRect() : null;
    const moving = document.getAnimations().some(a => a.playState === "running"
        && a.effect && a.effect.getComputedTiming().iterations !== Infinity);
    const busy = document.readyState !== "complete" || document.fonts.status !== "loaded" || moving
        || (watch !== undefined && watch.loading > 0) || (selector && !element);
    const layout = JSON.stringify([scrollX, scrollY, innerWidth, innerHeight, document.documentElement.scrollHeight,
                                   box && [box.top, box.left, box.width, box.height]]);
    const seen = window.__gpSettled || (window.__gpSettled = {layout: null, frames: 0});
    seen.frames = !busy && layout === seen.layout ? seen.frames + 1 : 0;
    seen.layout = layout;
    return seen.frames >= frames && (box ? {top: box.top, left: box.left, width: box.width, height: box.height} : {});
}"""


class WatchedBrowser:
    """Playwright's Browser whose every new page runs `WATCH`."""

    def __init__(self, browser) -> None:
        self._browser = browser

    def __getattr__(self, name: str):
        return getattr(self._browser, name)

    def new_context(self, **options):
        context = self._browser.new_context(**options)
        context.add_init_script(WATCH)
        return context

    def new_page(self, **options):
        page = self._browser.new_page(**options)
        page.add_init_script(WATCH)
        return page


def settled(page, selector: str | None = None, *, timeout: float = 30_000) -> dict:
    """Wait until the page has settled; the box of `selector`'s element then (empty without a selector)."""
    page.evaluate("window.__gpSettled = null")
    return page.wait_for_function(SETTLED, arg=[selector, FRAMES], timeout=timeout).json_value()


def sitemap_read(page, *, timeout: float = 30_000) -> None:
    """Wait until mkdocs-material has read its sitemap: before that, a link followed loads a whole new page."""
    page.wait_for_function("(s => s && s.sitemaps > 0 && s.sitemapsRead === s.sitemaps)(window.__gpSettling)",
                           timeout=timeout)
