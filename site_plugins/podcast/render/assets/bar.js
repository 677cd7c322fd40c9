/* The player bar: one <audio> for the whole visit, and a compact bar fixed to the bottom of the
   window that controls it.

   mkdocs-material's instant navigation swaps only some parts of the page (the
   [data-md-component=container] and a few header parts) and runs no script twice. The bar is a
   child of <body>, outside those parts, and the audio lives in it: listening goes on while the
   listener browses the site. The bar shows once the episode page's own player is out of view, and
   on every other page once an episode has started.

   The episode page's player (player.js) drives the same audio through the `dock` this module
   exports. Site-wide data (labels in the site's language, the show's title and cover) comes from
   site-data.js, which each build writes. */

import { element, hasIcon, icon, setIcon } from "./dom.js";
import { describeForSystem, handleSystemActions, showPlaybackState, tellSystemPosition } from "./media-session.js";
import { listenForKeys } from "./keys.js";
import { browserStorage, rememberListening, savePosition, saveSpeed, savedPosition, savedSpeed } from "./positions.js";
import { share } from "./share.js";
import * as site from "./site-data.js";
import { SleepTimer, UpNext } from "./later.js";
import {
  SKIP_AHEAD, SKIP_BACK, chaptersFrom, clock, episodeFrom, format, nextSpeed, positionText, sectionAt
} from "./util.js";

const SAVE_EVERY = 5;          /* seconds of listening between two saved positions */
const OFFER_UNTIL = 15;        /* seconds: playing from the start past this replaces the kept position */
const labels = site.labels;

function quietly(promise) {
  if (promise && promise.catch) promise.catch(() => { /* refused or interrupted: stay as we are */ });
}

/* An episode's play data, read against the page it is on. */
export function episodeOf(data) {
  return episodeFrom(data, window.location.href, site);
}

class Dock {
  constructor() {
    this.audio = null;
    this.episode = null;
    this.started = false;     /* played at least once since it was loaded */
    this.dismissed = false;   /* the listener closed the bar; playing again brings it back */
    this.page = null;         /* the episode page's player (player.js), when this page has one */
    this.pageInView = false;
    this.observer = null;
    this.resumeAt = NaN;      /* a kept position, offered until taken or replaced */
    this.savedAt = -1;
    this.bar = null;
    this.store = browserStorage();
  }

  isCurrent(src) {
    return !!this.episode && this.episode.src === src;
  }

  duration() {
    const audio = this.audio;
    if (audio && isFinite(audio.duration) && audio.duration > 0) return audio.duration;
    return this.episode ? this.episode.duration : 0;
  }

  /* The first episode page's <audio> becomes the dock's; later pages' are removed (one audio). */
  takeAudio(audio) {
    this.buildBar();
    if (this.audio) {
      if (audio) audio.remove();
      return;
    }
    this.audio = audio || element("audio", { "preload": "metadata" });
    this.audio.classList.add("gp-audio");
    this.audio.controls = false;
    this.audio.defaultPlaybackRate = this.audio.playbackRate = savedSpeed(this.store);
    this.bar.root.appendChild(this.audio);
    this.listen();
  }

  /* Put an episode in the player. `options.at`: start there; `options.play`: start playing. */
  load(episode, options = {}) {
    const at = typeof options.at === "number" && !isNaN(options.at) ? options.at : NaN;
    this.takeAudio(null);
    if (!this.isCurrent(episode.src)) {
      this.keepPosition(true);
      this.episode = episode;
      this.started = false;
      this.savedAt = -1;
      if (this.audio.src !== episode.src) this.audio.src = episode.src;
      this.audio.playbackRate = this.audio.defaultPlaybackRate;
      /* offered only when no place was asked, and only within the episode */
      this.resumeAt = isNaN(at) ? savedPosition(this.store, episode.src, episode.duration || 0) : NaN;
      if (!episode.chapters) this.fetchChapters(episode);
      this.showEpisode();
      describeForSystem(episode);
    }
    if (!isNaN(at)) this.seek(at, false);
    if (options.play) this.play();
    this.update();
  }

  play() {
    this.dismissed = false;
    quietly(this.audio.play());
  }

  toggle() {
    if (this.audio.paused) this.play(); else this.audio.pause();
  }

  seek(seconds, play) {
    const duration = this.duration();
    const at = Math.max(0, duration ? Math.min(seconds, duration) : seconds);
    this.audio.currentTime = at;
    this.resumeAt = NaN;     /* the listener chose a place: the kept one is no longer offered */
    this.update(at);
    if (play) this.play();
  }

  skip(seconds) {
    this.seek(this.audio.currentTime + seconds, false);
  }

  resume() {
    if (!isNaN(this.resumeAt)) this.seek(this.resumeAt, true);
  }

  setSpeed(rate) {
    this.audio.defaultPlaybackRate = this.audio.playbackRate = rate;
    saveSpeed(this.store, rate);
  }

  close() {
    this.audio.pause();
    this.dismissed = true;
    this.refresh();
  }

  /* Keep the position every few seconds of listening, and whenever it matters (pause, leave). */
  keepPosition(now) {
    const audio = this.audio;
    if (!this.episode || !this.started || !audio) return;
    const at = audio.currentTime;
    if (!isNaN(this.resumeAt) && at < OFFER_UNTIL) return;  /* the kept position is still on offer */
    if (!now && Math.abs(at - this.savedAt) < SAVE_EVERY) return;
    savePosition(this.store, this.episode.src, at, this.duration());
    rememberListening(this.store, { ...this.episode, duration: this.duration() });
    this.savedAt = at;
    if (!isNaN(this.resumeAt) && !audio.paused) this.resumeAt = NaN;  /* listening elsewhere replaced it */
  }

  /* The chapters file the play data names (none named: no chapters). */
  fetchChapters(episode) {
    if (!episode.chaptersUrl) return;
    quietly(fetch(episode.chaptersUrl)
      .then((response) => (response.ok ? response.json() : null))
      .then((data) => {
        const chapters = chaptersFrom(data);
        if (!chapters) return;
        episode.chapters = chapters;
        if (this.episode === episode) this.update();
      }));
  }

  /* The page's player tells the dock it is there (or that the page has none: `page` null). */
  attach(page) {
    if (this.observer) this.observer.disconnect();
    this.observer = null;
    this.page = page;
    this.pageInView = !!page;
    if (page && "IntersectionObserver" in window) {
      /* The header stays at the top: controls under it are out of view. */
      this.observer = new IntersectionObserver((entries) => {
        this.pageInView = entries[entries.length - 1].isIntersecting;
        this.refresh();
      }, { rootMargin: "-64px 0px 0px 0px" });
      this.observer.observe(page.view);
    }
    this.refresh();
  }

  onItsPage() {
    return !!this.page && this.isCurrent(this.page.src);
  }

  /* Whether the listener is listening here: keys act, the bar may show. */
  active() {
    return !!this.episode && (this.onItsPage() || (this.started && !this.dismissed));
  }

  /* Show or hide the bar and its occasional controls. */
  refresh() {
    const bar = this.bar;
    if (!bar) return;
    const here = this.onItsPage();
    /* Only once something was played: an episode merely loaded by its page takes no room. */
    const shown = this.active() && this.started && !this.dismissed && !(here && this.pageInView);
    if (bar.root.hidden === shown) {
      bar.root.hidden = !shown;
      document.body.classList.toggle("gp-bar-shown", shown);
      /* Room below the page's end, so that the bar never covers its last lines. */
      if (shown) document.body.style.setProperty("--gp-bar-height", bar.root.offsetHeight + "px");
    }
    bar.turn.hidden = !(here && this.page.wantsReturn());
    bar.resume.hidden = isNaN(this.resumeAt);
    if (!bar.resume.hidden) bar.resume.textContent = format(labels.resume, { time: clock(this.resumeAt) });
  }

  /* The audio's state, drawn in the bar and the page's player. */
  update(at) {
    const bar = this.bar, audio = this.audio;
    if (!bar || !audio || !this.episode) return;
    const now = typeof at === "number" ? at : audio.currentTime, duration = this.duration();
    bar.clock.textContent = clock(now) + " / " + clock(duration);
    bar.seek.max = String(duration);
    bar.seek.value = String(now);
    bar.seek.setAttribute("aria-valuetext", positionText(labels, now, duration));
    bar.progress.style.width = duration ? (100 * now / duration).toFixed(2) + "%" : "0";
    bar.section.textContent = sectionAt(this.episode.chapters, now);
    bar.speed.textContent = audio.playbackRate + "×";
    bar.speed.setAttribute("aria-label", labels.speed + " " + audio.playbackRate + "×");
    const playing = !audio.paused;
    if (bar.playing !== playing) {
      bar.playing = playing;
      setIcon(bar.play, playing ? "pause" : "play");
      bar.play.setAttribute("aria-label", playing ? labels.pause : labels.play);
    }
    if (this.page) this.page.update();
    this.refresh();
    tellSystemPosition(audio, duration);
  }

  listen() {
    const audio = this.audio;
    audio.addEventListener("play", () => {
      this.upNext.clear();
      this.started = true;
      this.dismissed = false;
      this.update();
    });
    audio.addEventListener("pause", () => { this.keepPosition(true); this.update(); });
    audio.addEventListener("ended", () => {
      this.keepPosition(true);
      if (!this.sleep.endsHere() && this.episode && this.episode.next) this.upNext.offer(this.episode.next);
    });
    audio.addEventListener("timeupdate", () => { this.keepPosition(false); this.update(); });
    for (const name of ["seeked", "ratechange", "durationchange", "loadedmetadata"]) {
      audio.addEventListener(name, () => this.update());
    }
    window.addEventListener("pagehide", () => this.keepPosition(true));
    showPlaybackState(audio);
  }

  buildBar() {
    if (this.bar) return;
    const bar = this.bar = barMarkup();
    this.sleep = new SleepTimer(this, bar.sleep, labels);
    this.upNext = new UpNext(this, labels);
    bar.root.appendChild(this.upNext.root);
    document.body.appendChild(bar.root);
    this.bindBar();
    if (window.ResizeObserver) {
      new ResizeObserver(() => {
        if (!bar.root.hidden) document.body.style.setProperty("--gp-bar-height", bar.root.offsetHeight + "px");
      }).observe(bar.root);
    }
  }

  bindBar() {
    const bar = this.bar;
    bar.play.addEventListener("click", () => this.toggle());
    bar.back.addEventListener("click", () => this.skip(-SKIP_BACK));
    bar.ahead.addEventListener("click", () => this.skip(SKIP_AHEAD));
    bar.seek.addEventListener("input", () => this.seek(parseFloat(bar.seek.value), false));
    bar.speed.addEventListener("click", () => this.setSpeed(nextSpeed(this.audio.playbackRate)));
    bar.resume.addEventListener("click", () => this.resume());
    bar.turn.addEventListener("click", () => { if (this.page) this.page.backToTurn(); });
    bar.share.addEventListener("click", () => share(this.episode.url, this.audio.currentTime, bar.note, labels));
    bar.close.addEventListener("click", () => this.close());
  }

  showEpisode() {
    const bar = this.bar, episode = this.episode;
    bar.title.textContent = episode.title;
    if (episode.url) bar.title.href = episode.url; else bar.title.removeAttribute("href");
    /* The small picture made for it (a few KB), else the episode's own. */
    const picture = episode.thumb || episode.image;
    bar.cover.hidden = !picture;
    if (picture) bar.cover.src = picture;
  }
}

/* The bar's markup ---------------------------------------------------------------------------- */

function barButton(name, label, text) {
  const button = element("button", { "type": "button", "class": "gp-bar__button gp-bar__" + name, "aria-label": label });
  if (hasIcon(name)) button.appendChild(icon(name));
  if (text) button.appendChild(element("span", { "class": "gp-bar__word" }, text));
  return button;
}

function barMarkup() {
  const bar = { root: element("section", { "class": "gp-bar", "aria-label": labels.player }) };
  bar.root.hidden = true;
  bar.progress = element("span", { "class": "gp-bar__progress", "aria-hidden": "true" });
  bar.cover = element("img", { "class": "gp-bar__cover", "alt": "", "width": "44", "height": "44" });
  bar.info = element("div", { "class": "gp-bar__info" });
  bar.title = element("a", { "class": "gp-bar__title" });
  bar.section = element("span", { "class": "gp-bar__section" });
  bar.back = barButton("back", labels.skip_back, "−" + SKIP_BACK);
  bar.play = barButton("play", labels.play);
  bar.ahead = barButton("ahead", labels.skip_ahead, "+" + SKIP_AHEAD);
  bar.clock = element("span", { "class": "gp-bar__clock" }, "00:00 / 00:00");
  bar.seek = element("input", { "type": "range", "class": "gp-bar__seek", "min": "0", "step": "1", "value": "0",
                                "aria-label": labels.seek });
  bar.speed = barButton("speed", labels.speed, "1×");
  bar.resume = element("button", { "type": "button", "class": "gp-bar__resume" });
  bar.turn = barButton("turn", labels.current_turn, labels.current_turn);
  bar.share = barButton("share", labels.share);
  bar.sleep = barButton("sleep", labels.sleep_off, " ");
  bar.close = barButton("close", labels.close_player);
  bar.note = element("span", { "class": "gp-bar__note gp-share-note", "role": "status" });
  bar.info.append(bar.title, bar.section);
  bar.root.append(bar.progress, bar.cover, bar.info, bar.resume, bar.turn, bar.sleep, bar.share, bar.close,
                  element("span", { "class": "gp-bar__break" }), bar.back, bar.play, bar.ahead, bar.clock,
                  bar.seek, bar.speed, bar.note);
  return bar;
}

/* Play buttons on episode cards ([data-podcast-play], found by delegation, so that the cards of
   pages reached by instant navigation work too). */
function onCardPlay(dock, event) {
  if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
  const trigger = event.target instanceof Element ? event.target.closest("[data-podcast-play]") : null;
  if (!trigger) return;
  let episode;
  try { episode = episodeOf(JSON.parse(trigger.getAttribute("data-podcast-play"))); } catch { return; }
  if (!episode) return;  /* unreadable: the link keeps its job */
  /* Stopped here, in the capture phase: mkdocs-material listens on <body> and would navigate. */
  event.preventDefault();
  event.stopPropagation();
  if (dock.isCurrent(episode.src)) dock.toggle(); else dock.load(episode, { play: true });
}

export const dock = new Dock();
handleSystemActions(dock);
listenForKeys(dock);
document.addEventListener("click", (event) => onCardPlay(dock, event), true);
