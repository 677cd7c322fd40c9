/* The analysis as tabs, one per aspect in the file's order, as the reference page shows it. The page
   holds headings and texts (what reads without scripts, and what search indexes); this turns them into
   a tab list with the keyboard of the WAI-ARIA tabs pattern: arrows, Home and End move and select. */

import { element } from "./dom.js";
import { onEveryPage } from "./start.js";

function select(tabs, panels, index, focus) {
  tabs.forEach((tab, i) => {
    const chosen = i === index;
    tab.setAttribute("aria-selected", String(chosen));
    tab.tabIndex = chosen ? 0 : -1;
    panels[i].hidden = !chosen;
  });
  if (focus) tabs[index].focus();
}

function onKey(event, tabs, panels) {
  const index = tabs.indexOf(event.target);
  const next = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1,
                 Home: 0, End: tabs.length - 1 }[event.key];
  if (next === undefined || index < 0) return;
  event.preventDefault();
  select(tabs, panels, (next + tabs.length) % tabs.length, true);
}

export function makeTabs(root) {
  if (root.querySelector("[role=tablist]")) return;
  const panels = Array.from(root.querySelectorAll(":scope > .gp-aspect"));
  if (panels.length < 2) return;
  const list = element("div", { "role": "tablist", "class": "gp-tablist",
                                "aria-labelledby": "analysis" });
  const tabs = panels.map((panel, i) => {
    const heading = panel.querySelector(".gp-aspect-name");
    const tab = element("button", { "type": "button", "role": "tab", "class": "gp-tab", "id": panel.id + "-tab",
                                    "aria-controls": panel.id }, heading.textContent);
    if (heading.lang) tab.lang = heading.lang;
    heading.hidden = true;
    panel.setAttribute("role", "tabpanel");
    panel.setAttribute("aria-labelledby", tab.id);
    panel.tabIndex = 0;
    tab.addEventListener("click", () => select(tabs, panels, i, false));
    list.appendChild(tab);
    return tab;
  });
  list.addEventListener("keydown", (event) => onKey(event, tabs, panels));
  root.insertBefore(list, panels[0]);
  root.classList.add("gp-aspects--tabs");
  /* A link to one aspect (#aspect-3) opens its tab. */
  const wanted = panels.findIndex((panel) => "#" + panel.id === window.location.hash);
  select(tabs, panels, Math.max(0, wanted), false);
}

onEveryPage(() => {
  for (const root of document.querySelectorAll(".gp-aspects")) makeTabs(root);
});
