/* Find in the transcript: the box above it marks every turn that holds the words (any case; Chinese
   needs no spaces) and steps through them with Enter, Shift+Enter or its arrows, bringing each into
   view. The words themselves are painted with the CSS Custom Highlight API where the browser has it;
   the turns are marked in every browser. */

import { format } from "./util.js";
import { onEveryPage } from "./start.js";

const HIGHLIGHT = "gp-find";

function rangesIn(node, needle) {
  const ranges = [];
  const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const haystack = text.data.toLocaleLowerCase();
    for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
      const range = new Range();
      range.setStart(text, at);
      range.setEnd(text, at + needle.length);
      ranges.push(range);
    }
  }
  return ranges;
}

class Finder {
  constructor(form) {
    this.form = form;
    this.input = form.querySelector(".gp-find-input");
    this.status = form.querySelector(".gp-find-status");
    this.turns = Array.from(document.querySelectorAll(".gp-transcript .gp-turn"));
    this.found = [];
    this.at = -1;
    this.input.addEventListener("input", () => this.search());
    this.input.addEventListener("keydown", (event) => {
      if (event.key !== "Enter") return;
      event.preventDefault();
      this.step(event.shiftKey ? -1 : 1);
    });
    form.querySelector(".gp-find-next").addEventListener("click", () => this.step(1));
    form.querySelector(".gp-find-previous").addEventListener("click", () => this.step(-1));
    form.addEventListener("submit", (event) => event.preventDefault());
  }

  search() {
    const needle = this.input.value.trim().toLocaleLowerCase();
    for (const turn of this.found) turn.classList.remove("gp-found", "gp-found-current");
    const ranges = [];
    this.found = needle ? this.turns.filter((turn) => {
      const text = turn.querySelector(".gp-text");
      const inTurn = text ? rangesIn(text, needle) : [];
      ranges.push(...inTurn);
      return inTurn.length > 0;
    }) : [];
    for (const turn of this.found) turn.classList.add("gp-found");
    if (window.CSS && CSS.highlights && typeof Highlight === "function") {
      CSS.highlights.set(HIGHLIGHT, new Highlight(...ranges));
    }
    this.at = -1;
    if (this.found.length) this.step(1);
    else this.status.textContent = needle ? this.form.getAttribute("data-none") : "";
  }

  step(direction) {
    if (!this.found.length) return;
    if (this.at >= 0) this.found[this.at].classList.remove("gp-found-current");
    this.at = (this.at + direction + this.found.length) % this.found.length;
    const turn = this.found[this.at];
    turn.classList.add("gp-found-current");
    turn.scrollIntoView({ block: "center" });  /* clear of the box, which stays at the top */
    this.status.textContent = format(this.form.getAttribute("data-count"),
                                     { n: this.at + 1, total: this.found.length });
  }
}

onEveryPage(() => {
  const form = document.querySelector("form.gp-find");
  if (form && !form.dataset.ready) { form.dataset.ready = "1"; new Finder(form); }
});
