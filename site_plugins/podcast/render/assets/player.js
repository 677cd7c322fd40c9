/* The episode player: controls, transcript sync, chapters and #t= links.
   Without JavaScript the page keeps the browser's own <audio controls>, and each turn's time
   links to the MP3 at that moment. With mkdocs-material's instant navigation the page is
   swapped without a reload, so set-up runs on every `document$` emission. */
(function () {
  "use strict";

  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];

  function clock(seconds) {
    var whole = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + (mm.length < 2 ? "0" + mm : mm) + ":" + (s < 10 ? "0" : "") + s;
  }

  /* "83", "83.5", "01:23", "1:02:03" -> seconds; NaN when it is none of these. */
  function parseTime(text) {
    if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(text)) return NaN;
    return text.split(":").reduce(function (total, part) { return total * 60 + parseFloat(part); }, 0);
  }

  function hashTime() {
    var match = /(?:^#|&)t=([^&]+)/.exec(window.location.hash);
    return match ? parseTime(decodeURIComponent(match[1])) : NaN;
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function Player(root) {
    this.root = root;
    this.audio = root.querySelector("audio.gp-audio");
    this.labels = JSON.parse(root.getAttribute("data-labels") || "{}");
    this.duration = parseFloat(root.getAttribute("data-duration")) || 0;
    this.turns = Array.prototype.slice.call(document.querySelectorAll(".gp-turn[data-start]"));
    this.starts = this.turns.map(function (turn) { return parseFloat(turn.getAttribute("data-start")); });
    this.current = null;
    this.build();
    this.bind();
  }

  Player.prototype.build = function () {
    var labels = this.labels;
    var bar = element("div", { "class": "gp-controls" });
    this.button = element("button", { "type": "button", "class": "gp-play", "aria-label": labels.play || "Play" });
    this.button.textContent = "▶";
    this.time = element("span", { "class": "gp-clock", "aria-live": "off" }, "00:00 / " + clock(this.duration));
    this.range = element("input", { "type": "range", "class": "gp-seek", "min": "0", "step": "0.1",
                                    "max": String(this.duration), "value": "0", "aria-label": labels.seek || "Position" });
    this.speed = element("select", { "class": "gp-speed", "aria-label": labels.speed || "Speed" });
    SPEEDS.forEach(function (rate) {
      var option = element("option", { "value": String(rate) }, rate + "×");
      if (rate === 1) option.selected = true;
      this.speed.appendChild(option);
    }, this);
    [this.button, this.time, this.range, this.speed].forEach(function (node) { bar.appendChild(node); });
    this.audio.controls = false;
    this.audio.insertAdjacentElement("afterend", bar);
  };

  Player.prototype.bind = function () {
    var self = this, audio = this.audio;
    this.button.addEventListener("click", function () { audio.paused ? audio.play() : audio.pause(); });
    this.range.addEventListener("input", function () { audio.currentTime = parseFloat(self.range.value); });
    this.speed.addEventListener("change", function () { audio.playbackRate = parseFloat(self.speed.value); });
    ["play", "pause"].forEach(function (name) { audio.addEventListener(name, function () { self.showState(); }); });
    audio.addEventListener("timeupdate", function () { self.sync(); });
    audio.addEventListener("seeked", function () { self.sync(); });
    audio.addEventListener("loadedmetadata", function () {
      if (isFinite(audio.duration) && audio.duration > 0) self.duration = audio.duration;
      self.range.max = String(self.duration);
      self.sync();
    });
    this.turns.forEach(function (turn, index) {
      turn.addEventListener("click", function (event) {
        var link = event.target.closest("a");
        if (link && !link.classList.contains("gp-time")) return;  // a link in the text keeps its job
        event.preventDefault();
        self.seek(self.starts[index], true);
      });
    });
    this.root.querySelectorAll(".gp-chapters a[data-start]").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        self.seek(parseFloat(link.getAttribute("data-start")), true);
      });
    });
  };

  Player.prototype.seek = function (seconds, play) {
    this.audio.currentTime = seconds;
    this.sync(seconds);
    if (play) {
      var promise = this.audio.play();
      if (promise && promise.catch) promise.catch(function () { /* autoplay refused: stay paused */ });
    }
  };

  Player.prototype.showState = function () {
    var playing = !this.audio.paused;
    this.button.textContent = playing ? "❚❚" : "▶";
    this.button.setAttribute("aria-label", playing ? (this.labels.pause || "Pause") : (this.labels.play || "Play"));
  };

  /* Highlight the turn being spoken: the last one that starts at or before `now`. */
  Player.prototype.sync = function (at) {
    var now = typeof at === "number" ? at : this.audio.currentTime;
    this.time.textContent = clock(now) + " / " + clock(this.duration);
    this.range.value = String(now);
    var low = 0, high = this.starts.length - 1, found = -1;
    while (low <= high) {
      var middle = (low + high) >> 1;
      if (this.starts[middle] <= now + 0.001) { found = middle; low = middle + 1; } else { high = middle - 1; }
    }
    var turn = found >= 0 ? this.turns[found] : null;
    if (turn === this.current) return;
    if (this.current) { this.current.classList.remove("gp-playing"); this.current.removeAttribute("aria-current"); }
    if (turn) { turn.classList.add("gp-playing"); turn.setAttribute("aria-current", "true"); }
    this.current = turn;
  };

  var player = null;

  function setUp() {
    var root = document.querySelector(".gp-player[data-duration]");
    player = root && root.querySelector("audio.gp-audio") ? new Player(root) : null;
    startAtHash();
  }

  function startAtHash() {
    var seconds = hashTime();
    if (player && !isNaN(seconds)) player.seek(seconds, false);
  }

  window.addEventListener("hashchange", startAtHash);
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
