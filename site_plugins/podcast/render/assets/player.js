/* The episode page's player: controls, transcript sync and follow-along, chapters, #t= links.
   Without JavaScript the page keeps the browser's own <audio controls>, and each turn's time
   links to the MP3 at that moment. With it, the page's <audio> goes to the player bar
   (player-bar.js, `window.podcastDock`), which keeps playing while the listener browses: this
   player draws the bar's audio when it holds this page's episode, and puts the episode in it when
   the listener plays, clicks a turn or a chapter. With mkdocs-material's instant navigation the
   page is swapped without a reload, so set-up runs on every `document$` emission. */
(function () {
  "use strict";

  var dock = window.podcastDock;
  if (!dock) return;
  var util = dock.util, clock = util.clock, element = util.element;
  var CLICK_DELAY = 280;    /* ms: a second click this soon selects a word; the first must not seek */
  var OWN_SCROLL = 1200;    /* ms during which scrolling is ours, not the listener's */
  var SCROLL_KEYS = /^(ArrowUp|ArrowDown|PageUp|PageDown|Home|End)$/;
  var smooth = !window.matchMedia || !window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  /* "83", "83.5", "01:23", "1:02:03" -> seconds; NaN when it is none of these. */
  function parseTime(text) {
    if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(text)) return NaN;
    return text.split(":").reduce(function (total, part) { return total * 60 + parseFloat(part); }, 0);
  }

  function hashTime() {
    var match = /(?:^#|&)t=([^&]+)/.exec(window.location.hash);
    return match ? parseTime(decodeURIComponent(match[1])) : NaN;
  }

  /* Whether the listener has selected text in `node` (a click that ends a selection is no seek). */
  function selectionIn(node) {
    var selection = window.getSelection ? window.getSelection() : null;
    return !!selection && !selection.isCollapsed && selection.rangeCount > 0 &&
      node.contains(selection.getRangeAt(0).commonAncestorContainer);
  }

  /* Whether `node` is in view, clear of the header at the top and the player bar at the bottom. */
  function inView(node) {
    var box = node.getBoundingClientRect();
    var bar = document.querySelector(".gp-bar:not([hidden])");
    var bottom = bar ? bar.getBoundingClientRect().top : window.innerHeight;
    return box.top >= 56 && box.bottom <= bottom;
  }

  function readEpisode(root, audio) {
    var chapters = Array.prototype.map.call(root.querySelectorAll(".gp-chapters a[data-start]"), function (link) {
      return { name: link.textContent, start: parseFloat(link.getAttribute("data-start")) };
    });
    var title = root.getAttribute("data-title") || (document.querySelector("h1") || {}).textContent || "";
    return util.episodeFrom({ src: audio.src, title: title, url: window.location.href.split("#")[0],
                              /* The site's cover and show unless the page names its own. */
                              image: root.getAttribute("data-image"), show: root.getAttribute("data-show"),
                              duration: root.getAttribute("data-duration"), chapters: chapters });
  }

  function Player(root, audio) {
    this.root = root;
    this.labels = JSON.parse(root.getAttribute("data-labels") || "{}");
    this.episode = readEpisode(root, audio);
    this.src = this.episode.src;
    this.turns = Array.prototype.slice.call(document.querySelectorAll(".gp-turn[data-start]"));
    this.starts = this.turns.map(function (turn) { return parseFloat(turn.getAttribute("data-start")); });
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

  Player.prototype.build = function (audio) {
    var labels = this.labels;
    var bar = this.view = element("div", { "class": "gp-controls" });
    this.button = element("button", { "type": "button", "class": "gp-play", "aria-label": labels.play || "Play" }, "▶");
    this.time = element("span", { "class": "gp-clock", "aria-live": "off" }, "00:00 / " + clock(this.episode.duration));
    this.range = element("input", { "type": "range", "class": "gp-seek", "min": "0", "step": "0.1",
                                    "max": String(this.episode.duration), "value": "0",
                                    "aria-label": labels.seek || "Position" });
    this.speed = element("select", { "class": "gp-speed", "aria-label": labels.speed || "Speed" });
    util.SPEEDS.forEach(function (rate) {
      this.speed.appendChild(element("option", { "value": String(rate) }, rate + "×"));
    }, this);
    this.resume = element("button", { "type": "button", "class": "gp-resume" });
    this.back = element("button", { "type": "button", "class": "gp-back-to-turn" }, labels.current_turn || "Back to the current turn");
    this.share = element("button", { "type": "button", "class": "gp-share" });
    this.share.append(util.icon("share"), element("span", {}, labels.share || "Share from here"));
    this.note = element("span", { "class": "gp-share-note", "role": "status" });
    [this.button, this.time, this.range, this.speed, this.resume, this.back, this.share, this.note]
      .forEach(function (node) { bar.appendChild(node); });
    audio.insertAdjacentElement("afterend", bar);
  };

  Player.prototype.live = function () {
    return dock.isCurrent(this.src);
  };

  Player.prototype.bind = function () {
    var self = this;
    this.button.addEventListener("click", function () {
      if (self.live()) dock.toggle();
      else dock.load(self.episode, { at: isNaN(self.pendingAt) ? undefined : self.pendingAt, play: true });
    });
    this.range.addEventListener("input", function () { self.go(parseFloat(self.range.value), false); });
    this.speed.addEventListener("change", function () { dock.setSpeed(parseFloat(self.speed.value)); });
    this.resume.addEventListener("click", function () { self.following = true; dock.resume(); });
    this.back.addEventListener("click", function () { self.backToTurn(); });
    this.share.addEventListener("click", function () {
      var at = self.live() ? dock.audio.currentTime : (isNaN(self.pendingAt) ? 0 : self.pendingAt);
      util.share(self.episode.url, at, self.note);
    });
    this.turns.forEach(function (turn, index) {
      turn.addEventListener("pointerdown", function (event) {
        self.pointer = event.pointerType || "mouse";
        self.cancelClick();  /* the second press of a double click */
      });
      turn.addEventListener("click", function (event) { self.onTurnClick(event, index); });
    });
    this.root.querySelectorAll(".gp-chapters a[data-start]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        /* Not to mkdocs-material, which would follow the #t= link and seek again, to the whole second. */
        event.stopPropagation();
        self.go(parseFloat(link.getAttribute("data-start")), true);
      });
    });
  };

  /* A click on a turn plays from it; a click that selects text (a drag, a double click) does not. */
  Player.prototype.onTurnClick = function (event, index) {
    var self = this, turn = this.turns[index], link = event.target.closest("a");
    if (link && !link.classList.contains("gp-time")) return;  /* a link in the text keeps its job */
    event.preventDefault();
    if (link || event.detail === 0) { this.go(this.starts[index], true); return; }  /* the time link, or a key */
    if (event.detail > 1 || selectionIn(turn)) return;
    if (this.pointer !== "mouse") { this.go(this.starts[index], true); return; }
    this.pendingClick = setTimeout(function () {
      self.pendingClick = 0;
      if (!selectionIn(turn)) self.go(self.starts[index], true);
    }, CLICK_DELAY);
  };

  Player.prototype.cancelClick = function () {
    clearTimeout(this.pendingClick);
    this.pendingClick = 0;
  };

  /* Go to `seconds` of this page's episode, putting it in the player if another one is there. */
  Player.prototype.go = function (seconds, play) {
    this.following = true;
    this.pendingAt = NaN;
    if (this.live()) dock.seek(seconds, play);
    else dock.load(this.episode, { at: seconds, play: play });
  };

  /* Where a #t= link points: there at once, unless another episode is playing (then on play). */
  Player.prototype.startAt = function (seconds) {
    if (this.live() || !dock.started) { this.go(seconds, false); return; }
    this.pendingAt = seconds;
    this.update();
  };

  Player.prototype.showState = function (playing) {
    this.button.textContent = playing ? "❚❚" : "▶";
    this.button.setAttribute("aria-label", playing ? (this.labels.pause || "Pause") : (this.labels.play || "Play"));
  };

  /* Draw the player: the dock's audio when it holds this episode, else where this page would start. */
  Player.prototype.update = function () {
    var live = this.live(), audio = dock.audio;
    var now = live ? audio.currentTime : (isNaN(this.pendingAt) ? 0 : this.pendingAt);
    var duration = live ? dock.duration() : this.episode.duration;
    this.showState(live && !audio.paused);
    this.time.textContent = clock(now) + " / " + clock(duration);
    this.range.max = String(duration);
    this.range.value = String(now);
    this.range.setAttribute("aria-valuetext", util.positionText(this.labels, now, duration));
    if (audio) this.speed.value = String(audio.playbackRate);
    this.resume.hidden = !live || isNaN(dock.resumeAt);
    if (!this.resume.hidden) this.resume.textContent = util.format(this.labels.resume || "Resume at {time}", { time: clock(dock.resumeAt) });
    this.highlight(live || !isNaN(this.pendingAt) ? this.turnAt(now) : null, live && !audio.paused);
    this.back.hidden = !this.wantsReturn();
  };

  /* The turn being spoken at `now`: the last one that starts at or before it. */
  Player.prototype.turnAt = function (now) {
    var low = 0, high = this.starts.length - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (this.starts[middle] <= now + 0.001) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    return found >= 0 ? this.turns[found] : null;
  };

  Player.prototype.highlight = function (turn, playing) {
    if (turn !== this.current) {
      if (this.current) { this.current.classList.remove("gp-playing"); this.current.removeAttribute("aria-current"); }
      if (turn) { turn.classList.add("gp-playing"); turn.setAttribute("aria-current", "true"); }
      this.current = turn;
      if (turn && playing && this.following && !inView(turn)) this.reveal(turn);
    }
  };

  Player.prototype.reveal = function (turn) {
    this.ownScrollUntil = Date.now() + OWN_SCROLL;
    turn.scrollIntoView({ block: "center", behavior: smooth ? "smooth" : "auto" });
  };

  /* Follow-along: the listener scrolled by hand, so the page stops following until asked. */
  Player.prototype.stopFollowing = function () {
    if (!this.following || !this.live() || !this.current) return;
    this.following = false;
    this.update();
    dock.refresh();
  };

  Player.prototype.onScroll = function () {
    if (Date.now() < this.ownScrollUntil || !this.current || !this.live()) return;
    if (this.following && !dock.audio.paused && !inView(this.current)) this.stopFollowing();
  };

  Player.prototype.wantsReturn = function () {
    return this.live() && !!this.current && !this.following;
  };

  Player.prototype.backToTurn = function () {
    this.following = true;
    if (this.current) this.reveal(this.current);
    this.update();
    dock.refresh();
  };

  Player.prototype.leave = function () {
    this.cancelClick();
  };

  var player = null;

  function setUp() {
    if (player) player.leave();
    var root = document.querySelector(".gp-player[data-duration]");
    var audio = root && root.querySelector("audio.gp-audio");
    player = audio ? new Player(root, audio) : null;
    if (!player) dock.attach(null);
    startAtHash();
  }

  function startAtHash() {
    var seconds = hashTime();
    if (player && !isNaN(seconds)) player.startAt(seconds);
  }

  /* Dragging a slider or pressing the players' buttons is not scrolling. */
  function scrolledByHand(event) {
    if (event.target instanceof Element && event.target.closest(".gp-bar, .gp-controls")) return;
    if (player) player.stopFollowing();
  }

  window.addEventListener("hashchange", startAtHash);
  window.addEventListener("wheel", scrolledByHand, { passive: true });
  window.addEventListener("touchmove", scrolledByHand, { passive: true });
  window.addEventListener("scroll", function () { if (player) player.onScroll(); }, { passive: true });
  document.addEventListener("keydown", function (event) {
    if (SCROLL_KEYS.test(event.key) && !(event.target instanceof Element && event.target.closest("input, textarea, select"))) {
      scrolledByHand(event);
    }
  });
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
