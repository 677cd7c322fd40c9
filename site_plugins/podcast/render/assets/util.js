/* The player's pure helpers: no page, no browser state, so `node --test` checks each of them. */

export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
export const SKIP_BACK = 15;
export const SKIP_AHEAD = 30;

/* 65 -> "01:05", 3725 -> "1:02:05". */
export function clock(seconds) {
  const whole = Math.max(0, Math.floor(seconds || 0));
  const h = Math.floor(whole / 3600), m = Math.floor((whole % 3600) / 60), s = whole % 60;
  const mm = (h && m < 10 ? "0" : "") + m;
  return (h ? h + ":" : "") + mm.padStart(2, "0") + ":" + String(s).padStart(2, "0");
}

/* ("At {time}", {time: "01:05"}) -> "At 01:05"; a name without a value stays as it is. */
export function format(template, values) {
  return String(template).replace(/\{(\w+)\}/g, (all, name) => (name in values ? values[name] : all));
}

/* "1 分 05 秒": what a screen reader says for a slider's value, rather than "65". */
export function spokenTime(labels, seconds) {
  const whole = Math.max(0, Math.floor(seconds || 0));
  const values = { hours: Math.floor(whole / 3600), minutes: Math.floor((whole % 3600) / 60),
                   seconds: String(whole % 60).padStart(2, "0") };
  return format(values.hours ? labels.spoken_time_hours : labels.spoken_time, values);
}

export function positionText(labels, now, duration) {
  return format(labels.position_of, { position: spokenTime(labels, now), duration: spokenTime(labels, duration) });
}

/* "83", "83.5", "01:23", "1:02:03" -> seconds; NaN when it is none of these, or too large to be a time. */
export function parseTime(text) {
  if (!/^\d+(:\d{1,2}){0,2}(\.\d+)?$/.test(text)) return NaN;
  const seconds = text.split(":").reduce((total, part) => total * 60 + parseFloat(part), 0);
  return Number.isFinite(seconds) ? seconds : NaN;
}

/* The time a location's hash points at ("#t=95", "#t=01:35", "#x&t=95"); NaN when it names none. */
export function hashTime(hash) {
  const match = /(?:^#|&)t=([^&]+)/.exec(hash || "");
  if (!match) return NaN;
  try { return parseTime(decodeURIComponent(match[1])); } catch { return NaN; }
}

/* `url` made absolute against `base`; "" when there is none or it cannot be read. */
export function resolve(url, base) {
  try { return url ? new URL(url, base).href : ""; } catch { return ""; }
}

/* The page's address at `seconds`: what "share from here" hands on. */
export function shareLink(url, seconds) {
  return url.split("#")[0] + "#t=" + Math.floor(seconds || 0);
}

/* The speed after `rate` in the speed button's cycle. */
export function nextSpeed(rate) {
  return SPEEDS[(SPEEDS.indexOf(rate) + 1) % SPEEDS.length];
}

/* An episode as the player knows it, from its play data (a card's `data-podcast-play`, or the page's
   player): addresses made absolute against the page's `base`, so that it outlives that page; the
   site's cover and show when it names none. No chapters file named: no chapters. */
export function episodeFrom(data, base, site) {
  if (!data || !data.src) return null;
  const src = resolve(data.src, base);
  if (!src) return null;
  return { src, title: data.title || "", url: resolve(data.url, base),
           image: resolve(data.image, base) || site.cover || "", thumb: resolve(data.thumb, base) || "",
           show: data.show || site.show || "",
           duration: parseFloat(data.duration) || 0, chapters: data.chapters || null,
           chaptersUrl: resolve(data.chaptersUrl, base),
           next: data.next ? episodeFrom(data.next, base, site) : null };
}

/* The chapters of a Podcasting 2.0 chapters file (JSON); null when it holds none. */
export function chaptersFrom(json) {
  if (!json || !Array.isArray(json.chapters)) return null;
  return json.chapters.filter((c) => typeof c.startTime === "number")
    .map((c) => ({ name: String(c.title || ""), start: c.startTime }));
}

/* The name of the chapter being played at `seconds` ("" before the first). */
export function sectionAt(chapters, seconds) {
  let name = "";
  for (const chapter of chapters || []) if (chapter.start <= seconds + 0.001) name = chapter.name;
  return name;
}

/* Index of the last of the sorted `starts` at or before `now`; -1 when `now` is before them all. */
export function indexAt(starts, now) {
  let low = 0, high = starts.length - 1, found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (starts[middle] <= now + 0.001) { found = middle; low = middle + 1; } else { high = middle - 1; }
  }
  return found;
}

/* What a key press asks of the player, or "" (Space or K plays and pauses, ← or J goes back, → or L
   ahead). With a modifier held, the key is the browser's or the system's. */
const KEYS = { " ": "toggle", "k": "toggle", "ArrowLeft": "back", "j": "back", "ArrowRight": "ahead", "l": "ahead" };

export function keyCommand(event) {
  if (event.ctrlKey || event.metaKey || event.altKey || event.shiftKey || !event.key) return "";
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  return Object.hasOwn(KEYS, key) ? KEYS[key] : "";
}
