/* Site search on the search page, with Pagefind's JavaScript API: a query fetches only the index
   chunks of its words and the fragments of the results shown (no UI library to download).
   The header's search box opens this page with ?q=. */
(function () {
  "use strict";

  var PAGE = 5;
  var engine = null;

  function pagefind(bundle) {
    if (!engine) {
      engine = import(bundle + "pagefind.js").then(function (module) {
        return module.options({ bundlePath: bundle, excerptLength: 40 }).then(function () { return module; });
      });
    }
    return engine;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Pagefind's excerpts are text with <mark> around the matches: keep the marks, escape the rest. */
  function excerpt(html) {
    var node = element("p", "gp-search__excerpt");
    html.split(/(<mark>|<\/mark>)/).reduce(function (marked, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var text = document.createElement("textarea");
      text.innerHTML = part;
      node.appendChild(marked ? element("mark", "", text.value) : document.createTextNode(text.value));
      return marked;
    }, false);
    return node;
  }

  function result(data) {
    var item = element("li", "gp-search__result");
    var title = element("a", "gp-search__title", (data.meta && data.meta.title) || data.url);
    title.href = data.url;
    item.appendChild(title);
    item.appendChild(excerpt(data.excerpt || ""));
    var parts = (data.sub_results || []).filter(function (s) { return s.url !== data.url; }).slice(0, 3);
    if (parts.length) {
      var list = element("ul", "gp-search__parts");
      parts.forEach(function (sub) {
        var li = element("li");
        var link = element("a", "", sub.title);
        link.href = sub.url;
        li.appendChild(link);
        list.appendChild(li);
      });
      item.appendChild(list);
    }
    return item;
  }

  function setUp() {
    var root = document.getElementById("gp-search");
    if (!root || root.dataset.ready) return;
    root.dataset.ready = "true";
    var labels = JSON.parse(root.dataset.labels);
    var bundle = new URL(root.dataset.bundle, document.baseURI).href;
    var form = element("form", "gp-search__form");
    form.setAttribute("role", "search");
    var input = element("input", "gp-search__input");
    input.type = "search";
    input.name = "q";
    input.setAttribute("aria-label", labels.search);
    input.placeholder = labels.search;
    input.value = new URLSearchParams(window.location.search).get("q") || "";
    form.appendChild(input);
    var status = element("p", "gp-search__status");
    status.setAttribute("aria-live", "polite");
    var list = element("ol", "gp-search__results");
    var more = element("button", "md-button gp-search__more", labels.more);
    more.type = "button";
    more.hidden = true;
    root.replaceChildren(form, status, list, more);

    var current = null;
    var shown = 0;
    var run = 0;

    function showMore() {
      var mine = run;
      var batch = current.results.slice(shown, shown + PAGE);
      shown += batch.length;
      more.hidden = shown >= current.results.length;
      return Promise.all(batch.map(function (r) { return r.data(); })).then(function (items) {
        if (mine !== run) return;
        items.forEach(function (data) { list.appendChild(result(data)); });
      });
    }

    function search() {
      var query = input.value.trim();
      var mine = ++run;
      var url = new URL(window.location.href);
      if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
      window.history.replaceState(window.history.state, "", url);
      if (!query) { list.replaceChildren(); status.textContent = ""; more.hidden = true; return; }
      pagefind(bundle).then(function (module) {
        return module.debouncedSearch(query, {}, 250);
      }).then(function (found) {
        if (found === null || mine !== run) return;  // a newer query replaced this one
        current = found;
        shown = 0;
        list.replaceChildren();
        status.textContent = labels.results.replace("{count}", found.results.length);
        return showMore();
      }).catch(function () {
        status.textContent = labels.missing;
      });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
    input.addEventListener("input", search);
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
