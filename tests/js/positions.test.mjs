// What the browser keeps between visits (assets/positions.js), with a store that acts as localStorage.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  KEEP_AFTER, savePosition, saveSpeed, savedPosition, savedSpeed
} from "../../site_plugins/podcast/render/assets/positions.js";

class Store {
  constructor(full = false) { this.items = new Map(); this.full = full; }
  getItem(key) { return this.items.has(key) ? this.items.get(key) : null; }
  setItem(key, value) {
    if (this.full) throw new Error("QuotaExceededError");
    this.items.set(key, String(value));
  }
  removeItem(key) { this.items.delete(key); }
}

test("a position is kept per episode, to the tenth of a second, never past where the listener was", () => {
  const store = new Store();
  savePosition(store, "a.mp3", 83.456, 600);
  savePosition(store, "b.mp3", 12, 600);
  savePosition(store, "c.mp3", 31.96, 600);  // offered as 00:31, the second it was in, not 00:32
  assert.equal(savedPosition(store, "a.mp3"), 83.4);
  assert.equal(savedPosition(store, "b.mp3"), 12);
  assert.equal(savedPosition(store, "c.mp3"), 31.9);
  assert.ok(Number.isNaN(savedPosition(store, "d.mp3")));
});

test("a position near the start or the end is forgotten, not kept", () => {
  const store = new Store();
  savePosition(store, "a.mp3", 83, 600);
  savePosition(store, "a.mp3", KEEP_AFTER - 1, 600);
  assert.ok(Number.isNaN(savedPosition(store, "a.mp3")));
  savePosition(store, "a.mp3", 83, 600);
  savePosition(store, "a.mp3", 600 - KEEP_AFTER + 1, 600);
  assert.ok(Number.isNaN(savedPosition(store, "a.mp3")));
  savePosition(store, "a.mp3", 700, 0);  // a length not known yet: only the start counts
  assert.equal(savedPosition(store, "a.mp3"), 700);
});

test("no store, a full store or a refused one: nothing kept and nothing thrown", () => {
  savePosition(null, "a.mp3", 83, 600);
  assert.ok(Number.isNaN(savedPosition(null, "a.mp3")));
  const full = new Store(true);
  savePosition(full, "a.mp3", 83, 600);
  saveSpeed(full, 1.5);
  assert.equal(savedSpeed(full), 1);
  const store = new Store();
  savePosition(store, "", 83, 600);
  assert.equal(store.items.size, 0);
  store.setItem("podcast-position:x.mp3", "garbage");
  assert.ok(Number.isNaN(savedPosition(store, "x.mp3")));
});

test("the speed is kept when it is one the player offers", () => {
  const store = new Store();
  assert.equal(savedSpeed(store), 1);
  saveSpeed(store, 1.75);
  assert.equal(savedSpeed(store), 1.75);
  store.setItem("podcast-speed", "16");
  assert.equal(savedSpeed(store), 1);
  assert.equal(savedSpeed(null), 1);
});

test("a kept position that is not a finite time within the episode is not offered", () => {
  const store = new Store();
  for (const bad of ["Infinity", "-Infinity", "NaN", "1e400", "12abc", "-5", ""]) {
    store.setItem("podcast-position:" + "x.mp3", bad);
    assert.ok(Number.isNaN(savedPosition(store, "x.mp3")), bad);
  }
  store.setItem("podcast-position:" + "x.mp3", "700");
  assert.ok(Number.isNaN(savedPosition(store, "x.mp3", 600)), "past the end of a 600 s episode");
  assert.equal(savedPosition(store, "x.mp3", 800), 700);
});
