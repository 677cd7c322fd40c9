/* What the browser keeps between visits: each episode's position and the listening speed.
   The store is handed in (the page's localStorage, or null where privacy settings refuse it). */

import { SPEEDS } from "./util.js";

export const KEEP_AFTER = 5;  /* seconds: a position nearer the start or the end is not worth keeping */
const POSITION_KEY = "podcast-position:", SPEED_KEY = "podcast-speed", RECENT_KEY = "podcast-recent";
const RECENT = 10;  /* episodes remembered for "continue listening" */

export function browserStorage() {
  try { return window.localStorage; } catch { return null; }  /* refused (privacy settings) */
}

/* The kept position of the episode at `src`; NaN when there is none. */
/* A kept position, or NaN: one that is not a finite time (a stored "Infinity" would offer "Infinity:NaN:NaN"),
   or that lies past the episode's end when its length is known. */
export function savedPosition(store, src, duration = 0) {
  let value = NaN;
  try { value = store ? Number(store.getItem(POSITION_KEY + src)) : NaN; } catch { /* storage refused */ }
  return Number.isFinite(value) && value > 0 && !(duration > 0 && value >= duration) ? value : NaN;
}

export function savePosition(store, src, seconds, duration) {
  if (!store || !src) return;
  try {
    if (seconds < KEEP_AFTER || (duration > 0 && seconds > duration - KEEP_AFTER)) store.removeItem(POSITION_KEY + src);
    else store.setItem(POSITION_KEY + src, (Math.floor(seconds * 10) / 10).toFixed(1));  /* never past it */
  } catch { /* storage full: a kept position is a convenience */ }
}

/* The speed last chosen, when it is one the player offers; else 1. */
export function savedSpeed(store) {
  const value = store ? parseFloat(store.getItem(SPEED_KEY)) : NaN;
  return SPEEDS.includes(value) ? value : 1;
}

export function saveSpeed(store, rate) {
  try { if (store) store.setItem(SPEED_KEY, String(rate)); } catch { /* not kept: fine */ }
}

/* The episodes listened to lately, newest first, as the player knows them (addresses absolute): what the
   home page's "continue listening" offers, for those whose position is kept. */
export function rememberListening(store, episode) {
  if (!store || !episode || !episode.src) return;
  const kept = { src: episode.src, title: episode.title, url: episode.url, image: episode.image, show: episode.show,
                 duration: episode.duration, chaptersUrl: episode.chaptersUrl };
  try {
    const list = recent(store).filter((item) => item.src !== episode.src);
    store.setItem(RECENT_KEY, JSON.stringify([kept, ...list].slice(0, RECENT)));
  } catch { /* storage full or refused */ }
}

export function inProgress(store) {
  return recent(store).map((episode) => ({ episode, at: savedPosition(store, episode.src, episode.duration) }))
    .filter((item) => !isNaN(item.at));
}

function recent(store) {
  try {
    const list = JSON.parse((store && store.getItem(RECENT_KEY)) || "[]");
    return Array.isArray(list) ? list.filter((item) => item && typeof item.src === "string") : [];
  } catch { return []; }
}
