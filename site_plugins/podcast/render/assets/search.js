/* Site search on the search page. The index (written by site_plugins/podcast/search.py) is cut
   into shards by term: a query fetches meta.json, one shard per term, and the page files of the
   results it shows. The header's search box opens this page with ?q=. */
(function () {
  "use strict";

  var SHOWN = 5;            // results per batch: each needs its page file for the excerpt
  var CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff";
  // As in search.py: runs of CJK characters, or runs of other letters and digits.
  var TOKEN = new RegExp("[" + CJK + "]+|(?:(?![" + CJK + "])[\\p{L}\\p{N}])+", "gu");
  var CJK_RUN = new RegExp("^[" + CJK + "]");
  var K1 = 1.2, B = 0.75;   // BM25

  function normalize(text) { return text.normalize("NFKC").toLowerCase(); }

  /* The query's terms, cut as the index was: words; a CJK run of one character is that character,
     a longer run the pairs that cover it (every second pair, and the last). */
  function queryTerms(query) {
    var terms = [];
    (normalize(query).match(TOKEN) || []).forEach(function (token) {
      if (!CJK_RUN.test(token)) { terms.push(token); return; }
      var chars = Array.from(token);
      if (chars.length === 1) { terms.push(chars[0]); return; }
      for (var i = 0; i + 1 < chars.length; i += 2) terms.push(chars[i] + chars[i + 1]);
      if (chars.length % 2 === 1) terms.push(chars[chars.length - 2] + chars[chars.length - 1]);
    });
    return terms.filter(function (t, i) { return terms.indexOf(t) === i; });
  }

  function fnv1a(term) {
    var hash = 0x811c9dc5;
    new TextEncoder().encode(term).forEach(function (byte) {
      hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    });
    return hash;
  }

  function decode(posting) {
    var pages = new Map();
    var page = 0;
    posting.split(",").forEach(function (part) {
      var pieces = part.split(":");
      page += parseInt(pieces[0], 36);
      pages.set(page, pieces.length > 1 ? parseInt(pieces[1], 36) : 1);
    });
    return pages;
  }

  function Index(base) {
    this.base = base;
    this.files = new Map();
  }
  Index.prototype.json = function (path) {
    if (!this.files.has(path)) {
      this.files.set(path, fetch(this.base + path).then(function (response) {
        if (!response.ok) throw new Error(path + ": " + response.status);
        return response.json();
      }));
    }
    return this.files.get(path);
  };
  /* Page numbers that have every term, best first (BM25 over the terms' counts). */
  Index.prototype.search = function (terms) {
    var self = this;
    return this.json("meta.json").then(function (meta) {
      var lengths = meta.lengths;
      var average = lengths.reduce(function (a, b) { return a + b; }, 0) / Math.max(lengths.length, 1);
      return Promise.all(terms.map(function (term) {
        return self.json("t/" + (fnv1a(term) % meta.shards) + ".json").then(function (shard) {
          return Object.prototype.hasOwnProperty.call(shard, term) ? decode(shard[term]) : new Map();
        }, function () { return new Map(); });
      })).then(function (postings) {
        if (!postings.length) return [];
        postings.sort(function (a, b) { return a.size - b.size; });
        var scores = [];
        postings[0].forEach(function (_, page) {
          var score = 0;
          for (var i = 0; i < postings.length; i++) {
            var count = postings[i].get(page);
            if (count === undefined) return;
            var idf = Math.log(1 + (lengths.length - postings[i].size + 0.5) / (postings[i].size + 0.5));
            score += idf * count * (K1 + 1) / (count + K1 * (1 - B + B * lengths[page] / average));
          }
          scores.push([page, score]);
        });
        scores.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
        return scores.map(function (s) { return s[0]; });
      });
    });
  };

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  /* The section that holds the query best, and its text around the first match, matches marked. */
  function excerpt(page, query) {
    var words = (normalize(query).match(TOKEN) || []).sort(function (a, b) { return b.length - a.length; });
    if (!words.length) return null;
    var pattern = new RegExp(words.map(escapeRegExp).join("|"), "g");
    var best = null;
    page.sections.forEach(function (section) {
      var text = section[2].toLowerCase();  // same length as the original: offsets carry over
      var hits = words.filter(function (w) { return text.indexOf(w) >= 0; }).length;
      if (!best || hits > best.hits) best = { section: section, text: text, hits: hits };
    });
    var original = best.section[2];
    var first = best.text.search(pattern);
    var start = Math.max(0, first - 40);
    var end = Math.min(original.length, Math.max(first, 0) + 120);
    var node = element("p", "gp-search__excerpt");
    if (start > 0) node.appendChild(document.createTextNode("…"));
    var window = best.text.slice(start, end);
    var at = 0;
    window.replace(pattern, function (match, offset) {
      node.appendChild(document.createTextNode(original.slice(start + at, start + offset)));
      node.appendChild(element("mark", "", original.slice(start + offset, start + offset + match.length)));
      at = offset + match.length;
      return match;
    });
    node.appendChild(document.createTextNode(original.slice(start + at, end)));
    if (end < original.length) node.appendChild(document.createTextNode("…"));
    return { node: node, anchor: best.section[0], heading: best.section[1] };
  }

  function result(page, query, siteRoot) {
    var item = element("li", "gp-search__result");
    var url = new URL(page.url, siteRoot).href;
    var title = element("a", "gp-search__title", page.title);
    title.href = url;
    item.appendChild(title);
    var found = excerpt(page, query);
    if (found) {
      if (found.anchor && found.heading && found.heading !== page.title) {
        var part = element("a", "gp-search__part", found.heading);
        part.href = url + "#" + found.anchor;
        item.appendChild(document.createTextNode(" › "));
        item.appendChild(part);
      }
      item.appendChild(found.node);
    }
    return item;
  }

  function setUp() {
    var root = document.getElementById("gp-search");
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "true";
    var labels = JSON.parse(root.dataset.labels);
    var base = new URL(root.dataset.index, document.baseURI).href;
    var siteRoot = new URL("../", base).href;
    var index = new Index(base);

    var form = element("form", "gp-search__form");  // the header's box is the page's search landmark
    var input = element("input", "gp-search__input");
    input.type = "search";
    input.name = "q";
    input.autocomplete = "off";
    input.setAttribute("aria-label", labels.search);
    input.placeholder = labels.search;
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    form.appendChild(input);
    var status = element("p", "gp-search__status");
    status.setAttribute("role", "status");
    var list = element("ol", "gp-search__results");
    var more = element("button", "md-button gp-search__more", labels.more);
    more.type = "button";
    more.hidden = true;
    root.replaceChildren(form, status, list, more);

    var run = 0;
    var found = [];
    var shown = 0;
    var query = "";
    var timer = null;

    function showMore() {
      var mine = run;
      var batch = found.slice(shown, shown + SHOWN);
      shown += batch.length;
      more.hidden = shown >= found.length;
      return index.json("meta.json").then(function (meta) {
        return Promise.all(batch.map(function (page) { return index.json("p/" + meta.files[page] + ".json"); }));
      }).then(function (pages) {
          if (mine !== run) return;
          pages.forEach(function (page) { list.appendChild(result(page, query, siteRoot)); });
        });
    }

    function search() {
      query = input.value.trim();
      var mine = ++run;
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(window.history.state, "", url);
      var terms = queryTerms(query);
      if (!terms.length) { list.replaceChildren(); status.textContent = ""; more.hidden = true; return; }
      index.search(terms).then(function (pages) {
        if (mine !== run) return;  // a newer query replaced this one
        found = pages;
        shown = 0;
        list.replaceChildren();
        status.textContent = labels.results.replace("{count}", pages.length);
        return showMore();
      }).catch(function () {
        if (mine === run) status.textContent = labels.missing;
      });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); clearTimeout(timer); search(); });
    input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(search, 250); });
    more.addEventListener("click", showMore);
    input.focus();
    if (input.value) search();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
}());
