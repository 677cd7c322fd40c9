// Search's pure part (assets/terms.js). That its terms and hashes are render/search.py's own is
// checked against the Python code by tests/test_javascript.py.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  decodePosting, excerptOf, fnv1a, normalize, queryTerms, rank, shardOf
} from "../../site_plugins/podcast/render/assets/terms.js";

test("FNV-1a gives the published test vectors", () => {
  assert.equal(fnv1a(""), 0x811c9dc5);
  assert.equal(fnv1a("a"), 0xe40c292c);
  assert.equal(fnv1a("foobar"), 0xbf9cf968);
  assert.equal(shardOf("foobar", 7), 0xbf9cf968 % 7);
});

test("a query is normalized and cut into words, characters and covering pairs", () => {
  assert.equal(normalize("ＡＢＣ Turbines"), "abc turbines");
  assert.deepEqual(queryTerms("俄罗斯 Turbines，ＡＢＣ 2025年"), ["俄罗", "罗斯", "turbines", "abc", "2025", "年"]);
  assert.deepEqual(queryTerms("图书馆"), ["图书", "书馆"]);
  assert.deepEqual(queryTerms("政府预算"), ["政府", "预算"]);
  assert.deepEqual(queryTerms("能"), ["能"]);
  assert.deepEqual(queryTerms("energy Energy ENERGY"), ["energy"]);
  assert.deepEqual(queryTerms("  ，。!  "), []);
});

test("postings are read as page gaps and counts in base 36", () => {
  assert.deepEqual([...decodePosting("0,1")], [[0, 1], [1, 1]]);
  assert.deepEqual([...decodePosting("1:2")], [[1, 2]]);
  assert.deepEqual([...decodePosting("a:z,2")], [[10, 35], [12, 1]]);
});

test("pages with every term rank first by BM25, the newer first on a tie", () => {
  const lengths = [10, 10, 10, 10];
  const energy = new Map([[0, 1], [1, 1], [2, 3]]);
  const budget = new Map([[1, 1], [2, 1], [3, 1]]);
  assert.deepEqual(rank(lengths, [energy, budget]), [2, 1]);
  assert.deepEqual(rank(lengths, [energy]), [2, 0, 1]);
  assert.deepEqual(rank(lengths, [energy, new Map()]), []);
  assert.deepEqual(rank(lengths, []), []);
});

test("of two pages with the same count, the shorter ranks first", () => {
  const twice = new Map([[0, 2], [1, 2]]);
  assert.deepEqual(rank([10, 40], [twice]), [0, 1]);
  assert.deepEqual(rank([40, 10], [twice]), [1, 0]);
});

test("the excerpt comes from the section with most of the words, the words marked", () => {
  const sections = [["", "Title", "Nothing to see here."],
                    ["core", "Core Event", "The Energy budget. More energy later."]];
  const found = excerptOf(sections, "energy budget");
  assert.equal(found.anchor, "core");
  assert.equal(found.heading, "Core Event");
  assert.deepEqual(found.pieces, [["The ", false], ["Energy", true], [" ", false], ["budget", true],
                                  [". More ", false], ["energy", true], [" later.", false]]);
  assert.equal(found.cutBefore, false);
  assert.equal(found.cutAfter, false);
  assert.equal(excerptOf(sections, "  "), null);
});

test("a long section is cut around the first match", () => {
  const text = "x".repeat(100) + "预算" + "y".repeat(200);
  const found = excerptOf([["", "T", text]], "预算");
  assert.equal(found.cutBefore, true);
  assert.equal(found.cutAfter, true);
  assert.deepEqual(found.pieces.map((p) => p[1]), [false, true, false]);
  assert.equal(found.pieces[0][0], "x".repeat(40));
  assert.equal(found.pieces.map((p) => p[0]).join("").length, 160);
});
