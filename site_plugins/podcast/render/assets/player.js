/* The episode page's player: controls, transcript sync and follow-along, chapters, #t= links.
   Without JavaScript the page keeps the browser's own <audio controls>, and each turn's time
   links to the MP3 at that moment. With it, the page's <audio> goes to the player bar (bar.js),
   which keeps playing while the listener browses: this player draws the bar's audio when it holds
   this page's episode, and puts the episode in it when the listener plays, clicks a turn or a
   chapter. Its labels are the page's own (`data-labels`, in the episode's language). */

import { dock, episodeOf } from "./bar.js";
import { element, icon } from "./dom.js";
import { copy, embedCode, share } from "./share.js";
import { onEveryPage } from "./start.js";
import "./find.js";
import "./home.js";
import "./tabs.js";
import { SPEEDS, clock, format, hashTime, indexAt, positionText } from "./util.js";

const CLICK_DELAY = 280;    /* ms: a second click this soon selects a word; the first must not seek */
const OWN_SCROLL = 1200;    /* ms during which scrolling is ours, not the listener's */
const SCROLL_KEYS = /^(ArrowUp|ArrowDown|PageUp|PageDown|Home|End)$/;
const smooth = !window.matchMedia || !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

/* Whether the listener has selected text in `node` (a click that ends a selection is no seek). */
function selectionIn(node) {
  const selection = window.getSelection ? window.getSelection() : null;
  return !!selection && !selection.isCollapsed && selection.rangeCount > 0 &&
    node.contains(selection.getRangeAt(0).commonAncestorContainer);
}

/* Whether `node` is in view, clear of the header at the top and the player bar at the bottom. */
function inView(node) {
  const box = node.getBoundingClientRect();
  const bar = document.querySelector(".gp-bar:not([hidden])");
  const bottom = bar ? bar.getBoundingClientRect().top : window.innerHeight;
  return box.top >= 56 && box.bottom <= bottom;
}

/* The page's episode, from its player's data; the site's cover and show unless the page names its own. */
function readEpisode(root, audio) {
  const chapters = Array.from(root.querySelectorAll(".gp-chapters a[data-start]"), (link) => (
    { name: (link.querySelector(".gp-chapter-name") || link).textContent,
      start: parseFloat(link.getAttribute("data-start")) }));
  const title = root.getAttribute("data-title") || document.querySelector("h1")?.textContent || "";
  return episodeOf({ src: audio.src, title, url: window.location.href.split("#")[0],
                     image: root.getAttribute("data-image"), thumb: root.getAttribute("data-thumb"),
                     show: root.getAttribute("data-show"),
                     duration: root.getAttribute("data-duration"), chapters,
                     chaptersUrl: root.getAttribute("data-chapters-url"),
                     next: JSON.parse(root.getAttribute("data-next") || "null") });
}

class Player {
  constructor(root, audio) {
    this.root = root;
    this.labels = JSON.parse(root.getAttribute("data-labels"));
    this.episode = readEpisode(root, audio);
    this.src = this.episode.src;
    this.turns = Array.from(document.querySelectorAll(".gp-turn[data-start]"));
    this.starts = this.turns.map((turn) => parseFloat(turn.getAttribute("data-start")));
    this.current = null;
    this.following = true;    /* the playing turn is kept in view until the listener scrolls */
    this.ownScrollUntil = 0;
    this.pendingAt = NaN;     /* where a #t= link points while another episode plays */
    this.pendingClick = 0;
    this.pointer = "mouse";
    this.build(audio);
    this.bind();
    dock.takeAudio(audio);
    dock.attach(this);
    if (!dock.episode || !dock.started) dock.load(this.episode);
    this.update();
  }

  build(audio) {
    const labels = this.labels;
    this.view = element("div", { "class": "gp-controls" });
    this.button = element("button", { "type": "button", "class": "gp-play", "aria-label": labels.play }, "▶");
    this.time = element("span", { "class": "gp-clock", "aria-live": "off" }, "00:00 / " + clock(this.episode.duration));
    this.range = element("input", { "type": "range", "class": "gp-seek", "min": "0", "step": "0.1",
                                    "max": String(this.episode.duration), "value": "0", "aria-label": labels.seek });
    /* The speed: a button that opens a row of the speeds, each a button (the one in use pressed). */
    this.speedMenu = element("div", { "class": "gp-speed-menu" });
    this.speed = element("button", { "type": "button", "class": "gp-speed", "aria-expanded": "false",
                                     "aria-controls": "gp-speeds" }, "1×");
    this.speeds = element("div", { "class": "gp-speed-options", "id": "gp-speeds", "role": "group",
                                   "aria-label": labels.speed });
    this.speeds.hidden = true;
    for (const rate of SPEEDS) {
      this.speeds.appendChild(element("button", { "type": "button", "data-rate": String(rate),
                                                  "aria-pressed": "false" }, rate + "×"));
    }
    this.speedMenu.append(this.speed, this.speeds);
    this.resume = element("button", { "type": "button", "class": "gp-resume" });
    this.back = element("button", { "type": "button", "class": "gp-back-to-turn" }, labels.current_turn);
    this.share = element("button", { "type": "button", "class": "gp-share" });
    this.share.append(icon("share"), element("span", {}, labels.share));
    this.embed = element("button", { "type": "button", "class": "gp-share gp-embed" }, labels.embed);
    this.embed.hidden = !this.root.getAttribute("data-embed");
    this.note = element("span", { "class": "gp-share-note", "role": "status" });
    this.view.append(this.button, this.time, this.range, this.speedMenu, this.resume, this.back, this.share, this.embed,
                     this.note);
    audio.insertAdjacentElement("afterend", this.view);
  }

  live() {
    return dock.isCurrent(this.src);
  }

  bind() {
    this.button.addEventListener("click", () => {
      if (this.live()) dock.toggle();
      else dock.load(this.episode, { at: isNaN(this.pendingAt) ? undefined : this.pendingAt, play: true });
    });
    this.range.addEventListener("input", () => this.go(parseFloat(this.range.value), false));
    this.speed.addEventListener("click", () => this.openSpeeds(this.speeds.hidden));
    this.speeds.addEventListener("click", (event) => {
      const choice = event.target instanceof Element && event.target.closest("[data-rate]");
      if (!choice) return;
      const rate = parseFloat(choice.getAttribute("data-rate"));
      dock.setSpeed(rate);
      this.showSpeed(rate);
      this.openSpeeds(false);
      this.speed.focus();
    });
    this.speedMenu.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !this.speeds.hidden) { this.openSpeeds(false); this.speed.focus(); }
    });
    this.resume.addEventListener("click", () => { this.following = true; dock.resume(); });
    this.back.addEventListener("click", () => this.backToTurn());
    this.share.addEventListener("click", () => {
      const at = this.live() ? dock.audio.currentTime : (isNaN(this.pendingAt) ? 0 : this.pendingAt);
      share(this.episode.url, at, this.note, this.labels);
    });
    this.embed.addEventListener("click", () => {
      const url = new URL(this.root.getAttribute("data-embed"), window.location.href).href;
      copy(embedCode(url, this.episode.title), this.note, this.labels, this.labels.embed_copied);
    });
    this.turns.forEach((turn, index) => {
      turn.addEventListener("pointerdown", (event) => {
        this.pointer = event.pointerType || "mouse";
        this.cancelClick();  /* the second press of a double click */
      });
      turn.addEventListener("click", (event) => this.onTurnClick(event, index));
    });
    for (const link of this.root.querySelectorAll(".gp-chapters a[data-start]")) {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        /* Not to mkdocs-material, which would follow the #t= link and seek again, to the whole second. */
        event.stopPropagation();
        this.go(parseFloat(link.getAttribute("data-start")), true);
      });
    }
  }

  /* A click on a turn plays from it; a click that selects text (a drag, a double click) does not. */
  onTurnClick(event, index) {
    const turn = this.turns[index], link = event.target.closest("a");
    if (link && !link.classList.contains("gp-time")) return;  /* a link in the text keeps its job */
    event.preventDefault();
    if (link || event.detail === 0) { this.go(this.starts[index], true); return; }  /* the time link, or a key */
    if (event.detail > 1 || selectionIn(turn)) return;
    if (this.pointer !== "mouse") { this.go(this.starts[index], true); return; }
    this.pendingClick = setTimeout(() => {
      this.pendingClick = 0;
      if (!selectionIn(turn)) this.go(this.starts[index], true);
    }, CLICK_DELAY);
  }

  cancelClick() {
    clearTimeout(this.pendingClick);
    this.pendingClick = 0;
  }

  /* Go to `seconds` of this page's episode, putting it in the player if another one is there. */
  go(seconds, play) {
    this.following = true;
    this.pendingAt = NaN;
    if (this.live()) dock.seek(seconds, play);
    else dock.load(this.episode, { at: seconds, play });
  }

  /* Where a #t= link points: there at once, unless another episode is playing (then on play). */
  startAt(seconds) {
    if (this.live() || !dock.started) this.go(seconds, false);
    else { this.pendingAt = seconds; this.update(); }
    /* A shared link lands on its passage, not at the top of the page. */
    const turn = this.turnAt(seconds);
    if (turn) {
      this.highlight(turn, false);
      this.ownScrollUntil = Date.now() + OWN_SCROLL;
      turn.scrollIntoView({ block: "center" });
    }
  }

  showState(playing) {
    this.button.textContent = playing ? "❚❚" : "▶";
    this.button.setAttribute("aria-label", playing ? this.labels.pause : this.labels.play);
  }

  /* Draw the player: the dock's audio when it holds this episode, else where this page would start. */
  update() {
    const live = this.live(), audio = dock.audio;
    const now = live ? audio.currentTime : (isNaN(this.pendingAt) ? 0 : this.pendingAt);
    const duration = live ? dock.duration() : this.episode.duration;
    this.showState(live && !audio.paused);
    this.time.textContent = clock(now) + " / " + clock(duration);
    this.range.max = String(duration);
    this.range.value = String(now);
    this.range.setAttribute("aria-valuetext", positionText(this.labels, now, duration));
    if (audio) this.showSpeed(audio.playbackRate);
    this.resume.hidden = !live || isNaN(dock.resumeAt);
    if (!this.resume.hidden) this.resume.textContent = format(this.labels.resume, { time: clock(dock.resumeAt) });
    const playing = live && !audio.paused, started = playing && !this.wasPlaying;
    this.wasPlaying = playing;
    if (started) this.following = true;  /* a play, from here or the bar, brings the page back to its turn */
    this.highlight(live || !isNaN(this.pendingAt) ? this.turnAt(now) : null, playing);
    if (started && this.current && !inView(this.current)) this.reveal(this.current);
    this.back.hidden = !this.wantsReturn();
  }

  openSpeeds(open) {
    this.speeds.hidden = !open;
    this.speed.setAttribute("aria-expanded", String(open));
  }

  showSpeed(rate) {
    this.speed.textContent = rate + "×";
    this.speed.setAttribute("aria-label", this.labels.speed + " " + rate + "×");
    for (const choice of this.speeds.children) {
      choice.setAttribute("aria-pressed", String(parseFloat(choice.getAttribute("data-rate")) === rate));
    }
  }

  /* The turn being spoken at `now`: the last one that starts at or before it. */
  turnAt(now) {
    const index = indexAt(this.starts, now);
    return index >= 0 ? this.turns[index] : null;
  }

  highlight(turn, playing) {
    if (turn === this.current) return;
    if (this.current) { this.current.classList.remove("gp-playing"); this.current.removeAttribute("aria-current"); }
    if (turn) { turn.classList.add("gp-playing"); turn.setAttribute("aria-current", "true"); }
    this.current = turn;
    if (turn && playing && this.following && !inView(turn)) this.reveal(turn);
  }

  reveal(turn) {
    this.ownScrollUntil = Date.now() + OWN_SCROLL;
    turn.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
  }

  /* Follow-along: the listener scrolled by hand, so the page stops following until asked. */
  stopFollowing() {
    if (!this.following || !this.live() || !this.current) return;
    this.following = false;
    this.update();
    dock.refresh();
  }

  onScroll() {
    if (Date.now() < this.ownScrollUntil || !this.current || !this.live()) return;
    if (this.following && !dock.audio.paused && !inView(this.current)) this.stopFollowing();
    else if (!this.following && inView(this.current)) this.follow(false);  /* scrolled back to it by hand */
  }

  wantsReturn() {
    return this.live() && !!this.current && !this.following;
  }

  backToTurn() {
    this.follow(true);
  }

  follow(reveal) {
    this.following = true;
    if (reveal && this.current) this.reveal(this.current);
    this.update();
    dock.refresh();
  }

  leave() {
    this.cancelClick();
  }
}

let player = null;

/* The theme titles the contents sidebar in the site's language: an episode in another one gets its own word
   (the page's own list of contents, for phones, carries it). */
function titleContents() {
  const ours = document.querySelector(".gp-toc > summary");
  const title = document.querySelector(".md-sidebar--secondary .md-nav__title");
  const words = title && Array.from(title.childNodes).reverse().find((node) => node.nodeType === 3 && node.data.trim());
  if (ours && words) {
    words.data = ours.textContent.trim();
    title.lang = ours.closest("[lang]")?.lang || "";
  }
}

function setUp() {
  titleContents();
  if (player) player.leave();
  const root = document.querySelector(".gp-player[data-duration]");
  const audio = root && root.querySelector("audio.gp-audio");
  player = audio ? new Player(root, audio) : null;
  if (!player) dock.attach(null);
  startAtHash();
}

/* A link's #t= starts the episode there; a time past the episode's end is ignored, like one that is none. */
function startAtHash() {
  const seconds = hashTime(window.location.hash);
  if (player && !isNaN(seconds) && !(seconds > Number(player.episode.duration))) player.startAt(seconds);
}

/* Dragging a slider or pressing the players' buttons is not scrolling. */
function scrolledByHand(event) {
  if (event.target instanceof Element && event.target.closest(".gp-bar, .gp-controls")) return;
  if (player) player.stopFollowing();
}

/* A jump from the phone's list of contents closes the list first: on the first jump the theme loads the
   page again in place (the list closed) and, on a slow phone, scrolls back to where the jump had put it,
   which is the heading only if nothing above it has changed meanwhile. */
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element && event.target.closest(".gp-toc nav a");
  if (link) link.closest("details").open = false;
}, true);

window.addEventListener("hashchange", startAtHash);
window.addEventListener("wheel", scrolledByHand, { passive: true });
window.addEventListener("touchmove", scrolledByHand, { passive: true });
window.addEventListener("scroll", () => { if (player) player.onScroll(); }, { passive: true });
document.addEventListener("keydown", (event) => {
  if (SCROLL_KEYS.test(event.key) && !(event.target instanceof Element && event.target.closest("input, textarea, select"))) {
    scrolledByHand(event);
  }
});
onEveryPage(setUp);
