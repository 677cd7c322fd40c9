/* Media Session: what the lock screen, the notification and the headphones' buttons see and do. */

import { SKIP_AHEAD, SKIP_BACK } from "./util.js";

const supported = () => "mediaSession" in navigator;

export function describeForSystem(episode) {
  if (!supported() || typeof window.MediaMetadata !== "function") return;
  navigator.mediaSession.metadata = new window.MediaMetadata({
    title: episode.title, artist: episode.show, album: episode.show,
    artwork: episode.image ? [{ src: episode.image }] : []
  });
}

export function tellSystemPosition(audio, duration) {
  if (!supported() || !navigator.mediaSession.setPositionState || !(duration > 0)) return;
  try {
    navigator.mediaSession.setPositionState({ duration, playbackRate: audio.playbackRate,
                                              position: Math.min(audio.currentTime, duration) });
  } catch { /* a position past a changing duration: told again on the next update */ }
}

/* The system's buttons act on the dock's audio; its play and pause show there. */
export function handleSystemActions(dock) {
  if (!supported()) return;
  const actions = {
    play: () => dock.play(),
    pause: () => dock.audio.pause(),
    seekbackward: (details) => dock.skip(-(details.seekOffset || SKIP_BACK)),
    seekforward: (details) => dock.skip(details.seekOffset || SKIP_AHEAD),
    seekto: (details) => dock.seek(details.seekTime, false)
  };
  for (const [name, action] of Object.entries(actions)) {
    try {
      navigator.mediaSession.setActionHandler(name, (details) => { if (dock.audio) action(details); });
    } catch { /* an action this browser does not know */ }
  }
}

export function showPlaybackState(audio) {
  if (!supported()) return;
  audio.addEventListener("play", () => { navigator.mediaSession.playbackState = "playing"; });
  audio.addEventListener("pause", () => { navigator.mediaSession.playbackState = "paused"; });
}
