/* The home page's list of episodes in progress: those the browser kept a position for, newest listening
   first, each a button that plays on from there in the player bar. */

import { dock } from "./bar.js";
import { element } from "./dom.js";
import { browserStorage, inProgress } from "./positions.js";
import * as site from "./site-data.js";
import { onEveryPage } from "./start.js";
import { clock, format } from "./util.js";

const SHOWN = 3;

function fill(section) {
  const list = section.querySelector(".gp-continue-list");
  const items = inProgress(browserStorage()).slice(0, SHOWN);
  list.replaceChildren(...items.map(({ episode, at }) => {
    const button = element("button", { "type": "button", "class": "gp-continue-play" },
                           format(site.labels.resume, { time: clock(at) }));
    button.addEventListener("click", () => dock.load({ ...episode, chapters: null, next: null }, { at, play: true }));
    const title = element("a", { "class": "gp-continue-title", "href": episode.url }, episode.title);
    const item = element("li", { "class": "gp-continue-item" });
    item.append(title, button);
    return item;
  }));
  section.hidden = items.length === 0;
}

onEveryPage(() => {
  const section = document.querySelector(".gp-continue");
  if (section) fill(section);
});
