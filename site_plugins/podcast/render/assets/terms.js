/* Search's pure part: a query cut into terms as render/search.py cut the pages, the shard each term
   lives in, a term's postings read, pages ranked, and the excerpt that shows why a page was found. */

const CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
/* As in search.py: runs of CJK characters, or runs of other letters and digits. */
const TOKEN = new RegExp("[" + CJK + "]+|(?:(?![" + CJK + "])[\\p{L}\\p{N}])+", "gu");
const CJK_RUN = new RegExp("^[" + CJK + "]");
const K1 = 1.2, B = 0.75;   /* BM25 */

export function normalize(text) {
  return text.normalize("NFKC").toLowerCase();
}

/* The query's words, normalized, CJK runs whole: what an excerpt marks. */
export function queryWords(query) {
  return normalize(query).match(TOKEN) || [];
}

/* The query's terms, cut as the index was: words; a CJK run of one character is that character,
   a longer run the pairs that cover it (every second pair, and the last). Each term once. */
export function queryTerms(query) {
  const terms = [];
  for (const token of queryWords(query)) {
    if (!CJK_RUN.test(token)) { terms.push(token); continue; }
    const chars = Array.from(token);
    if (chars.length === 1) { terms.push(chars[0]); continue; }
    for (let i = 0; i + 1 < chars.length; i += 2) terms.push(chars[i] + chars[i + 1]);
    if (chars.length % 2 === 1) terms.push(chars[chars.length - 2] + chars[chars.length - 1]);
  }
  return [...new Set(terms)];
}

/* 32-bit FNV-1a of the term's UTF-8 bytes, as search.py computes it. */
export function fnv1a(term) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(term)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
}

export function shardOf(term, shards) {
  return fnv1a(term) % shards;
}

/* "0,3:2,1" (page gaps and counts in base 36, a count of 1 left out) -> Map page -> count. */
export function decodePosting(posting) {
  const pages = new Map();
  let page = 0;
  for (const part of posting.split(",")) {
    const pieces = part.split(":");
    page += parseInt(pieces[0], 36);
    pages.set(page, pieces.length > 1 ? parseInt(pieces[1], 36) : 1);
  }
  return pages;
}

/* Page numbers that have every term, best first (BM25 over the terms' counts; the lower number, the
   newer page, on a tie). `lengths`: each page's length in terms; `postings`: a Map per term. */
export function rank(lengths, postings) {
  if (!postings.length) return [];
  const average = lengths.reduce((a, b) => a + b, 0) / Math.max(lengths.length, 1);
  const sorted = [...postings].sort((a, b) => a.size - b.size);
  const scores = [];
  for (const page of sorted[0].keys()) {
    let score = 0;
    for (const posting of sorted) {
      const count = posting.get(page);
      if (count === undefined) { score = NaN; break; }
      const idf = Math.log(1 + (lengths.length - posting.size + 0.5) / (posting.size + 0.5));
      score += idf * count * (K1 + 1) / (count + K1 * (1 - B + B * lengths[page] / average));
    }
    if (!isNaN(score)) scores.push([page, score]);
  }
  scores.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
  return scores.map((s) => s[0]);
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/* The section (anchor, heading, text) that holds most of the query's words, and its text around the
   first match cut into pieces: [text, marked] pairs. null when the query has no words. */
export function excerptOf(sections, query) {
  const words = queryWords(query).sort((a, b) => b.length - a.length);
  if (!words.length || !sections.length) return null;
  const pattern = new RegExp(words.map(escapeRegExp).join("|"), "g");
  let best = null;
  for (const section of sections) {
    const text = section[2].toLowerCase();  /* same length as the original: offsets carry over */
    const hits = words.filter((w) => text.includes(w)).length;
    if (!best || hits > best.hits) best = { section, text, hits };
  }
  const original = best.section[2];
  const first = best.text.search(pattern);
  const start = Math.max(0, first - 40);
  const end = Math.min(original.length, Math.max(first, 0) + 120);
  const pieces = [];
  let at = start;
  for (const match of best.text.slice(start, end).matchAll(pattern)) {
    const from = start + match.index;
    if (from > at) pieces.push([original.slice(at, from), false]);
    pieces.push([original.slice(from, from + match[0].length), true]);
    at = from + match[0].length;
  }
  if (end > at) pieces.push([original.slice(at, end), false]);
  return { anchor: best.section[0], heading: best.section[1], pieces, cutBefore: start > 0,
           cutAfter: end < original.length };
}
