/* What happens after now: a sleep timer (15, 30 or 60 minutes, or the end of the episode) and "up next",
   which offers the next newer episode when one ends and plays it after a short countdown, one tap to
   cancel. Both live in the player bar (bar.js). Timers run on the wall clock, as a listener expects. */

import { element } from "./dom.js";
import { clock, format } from "./util.js";

const STEPS = [0, 15, 30, 60, "end"];
const COUNTDOWN = 10;  /* seconds before the next episode plays */

export class SleepTimer {
  constructor(dock, button, labels) {
    this.dock = dock;
    this.button = button;
    this.labels = labels;
    this.step = 0;
    this.deadline = 0;
    this.ticker = 0;
    button.addEventListener("click", () => this.set((this.step + 1) % STEPS.length));
    this.show();
  }

  get mode() {
    return STEPS[this.step];
  }

  set(step) {
    this.step = step;
    clearInterval(this.ticker);
    this.ticker = 0;
    if (typeof this.mode === "number" && this.mode > 0) {
      this.deadline = Date.now() + this.mode * 60000;
      this.ticker = setInterval(() => this.tick(), 1000);
    }
    this.show();
  }

  tick() {
    if (Date.now() < this.deadline) { this.show(); return; }
    this.dock.audio.pause();
    this.set(0);
  }

  /* At an episode's end: true when the timer stops the listening there (and it is then off). */
  endsHere() {
    if (this.mode !== "end") return false;
    this.set(0);
    return true;
  }

  show() {
    const mode = this.mode, labels = this.labels;
    let label = labels.sleep_off, text = "";
    if (mode === "end") {
      label = labels.sleep_end;
      text = "∎";
    } else if (mode) {
      const left = Math.max(0, Math.ceil((this.deadline - Date.now()) / 1000));  /* 15:00 at the start, not 14:59 */
      label = format(labels.sleep_in, { time: clock(left) });
      text = clock(left);
    }
    this.button.setAttribute("aria-label", label);
    this.button.title = label;
    this.button.setAttribute("aria-pressed", String(mode !== 0));
    this.button.querySelector(".gp-bar__word").textContent = text;
  }
}

export class UpNext {
  constructor(dock, labels) {
    this.dock = dock;
    this.labels = labels;
    this.next = null;
    this.left = 0;
    this.ticker = 0;
    this.root = element("div", { "class": "gp-bar__next", "role": "status" });
    this.play = element("button", { "type": "button", "class": "gp-bar__next-play" });
    this.cancel = element("button", { "type": "button", "class": "gp-bar__next-cancel" }, labels.cancel);
    this.root.append(this.play, this.cancel);
    this.root.hidden = true;
    this.play.addEventListener("click", () => this.take());
    this.cancel.addEventListener("click", () => this.clear());
  }

  offer(next) {
    this.clear();
    this.next = next;
    this.left = COUNTDOWN;
    this.root.hidden = false;
    this.show();
    this.ticker = setInterval(() => {
      this.left -= 1;
      if (this.left <= 0) this.take(); else this.show();
    }, 1000);
  }

  take() {
    const next = this.next;
    this.clear();
    if (next) this.dock.load(next, { play: true });
  }

  clear() {
    clearInterval(this.ticker);
    this.ticker = 0;
    this.next = null;
    this.root.hidden = true;
  }

  show() {
    this.play.textContent = format(this.labels.up_next, { title: this.next.title }) + " · " +
      format(this.labels.up_next_in, { seconds: this.left });
  }
}
