// The player's pure helpers (assets/util.js).
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  SPEEDS, chaptersFrom, clock, episodeFrom, format, hashTime, indexAt, keyCommand, nextSpeed, parseTime,
  positionText, resolve, sectionAt, shareLink, spokenTime
} from "../../site_plugins/podcast/render/assets/util.js";

const LABELS = { spoken_time: "{minutes} min {seconds} s", spoken_time_hours: "{hours} h {minutes} min {seconds} s",
                 position_of: "{position} of {duration}" };
const PAGE = "https://pod.example.org/show/episodes/ep/";
const SITE = { cover: "https://pod.example.org/show/cover.jpg", show: "The Show" };

test("clock writes minutes and seconds, and hours only when there are some", () => {
  assert.equal(clock(0), "00:00");
  assert.equal(clock(65.9), "01:05");
  assert.equal(clock(3599), "59:59");
  assert.equal(clock(3725), "1:02:05");
  assert.equal(clock(36000 + 600), "10:10:00");
  assert.equal(clock(-3), "00:00");
  assert.equal(clock(NaN), "00:00");
  assert.equal(clock(undefined), "00:00");
});

test("format fills the names it has and leaves the others", () => {
  assert.equal(format("Resume at {time}", { time: "01:05" }), "Resume at 01:05");
  assert.equal(format("{a} {b} {a}", { a: 1 }), "1 {b} 1");
  assert.equal(format("{count} results", { count: 0 }), "0 results");
});

test("a slider's value is spoken in the page's words", () => {
  assert.equal(spokenTime(LABELS, 65), "1 min 05 s");
  assert.equal(spokenTime(LABELS, 3725), "1 h 2 min 05 s");
  assert.equal(positionText(LABELS, 5, 125), "0 min 05 s of 2 min 05 s");
  const zh = { spoken_time: "{minutes} 分 {seconds} 秒", position_of: "{position} / {duration}" };
  assert.equal(positionText(zh, 61, 62), "1 分 01 秒 / 1 分 02 秒");
});

test("times are read in seconds, minutes:seconds and hours:minutes:seconds", () => {
  assert.equal(parseTime("83"), 83);
  assert.equal(parseTime("83.5"), 83.5);
  assert.equal(parseTime("01:23"), 83);
  assert.equal(parseTime("1:02:03"), 3723);
  for (const bad of ["", "1:2:3:4", "1:234", "abc", "-5", "1e3", "01:23x", "9".repeat(400)]) {
    assert.ok(Number.isNaN(parseTime(bad)), bad);
  }
});

test("a #t= hash names a time, alone or among other parameters", () => {
  assert.equal(hashTime("#t=95"), 95);
  assert.equal(hashTime("#t=01:35"), 95);
  assert.equal(hashTime("#t=01%3A35"), 95);
  assert.equal(hashTime("#x=1&t=12.5"), 12.5);
  for (const none of ["", "#", "#t7", "#start=5", "#t=soon", "#t=%E0%A4%A"]) assert.ok(Number.isNaN(hashTime(none)), none);
});

test("addresses are made absolute against the page, and unreadable ones are dropped", () => {
  assert.equal(resolve("../../audio/ep.mp3", PAGE), "https://pod.example.org/show/audio/ep.mp3");
  assert.equal(resolve("https://cdn.example.net/ep.mp3", PAGE), "https://cdn.example.net/ep.mp3");
  assert.equal(resolve("", PAGE), "");
  assert.equal(resolve(null, PAGE), "");
  assert.equal(resolve("x", "not a url"), "");
});

test("a shared link is the page at the whole second, whatever hash it had", () => {
  assert.equal(shareLink(PAGE, 95.8), PAGE + "#t=95");
  assert.equal(shareLink(PAGE + "#t=3", 0), PAGE + "#t=0");
});

test("the speed button goes round the speeds", () => {
  assert.deepEqual(SPEEDS.map(nextSpeed), [1, 1.25, 1.5, 1.75, 2, 0.75]);
  assert.equal(nextSpeed(3), 0.75);
});

test("an episode's play data becomes absolute addresses, with the site's cover and show by default", () => {
  const card = { src: "../../audio/ep.mp3", title: "Ep", url: "../ep/", image: "", show: "",
                 chaptersUrl: "../ep/chapters.json" };
  const base = "https://pod.example.org/show/tag/x/";
  assert.deepEqual(episodeFrom(card, base, SITE), {
    src: "https://pod.example.org/show/audio/ep.mp3", title: "Ep", url: "https://pod.example.org/show/tag/ep/",
    image: SITE.cover, thumb: "", show: "The Show", duration: 0, chapters: null,
    chaptersUrl: "https://pod.example.org/show/tag/ep/chapters.json", next: null
  });
  const own = episodeFrom({ ...card, image: "cover.png", show: "Guest Show", duration: "61.5" }, base, SITE);
  assert.equal(own.image, base + "cover.png");
  /* The bar's small picture, when the card names one. */
  assert.equal(episodeFrom({ ...card, thumb: "../../thumbs/a-192.jpg" }, base, SITE).thumb,
               "https://pod.example.org/show/thumbs/a-192.jpg");
  assert.equal(own.show, "Guest Show");
  assert.equal(own.duration, 61.5);
  /* The next newer episode ("up next") comes along, its addresses made absolute too. */
  const chained = episodeFrom({ ...card, next: { ...card, src: "../../audio/later.mp3", next: { src: "x.mp3" } } },
                              base, SITE);
  assert.equal(chained.next.src, "https://pod.example.org/show/audio/later.mp3");
  assert.equal(chained.next.next.src, base + "x.mp3");
});

test("without a chapters file named, the episode has none to fetch: no address is guessed", () => {
  const episode = episodeFrom({ src: "ep.mp3", url: "./" }, PAGE, SITE);
  assert.equal(episode.chaptersUrl, "");
  assert.equal(episode.chapters, null);
});

test("play data without audio is no episode", () => {
  assert.equal(episodeFrom(null, PAGE, SITE), null);
  assert.equal(episodeFrom({ title: "no src" }, PAGE, SITE), null);
  assert.equal(episodeFrom({ src: "x" }, "not a url", SITE), null);
});

test("a chapters file's chapters, and the one playing at a time", () => {
  const file = { version: "1.2.0", chapters: [{ startTime: 0, endTime: 9, title: "Intro" },
                                              { startTime: 9.5, title: "Core Event" }, { title: "no start" }] };
  const chapters = chaptersFrom(file);
  assert.deepEqual(chapters, [{ name: "Intro", start: 0 }, { name: "Core Event", start: 9.5 }]);
  assert.equal(sectionAt(chapters, 0), "Intro");
  assert.equal(sectionAt(chapters, 9.4995), "Core Event", "a thousandth early still counts");
  assert.equal(sectionAt(chapters, 9.4), "Intro");
  assert.equal(sectionAt([{ name: "Late", start: 5 }], 1), "");
  assert.equal(sectionAt(null, 5), "");
  assert.equal(chaptersFrom(null), null);
  assert.equal(chaptersFrom({ version: "1.2.0" }), null);
});

test("the turn at a time is the last that starts at or before it", () => {
  const starts = [0, 2.5, 5, 7.5];
  assert.equal(indexAt(starts, 0), 0);
  assert.equal(indexAt(starts, 2.4), 0);
  assert.equal(indexAt(starts, 2.5), 1);
  assert.equal(indexAt(starts, 100), 3);
  assert.equal(indexAt([1, 2], 0.5), -1);
  assert.equal(indexAt([], 3), -1);
});

test("keys play, go back and ahead, but never with a modifier held", () => {
  const key = (k, extra = {}) => keyCommand({ key: k, ...extra });
  assert.deepEqual([" ", "k", "K", "ArrowLeft", "j", "ArrowRight", "l"].map((k) => key(k)),
                   ["toggle", "toggle", "toggle", "back", "back", "ahead", "ahead"]);
  for (const modifier of ["ctrlKey", "metaKey", "altKey", "shiftKey"]) assert.equal(key("k", { [modifier]: true }), "");
  assert.equal(key("x"), "");
  assert.equal(key("ArrowUp"), "");
  assert.equal(key("constructor"), "");
  assert.equal(keyCommand({}), "");
});
