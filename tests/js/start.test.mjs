// The start-up helper (assets/start.js): set-up on the first page and on each one instant navigation shows.
import assert from "node:assert/strict";
import { afterEach, test } from "node:test";

import { onEveryPage } from "../../site_plugins/podcast/render/assets/start.js";

function fakePage({ readyState = "complete", document$ } = {}) {
  const listeners = [];
  globalThis.window = document$ ? { document$ } : {};
  globalThis.document = { readyState, addEventListener: (name, fn) => listeners.push([name, fn]) };
  return listeners;
}

afterEach(() => { delete globalThis.window; delete globalThis.document; });

test("with the theme's document$, set-up runs on each page it announces", () => {
  const subscribers = [];
  fakePage({ readyState: "loading", document$: { subscribe: (fn) => subscribers.push(fn) } });
  let runs = 0;
  onEveryPage(() => { runs += 1; });
  assert.equal(runs, 0);
  subscribers.forEach((fn) => fn({}));
  subscribers.forEach((fn) => fn({}));
  assert.equal(runs, 2);
});

test("without it, set-up runs once the document is read", () => {
  const listeners = fakePage({ readyState: "loading" });
  let runs = 0;
  onEveryPage(() => { runs += 1; });
  assert.equal(runs, 0);
  assert.deepEqual(listeners.map(([name]) => name), ["DOMContentLoaded"]);
  listeners[0][1]();
  assert.equal(runs, 1);
});

test("without it, on a document already read, set-up runs at once", () => {
  fakePage({ readyState: "interactive", document$: { notObservable: true } });
  let runs = 0;
  onEveryPage(() => { runs += 1; });
  assert.equal(runs, 1);
});
