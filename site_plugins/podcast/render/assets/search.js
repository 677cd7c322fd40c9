/* Site search on the search page. The index (written by render/search.py) is cut into shards by
   term: a query fetches meta.json, one shard per term, and the page files of the results it shows.
   The header's search box opens this page with ?q=. The page names the index's address and its
   labels (`data-index`, `data-labels` on #gp-search). */

import { onEveryPage } from "./start.js";
import { decodePosting, excerptOf, queryTerms, rank, shardOf } from "./terms.js";

const SHOWN = 5;            /* results per batch: each needs its page file for the excerpt */
const WAIT = 250;           /* ms of no typing before a query runs */

class Index {
  constructor(base) {
    this.base = base;
    this.files = new Map();
  }

  json(path) {
    if (!this.files.has(path)) {
      this.files.set(path, fetch(new URL(path, this.base)).then((response) => {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      }));
    }
    return this.files.get(path);
  }

  /* Page numbers that have every term, best first. */
  async search(terms) {
    const meta = await this.json("meta.json");
    const postings = await Promise.all(terms.map((term) => this.json("t/" + shardOf(term, meta.shards) + ".json").then(
      (shard) => (Object.hasOwn(shard, term) ? decodePosting(shard[term]) : new Map()),
      () => new Map())));
    return rank(meta.lengths, postings);
  }

  async pages(numbers) {
    const meta = await this.json("meta.json");
    return Promise.all(numbers.map((page) => this.json("p/" + meta.files[page] + ".json")));
  }
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function excerptNode(found) {
  const node = element("p", "gp-search__excerpt");
  if (found.cutBefore) node.append("…");
  for (const [text, marked] of found.pieces) node.append(marked ? element("mark", "", text) : text);
  if (found.cutAfter) node.append("…");
  return node;
}

function result(page, query, siteRoot) {
  const item = element("li", "gp-search__result");
  const url = new URL(page.url, siteRoot).href;
  const title = element("a", "gp-search__title", page.title);
  title.href = url;
  item.appendChild(title);
  const found = excerptOf(page.sections, query);
  if (found) {
    if (found.anchor && found.heading && found.heading !== page.title) {
      const part = element("a", "gp-search__part", found.heading);
      part.href = url + "#" + found.anchor;
      item.append(" › ", part);
    }
    item.appendChild(excerptNode(found));
  }
  return item;
}

function form(labels) {
  const box = element("form", "gp-search__form");  /* the header's box is the page's search landmark */
  const input = element("input", "gp-search__input");
  input.type = "search";
  input.name = "q";
  input.autocomplete = "off";
  input.setAttribute("aria-label", labels.search);
  input.placeholder = labels.search;
  input.value = new URLSearchParams(window.location.search).get("q") || "";
  box.appendChild(input);
  return { box, input };
}

function setUp() {
  const root = document.getElementById("gp-search");
  if (!root || root.dataset.ready) return;
  root.dataset.ready = "true";
  const labels = JSON.parse(root.dataset.labels);
  const base = new URL(root.dataset.index, document.baseURI).href;
  const siteRoot = new URL("../", base).href;
  const index = new Index(base);
  const { box, input } = form(labels);
  const status = element("p", "gp-search__status");
  status.setAttribute("role", "status");
  const list = element("ol", "gp-search__results");
  const more = element("button", "md-button gp-search__more", labels.more);
  more.type = "button";
  more.hidden = true;
  root.replaceChildren(box, status, list, more);

  let run = 0, found = [], shown = 0, query = "", timer = null;

  async function showMore() {
    const mine = run;
    const batch = found.slice(shown, shown + SHOWN);
    shown += batch.length;
    more.hidden = shown >= found.length;
    const pages = await index.pages(batch);
    if (mine === run) list.append(...pages.map((page) => result(page, query, siteRoot)));
  }

  async function search() {
    query = input.value.trim();
    const mine = ++run;
    const url = new URL(window.location.href);
    if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
    window.history.replaceState(window.history.state, "", url);
    const terms = queryTerms(query);
    if (!terms.length) { list.replaceChildren(); status.textContent = ""; more.hidden = true; return; }
    try {
      const pages = await index.search(terms);
      if (mine !== run) return;  /* a newer query replaced this one */
      found = pages;
      shown = 0;
      list.replaceChildren();
      status.textContent = labels.results.replace("{count}", pages.length);
      await showMore();
    } catch {
      if (mine === run) status.textContent = labels.missing;
    }
  }

  box.addEventListener("submit", (event) => { event.preventDefault(); clearTimeout(timer); search(); });
  input.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(search, WAIT); });
  more.addEventListener("click", showMore);
  input.focus();
  if (input.value) search();
}

onEveryPage(setUp);
