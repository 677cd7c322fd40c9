/* The player bar: one <audio> for the whole visit, and a compact bar fixed to the bottom of the
   window that controls it.

   mkdocs-material's instant navigation swaps only some parts of the page (the
   [data-md-component=container] and a few header parts) and runs no script twice. The bar is a
   child of <body>, outside those parts, and the audio lives in it: listening goes on while the
   listener browses the site. The bar shows once the episode page's own player is out of view, and
   on every other page once an episode has started.

   Also here: Media Session (lock screen, headphone buttons), the position kept per episode
   (offered on return, never forced), keyboard shortcuts, and the play buttons of episode cards
   ([data-podcast-play], found by delegation, so cards of pages reached by instant navigation work).
   The episode page's player (player.js) drives the same audio through `window.podcastDock`.
   Site-wide data (labels in the site's language, the show's title and cover) comes from
   player-site.js, which each build writes. */
(function () {
  "use strict";

  var SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
  var SKIP_BACK = 15, SKIP_AHEAD = 30;
  var KEEP_AFTER = 5;          /* seconds: a position nearer the start or the end is not worth keeping */
  var SAVE_EVERY = 5;          /* seconds of listening between two saved positions */
  var OFFER_UNTIL = 15;        /* seconds: playing from the start past this replaces the kept position */
  var POSITION_KEY = "podcast-position:", SPEED_KEY = "podcast-speed";
  var site = window.podcastSite || {};
  var labels = site.labels || {};

  /* Helpers, shared with player.js ----------------------------------------------------------- */

  function clock(seconds) {
    var whole = Math.max(0, Math.floor(seconds || 0));
    var h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + (mm.length < 2 ? "0" + mm : mm) + ":" + (s < 10 ? "0" : "") + s;
  }

  function format(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? values[name] : all;
    });
  }

  /* "1 分 05 秒": what a screen reader says for a slider's value, rather than "65". */
  function spokenTime(words, seconds) {
    var whole = Math.max(0, Math.floor(seconds || 0)), s = whole % 60;
    var values = { hours: Math.floor(whole / 3600), minutes: Math.floor((whole % 3600) / 60),
                   seconds: (s < 10 ? "0" : "") + s };
    return values.hours ? format(words.spoken_time_hours || "{hours}:{minutes}:{seconds}", values)
                        : format(words.spoken_time || "{minutes}:{seconds}", values);
  }

  function positionText(words, now, duration) {
    return format(words.position_of || "{position} / {duration}",
                  { position: spokenTime(words, now), duration: spokenTime(words, duration) });
  }

  function element(tag, attributes, text) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    if (text) node.textContent = text;
    return node;
  }

  /* Material Design icons (Apache License 2.0), drawn in the text colour. */
  var ICONS = {
    play: "M8 5.14v14l11-7-11-7z",
    pause: "M14 19h4V5h-4M6 19h4V5H6v14z",
    share: "M18 16.08c-.76 0-1.44.3-1.96.77L8.91 12.7c.05-.23.09-.46.09-.7s-.04-.47-.09-.7l7.05-4.11c.54.5 1.25.81 " +
           "2.04.81a3 3 0 0 0 3-3 3 3 0 0 0-3-3 3 3 0 0 0-3 3c0 .24.04.47.09.7L8.04 9.81C7.5 9.31 6.79 9 6 9a3 3 0 " +
           "0 0-3 3 3 3 0 0 0 3 3c.79 0 1.5-.31 2.04-.81l7.12 4.15c-.05.21-.08.43-.08.66 0 1.61 1.31 2.91 2.92 " +
           "2.91 1.61 0 2.92-1.3 2.92-2.91A2.92 2.92 0 0 0 18 16.08z",
    turn: "M12 8a4 4 0 0 1 4 4 4 4 0 0 1-4 4 4 4 0 0 1-4-4 4 4 0 0 1 4-4m-8.95 5H1v-2h2.05C3.5 6.83 6.83 3.5 11 " +
          "3.05V1h2v2.05c4.17.45 7.5 3.78 7.95 7.95H23v2h-2.05c-.45 4.17-3.78 7.5-7.95 7.95V23h-2v-2.05C6.83 " +
          "20.5 3.5 17.17 3.05 13M12 5a7 7 0 0 0-7 7 7 7 0 0 0 7 7 7 7 0 0 0 7-7 7 7 0 0 0-7-7z",
    close: "M19 6.41 17.59 5 12 10.59 6.41 5 5 6.41 10.59 12 5 17.59 6.41 19 12 13.41 17.59 19 19 17.59 13.41 12 19 6.41z"
  };

  function icon(name) {
    var svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
    path.setAttribute("d", ICONS[name]);
    svg.appendChild(path);
    return svg;
  }

  function setIcon(button, name) {
    var old = button.querySelector("svg");
    if (old) old.replaceWith(icon(name)); else button.insertBefore(icon(name), button.firstChild);
  }

  function absolute(url) {
    try { return url ? new URL(url, window.location.href).href : ""; } catch (error) { return ""; }
  }

  function quietly(promise) {
    if (promise && promise.catch) promise.catch(function () { /* refused or interrupted: stay as we are */ });
  }

  /* Positions, kept in the browser per episode ------------------------------------------------ */

  function storage() {
    try { return window.localStorage; } catch (error) { return null; }  /* refused (privacy settings) */
  }

  function savedPosition(src) {
    var store = storage(), value = store ? parseFloat(store.getItem(POSITION_KEY + src)) : NaN;
    return value > 0 ? value : NaN;
  }

  function savePosition(src, seconds, duration) {
    var store = storage();
    if (!store || !src) return;
    try {
      if (seconds < KEEP_AFTER || (duration > 0 && seconds > duration - KEEP_AFTER)) store.removeItem(POSITION_KEY + src);
      else store.setItem(POSITION_KEY + src, seconds.toFixed(1));
    } catch (error) { /* storage full: a kept position is a convenience */ }
  }

  function savedSpeed() {
    var store = storage(), value = store ? parseFloat(store.getItem(SPEED_KEY)) : NaN;
    return SPEEDS.indexOf(value) >= 0 ? value : 1;
  }

  /* An episode as the bar knows it: absolute addresses, so that it outlives the page it came from. */
  function episodeFrom(data) {
    if (!data || !data.src) return null;
    return { src: absolute(data.src), title: data.title || "", url: absolute(data.url || ""),
             image: absolute(data.image || site.cover || ""), show: data.show || site.show || "",
             duration: parseFloat(data.duration) || 0, chapters: data.chapters || null };
  }

  /* The dock: the audio, the episode in it, and the bar --------------------------------------- */

  function Dock() {
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
  }

  Dock.prototype.isCurrent = function (src) {
    return !!this.episode && this.episode.src === src;
  };

  Dock.prototype.duration = function () {
    var audio = this.audio;
    if (audio && isFinite(audio.duration) && audio.duration > 0) return audio.duration;
    return this.episode ? this.episode.duration : 0;
  };

  /* The first episode page's <audio> becomes the dock's; later pages' are removed (one audio). */
  Dock.prototype.takeAudio = function (audio) {
    this.buildBar();
    if (this.audio) {
      if (audio) audio.remove();
      return;
    }
    this.audio = audio || element("audio", { "preload": "metadata" });
    this.audio.classList.add("gp-audio");
    this.audio.controls = false;
    this.audio.defaultPlaybackRate = this.audio.playbackRate = savedSpeed();
    this.bar.root.appendChild(this.audio);
    this.listen();
  };

  /* Put an episode in the player. `options.at`: start there; `options.play`: start playing. */
  Dock.prototype.load = function (episode, options) {
    options = options || {};
    var at = typeof options.at === "number" && !isNaN(options.at) ? options.at : NaN;
    this.takeAudio(null);
    if (!this.isCurrent(episode.src)) {
      this.keepPosition(true);
      this.episode = episode;
      this.started = false;
      this.savedAt = -1;
      if (this.audio.src !== episode.src) this.audio.src = episode.src;
      this.audio.playbackRate = this.audio.defaultPlaybackRate;
      this.resumeAt = isNaN(at) ? savedPosition(episode.src) : NaN;  /* offered only when no place was asked */
      if (!episode.chapters) this.fetchChapters(episode);
      this.showEpisode();
      describeForSystem(episode);
    }
    if (!isNaN(at)) this.seek(at, false);
    if (options.play) this.play();
    this.update();
  };

  Dock.prototype.play = function () {
    this.dismissed = false;
    quietly(this.audio.play());
  };

  Dock.prototype.toggle = function () {
    if (this.audio.paused) this.play(); else this.audio.pause();
  };

  Dock.prototype.seek = function (seconds, play) {
    var duration = this.duration();
    var at = Math.max(0, duration ? Math.min(seconds, duration) : seconds);
    this.audio.currentTime = at;
    this.resumeAt = NaN;     /* the listener chose a place: the kept one is no longer offered */
    this.update(at);
    if (play) this.play();
  };

  Dock.prototype.skip = function (seconds) {
    this.seek(this.audio.currentTime + seconds, false);
  };

  Dock.prototype.resume = function () {
    if (!isNaN(this.resumeAt)) this.seek(this.resumeAt, true);
  };

  Dock.prototype.setSpeed = function (rate) {
    this.audio.defaultPlaybackRate = this.audio.playbackRate = rate;
    var store = storage();
    try { if (store) store.setItem(SPEED_KEY, String(rate)); } catch (error) { /* not kept: fine */ }
  };

  Dock.prototype.close = function () {
    this.audio.pause();
    this.dismissed = true;
    this.refresh();
  };

  /* Keep the position every few seconds of listening, and whenever it matters (pause, leave). */
  Dock.prototype.keepPosition = function (now) {
    var audio = this.audio;
    if (!this.episode || !this.started || !audio) return;
    var at = audio.currentTime;
    if (!isNaN(this.resumeAt) && at < OFFER_UNTIL) return;  /* the kept position is still on offer */
    if (!now && Math.abs(at - this.savedAt) < SAVE_EVERY) return;
    savePosition(this.episode.src, at, this.duration());
    this.savedAt = at;
    if (!isNaN(this.resumeAt) && !audio.paused) this.resumeAt = NaN;  /* listening elsewhere replaced it */
  };

  Dock.prototype.fetchChapters = function (episode) {
    var self = this;
    if (!episode.url || !window.fetch) return;
    quietly(window.fetch(new URL("chapters.json", episode.url).href)
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data || !data.chapters) return;
        episode.chapters = data.chapters.map(function (c) { return { name: c.title, start: c.startTime }; });
        if (self.episode === episode) self.update();
      }));
  };

  Dock.prototype.sectionAt = function (seconds) {
    var chapters = (this.episode && this.episode.chapters) || [], name = "";
    chapters.forEach(function (chapter) { if (chapter.start <= seconds + 0.001) name = chapter.name; });
    return name;
  };

  /* The page's player tells the dock it is there (or that the page has none: `page` null). */
  Dock.prototype.attach = function (page) {
    var self = this;
    if (this.observer) this.observer.disconnect();
    this.observer = null;
    this.page = page;
    this.pageInView = !!page;
    if (page && "IntersectionObserver" in window) {
      /* The header stays at the top: controls under it are out of view. */
      this.observer = new IntersectionObserver(function (entries) {
        self.pageInView = entries[entries.length - 1].isIntersecting;
        self.refresh();
      }, { rootMargin: "-64px 0px 0px 0px" });
      this.observer.observe(page.view);
    }
    this.refresh();
  };

  Dock.prototype.onItsPage = function () {
    return !!this.page && this.isCurrent(this.page.src);
  };

  /* Whether the listener is listening here: keys act, the bar may show. */
  Dock.prototype.active = function () {
    return !!this.episode && (this.onItsPage() || (this.started && !this.dismissed));
  };

  /* Show or hide the bar and its occasional controls. */
  Dock.prototype.refresh = function () {
    var bar = this.bar;
    if (!bar) return;
    var here = this.onItsPage();
    var shown = this.active() && !this.dismissed && !(here && this.pageInView);
    if (bar.root.hidden === shown) {
      bar.root.hidden = !shown;
      document.body.classList.toggle("gp-bar-shown", shown);
      /* Room below the page's end, so that the bar never covers its last lines. */
      if (shown) document.body.style.setProperty("--gp-bar-height", bar.root.offsetHeight + "px");
    }
    bar.turn.hidden = !(here && this.page.wantsReturn());
    bar.resume.hidden = isNaN(this.resumeAt);
    if (!bar.resume.hidden) bar.resume.textContent = format(labels.resume || "Resume at {time}", { time: clock(this.resumeAt) });
  };

  /* The audio's state, drawn in the bar and the page's player. */
  Dock.prototype.update = function (at) {
    var bar = this.bar, audio = this.audio;
    if (!bar || !audio || !this.episode) return;
    var now = typeof at === "number" ? at : audio.currentTime, duration = this.duration();
    bar.clock.textContent = clock(now) + " / " + clock(duration);
    bar.seek.max = String(duration);
    bar.seek.value = String(now);
    bar.seek.setAttribute("aria-valuetext", positionText(labels, now, duration));
    bar.progress.style.width = duration ? (100 * now / duration).toFixed(2) + "%" : "0";
    bar.section.textContent = this.sectionAt(now);
    bar.speed.textContent = audio.playbackRate + "×";
    bar.speed.setAttribute("aria-label", (labels.speed || "Speed") + " " + audio.playbackRate + "×");
    var playing = !audio.paused;
    if (bar.playing !== playing) {
      bar.playing = playing;
      setIcon(bar.play, playing ? "pause" : "play");
      bar.play.setAttribute("aria-label", playing ? (labels.pause || "Pause") : (labels.play || "Play"));
    }
    if (this.page) this.page.update();
    this.refresh();
    tellSystemPosition(audio, duration);
  };

  Dock.prototype.listen = function () {
    var self = this, audio = this.audio;
    audio.addEventListener("play", function () {
      self.started = true;
      self.dismissed = false;
      self.update();
    });
    audio.addEventListener("pause", function () { self.keepPosition(true); self.update(); });
    audio.addEventListener("ended", function () { self.keepPosition(true); });
    audio.addEventListener("timeupdate", function () { self.keepPosition(false); self.update(); });
    ["seeked", "ratechange", "durationchange", "loadedmetadata"].forEach(function (name) {
      audio.addEventListener(name, function () { self.update(); });
    });
    window.addEventListener("pagehide", function () { self.keepPosition(true); });
    if ("mediaSession" in navigator) {
      audio.addEventListener("play", function () { navigator.mediaSession.playbackState = "playing"; });
      audio.addEventListener("pause", function () { navigator.mediaSession.playbackState = "paused"; });
    }
  };

  /* The bar's markup ------------------------------------------------------------------------- */

  function barButton(name, label, text) {
    var button = element("button", { "type": "button", "class": "gp-bar__button gp-bar__" + name, "aria-label": label });
    if (ICONS[name]) button.appendChild(icon(name));
    if (text) button.appendChild(element("span", { "class": "gp-bar__word" }, text));
    return button;
  }

  Dock.prototype.buildBar = function () {
    if (this.bar) return;
    var bar = { root: element("section", { "class": "gp-bar", "aria-label": labels.player || "Player" }) };
    bar.root.hidden = true;
    bar.progress = element("span", { "class": "gp-bar__progress", "aria-hidden": "true" });
    bar.cover = element("img", { "class": "gp-bar__cover", "alt": "", "width": "44", "height": "44" });
    bar.info = element("div", { "class": "gp-bar__info" });
    bar.title = element("a", { "class": "gp-bar__title" });
    bar.section = element("span", { "class": "gp-bar__section" });
    bar.back = barButton("back", labels.skip_back || "Back 15 seconds", "−15");
    bar.play = barButton("play", labels.play || "Play");
    bar.ahead = barButton("ahead", labels.skip_ahead || "Ahead 30 seconds", "+30");
    bar.clock = element("span", { "class": "gp-bar__clock" }, "00:00 / 00:00");
    bar.seek = element("input", { "type": "range", "class": "gp-bar__seek", "min": "0", "step": "1", "value": "0",
                                  "aria-label": labels.seek || "Position" });
    bar.speed = barButton("speed", labels.speed || "Speed", "1×");
    bar.resume = element("button", { "type": "button", "class": "gp-bar__resume" });
    bar.turn = barButton("turn", labels.current_turn || "Back to the current turn", labels.current_turn);
    bar.share = barButton("share", labels.share || "Share from here");
    bar.close = barButton("close", labels.close_player || "Close the player");
    bar.note = element("span", { "class": "gp-bar__note gp-share-note", "role": "status" });
    bar.info.append(bar.title, bar.section);
    bar.root.append(bar.progress, bar.cover, bar.info, bar.resume, bar.turn, bar.share, bar.close,
                    element("span", { "class": "gp-bar__break" }), bar.back, bar.play, bar.ahead, bar.clock,
                    bar.seek, bar.speed, bar.note);
    document.body.appendChild(bar.root);
    this.bar = bar;
    this.bindBar();
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        if (!bar.root.hidden) document.body.style.setProperty("--gp-bar-height", bar.root.offsetHeight + "px");
      }).observe(bar.root);
    }
  };

  Dock.prototype.bindBar = function () {
    var self = this, bar = this.bar;
    bar.play.addEventListener("click", function () { self.toggle(); });
    bar.back.addEventListener("click", function () { self.skip(-SKIP_BACK); });
    bar.ahead.addEventListener("click", function () { self.skip(SKIP_AHEAD); });
    bar.seek.addEventListener("input", function () { self.seek(parseFloat(bar.seek.value), false); });
    bar.speed.addEventListener("click", function () {
      self.setSpeed(SPEEDS[(SPEEDS.indexOf(self.audio.playbackRate) + 1) % SPEEDS.length]);
    });
    bar.resume.addEventListener("click", function () { self.resume(); });
    bar.turn.addEventListener("click", function () { if (self.page) self.page.backToTurn(); });
    bar.share.addEventListener("click", function () {
      share(self.episode.url, self.audio.currentTime, bar.note);
    });
    bar.close.addEventListener("click", function () { self.close(); });
  };

  Dock.prototype.showEpisode = function () {
    var bar = this.bar, episode = this.episode;
    bar.title.textContent = episode.title;
    if (episode.url) bar.title.href = episode.url; else bar.title.removeAttribute("href");
    bar.cover.hidden = !episode.image;
    if (episode.image) bar.cover.src = episode.image;
  };

  /* Share from here: the episode page's address at this second ----------------------------- */

  function shareLink(url, seconds) {
    return url.split("#")[0] + "#t=" + Math.floor(seconds || 0);
  }

  /* Copy it; where the clipboard cannot be used, show it selected, ready to copy by hand. */
  function share(url, seconds, note) {
    var link = shareLink(url, seconds);
    var done = function () {
      note.textContent = labels.copied || "Link copied";
      clearTimeout(note.timer);
      note.timer = setTimeout(function () { note.textContent = ""; }, 4000);
    };
    var byHand = function () {
      clearTimeout(note.timer);
      var field = element("input", { "type": "text", "readonly": "", "class": "gp-share-link", "value": link,
                                     "aria-label": labels.copy_by_hand || "Copy this link:" });
      note.textContent = labels.copy_by_hand || "Copy this link:";
      note.appendChild(field);
      field.focus();
      field.select();
      field.addEventListener("blur", function () {
        note.timer = setTimeout(function () { note.textContent = ""; }, 1500);
      });
    };
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext) {
      navigator.clipboard.writeText(link).then(done, byHand);
    } else {
      byHand();
    }
  }

  /* Media Session: what the lock screen and the headphones' buttons see --------------------- */

  function describeForSystem(episode) {
    if (!("mediaSession" in navigator) || typeof window.MediaMetadata !== "function") return;
    navigator.mediaSession.metadata = new window.MediaMetadata({
      title: episode.title, artist: episode.show, album: episode.show,
      artwork: episode.image ? [{ src: episode.image }] : []
    });
  }

  function tellSystemPosition(audio, duration) {
    if (!("mediaSession" in navigator) || !navigator.mediaSession.setPositionState || !(duration > 0)) return;
    try {
      navigator.mediaSession.setPositionState({ duration: duration, playbackRate: audio.playbackRate,
                                                position: Math.min(audio.currentTime, duration) });
    } catch (error) { /* a position past a changing duration: told again on the next update */ }
  }

  function handleSystemActions(dock) {
    if (!("mediaSession" in navigator)) return;
    var actions = {
      play: function () { dock.play(); },
      pause: function () { dock.audio.pause(); },
      seekbackward: function (details) { dock.skip(-(details.seekOffset || SKIP_BACK)); },
      seekforward: function (details) { dock.skip(details.seekOffset || SKIP_AHEAD); },
      seekto: function (details) { dock.seek(details.seekTime, false); }
    };
    Object.keys(actions).forEach(function (name) {
      try {
        navigator.mediaSession.setActionHandler(name, function (details) { if (dock.audio) actions[name](details); });
      } catch (error) { /* an action this browser does not know */ }
    });
  }

  /* Keyboard: Space or K plays and pauses, ← or J goes back, → or L ahead --------------------- */

  var TYPING = "input, textarea, select, [contenteditable]:not([contenteditable='false'])";
  var PRESSABLE = "button, a[href], summary, [role='button'], [role='link'], [role='checkbox'], [role='tab']";
  var KEYS = {
    " ": function (dock) { dock.toggle(); }, "k": function (dock) { dock.toggle(); },
    "ArrowLeft": function (dock) { dock.skip(-SKIP_BACK); }, "j": function (dock) { dock.skip(-SKIP_BACK); },
    "ArrowRight": function (dock) { dock.skip(SKIP_AHEAD); }, "l": function (dock) { dock.skip(SKIP_AHEAD); }
  };

  function onKey(dock, event) {
    var key = event.key && event.key.length === 1 ? event.key.toLowerCase() : event.key;
    if (!KEYS[key] || event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.shiftKey) return;
    if (!dock.active()) return;
    var target = event.target instanceof Element ? event.target : null;
    if (target && (target.isContentEditable || target.closest(TYPING))) return;
    if (key === " " && target && target.closest(PRESSABLE)) return;  /* Space presses what has the focus */
    event.preventDefault();
    KEYS[key](dock);
  }

  /* Play buttons on episode cards ---------------------------------------------------------------- */

  function onCardPlay(dock, event) {
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    var trigger = event.target instanceof Element ? event.target.closest("[data-podcast-play]") : null;
    if (!trigger) return;
    var episode;
    try { episode = episodeFrom(JSON.parse(trigger.getAttribute("data-podcast-play"))); } catch (error) { return; }
    if (!episode) return;  /* unreadable: the link keeps its job */
    /* Stopped here, in the capture phase: mkdocs-material listens on <body> and would navigate. */
    event.preventDefault();
    event.stopPropagation();
    if (dock.isCurrent(episode.src)) dock.toggle(); else dock.load(episode, { play: true });
  }

  var dock = new Dock();
  handleSystemActions(dock);
  document.addEventListener("keydown", function (event) { onKey(dock, event); });
  document.addEventListener("click", function (event) { onCardPlay(dock, event); }, true);

  window.podcastDock = dock;
  dock.util = { clock: clock, element: element, format: format, positionText: positionText,
                episodeFrom: episodeFrom, share: share, icon: icon, labels: labels, SPEEDS: SPEEDS };
}());
