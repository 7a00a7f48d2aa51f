/* jiebang portal: the search box in the header (partials/search.html) over the Pagefind index
   in pagefind/, and the marking of what a search result was found by on the page it opens
   (?hl=…: the words as typed, whole, never single characters). generator/portal/search.py
   says what the index holds and why a query is prepared as it is here:
   - every Han character is a word of the index, so the query is split the same way, and a
     Chinese term must occur whole on a page (Pagefind's exact-phrase search) for the page
     to be a result, unless no page has it whole;
   - record ids are looked up as one word, without their hyphens, as the index holds them;
   - the meta fields id, name and units weigh more than the text.
   Results are written with DOM methods as text: nothing from the index becomes markup.
   Every file comes from this site. */
(function () {
  "use strict";

  var HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}"; // the ranges of search.py
  var GAP = new RegExp("(?<=[" + HAN + "])(?=\\S)|(?<=\\S)(?=[" + HAN + "])", "gu");
  var HAN_CHAR = new RegExp("[" + HAN + "]", "gu");
  var INSERTED = new RegExp("(?<=[" + HAN + "])\\s+|\\s+(?=[" + HAN + "])", "gu");
  var RECORD_ID = /\b[A-Za-z]-\d{4}-\d+(?:-\d+)?\b/g;
  var WEIGHTS = { title: 5, name: 5, id: 20, ids: 1, units: 8, link: 0, place: 1 };
  var PAGE = 10; // results shown at a time
  var EXCERPT = 90; // characters of text shown around the first match

  function spaced(text) {
    return text.replace(GAP, " ");
  }

  // Text of the index as it was on the page: without the spaces around Han characters that
  // search.py inserted, nor Pagefind's zero-width spaces between words.
  function unspaced(text) {
    return String(text || "").replace(/\u200b/g, "").replace(INSERTED, "").trim();
  }

  function prepare(query) {
    var terms = query.trim().split(/\s+/).filter(Boolean);
    var words = terms.map(function (t) {
      return t.replace(RECORD_ID, function (id) { return id.replace(/-/g, ""); });
    });
    return {
      terms: terms,
      text: spaced(words.join(" ")),
      phrases: terms.filter(function (t) { return (t.match(HAN_CHAR) || []).length > 1; })
    };
  }

  function escapeRegExp(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function pattern(terms) {
    var sorted = terms.slice().sort(function (a, b) { return b.length - a.length; });
    return new RegExp(sorted.map(escapeRegExp).join("|"), "gi");
  }

  // `text` appended to `parent`, each occurrence of a term in a <mark>.
  function appendMarked(parent, text, terms, className) {
    var found = pattern(terms);
    var last = 0;
    var match;
    while ((match = found.exec(text)) !== null) {
      if (!match[0]) { found.lastIndex += 1; continue; }
      parent.appendChild(document.createTextNode(text.slice(last, match.index)));
      var mark = document.createElement("mark");
      if (className) mark.className = className;
      mark.textContent = match[0];
      parent.appendChild(mark);
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // A page's text from the index: Pagefind ends each block (a heading, a table cell) with ". ".
  function readable(content) {
    return String(content || "").replace(/\u200b/g, "").split(/\.\s+/).map(unspaced).filter(Boolean).join(" · ");
  }

  function excerpt(content, terms) {
    var text = readable(content);
    var first = text.search(pattern(terms));
    if (first < 0) return text.slice(0, EXCERPT) + (text.length > EXCERPT ? "…" : "");
    var start = Math.max(0, first - Math.floor(EXCERPT / 3));
    var end = Math.min(text.length, start + EXCERPT);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function highlighted(url, terms) {
    var params = new URLSearchParams();
    terms.forEach(function (t) { params.append("hl", t); });
    var hash = url.indexOf("#");
    var base = hash < 0 ? url : url.slice(0, hash);
    return base + (base.indexOf("?") < 0 ? "?" : "&") + params.toString() + (hash < 0 ? "" : url.slice(hash));
  }

  function setupBox(box) {
    var toggle = document.getElementById("__search");
    var input = box.querySelector("[data-jb-search-query]");
    var form = input.form;
    var result = box.querySelector("[data-jb-search-result]");
    var meta = result.querySelector(".md-search-result__meta");
    var list = result.querySelector(".md-search-result__list");
    var more = result.querySelector(".jb-search-more");
    var initial = meta.textContent.trim();
    var bundle = new URL(box.getAttribute("data-jb-search"), location.href);
    var engine = null;
    var latest = 0;
    var shown = { results: [], terms: [], count: 0 };
    var timer = null;

    function load() {
      if (!engine) {
        engine = import(new URL("pagefind.js", bundle).href).then(function (pagefind) {
          var root = new URL("..", bundle).pathname;
          var options = { baseUrl: root, ranking: { metaWeights: WEIGHTS } };
          return pagefind.options(options).then(function () { return shards(pagefind, options); }).then(function () { return pagefind; });
        });
        engine.catch(function () { engine = null; });
      }
      return engine;
    }

    // An index in shards (the national portal's): the other shards' bundles, listed in the
    // first one's shards.json, searched with it as one index.
    function shards(pagefind, options) {
      if (!box.hasAttribute("data-jb-search-shards")) return Promise.resolve();
      return fetch(new URL("shards.json", bundle).href).then(function (response) {
        if (!response.ok) throw new Error("shards.json: " + response.status);
        return response.json();
      }).then(function (folders) {
        var root = new URL("..", bundle);
        return Promise.all(folders.map(function (folder) { return pagefind.mergeIndex(new URL(folder, root).pathname, options); }));
      });
    }

    // A result's own address (the national portal's lists lead to their programme's portal):
    // a web address, or a path from the site's root.
    function elsewhere(address) {
      var url = new URL(address, new URL("..", bundle));
      return url.protocol === "https:" || url.protocol === "http:" ? url.href : new URL("..", bundle).href;
    }

    function phraseSet(pagefind, phrase) {
      return pagefind.search("\"" + spaced(phrase) + "\"").then(function (found) {
        return new Set(found.results.map(function (r) { return r.id; }));
      });
    }

    function search(query) {
      var prepared = prepare(query);
      return load().then(function (pagefind) {
        return Promise.all([pagefind.search(prepared.text)].concat(prepared.phrases.map(function (p) { return phraseSet(pagefind, p); })));
      }).then(function (found) {
        var results = found[0] ? found[0].results : [];
        var whole = results.filter(function (r) {
          return found.slice(1).every(function (set) { return set.has(r.id); });
        });
        var approximate = found.length > 1 && whole.length === 0 && results.length > 0;
        return { results: approximate ? results : whole, approximate: approximate, terms: prepared.terms };
      });
    }

    function item(data, terms) {
      var fields = data.meta || {};
      var li = document.createElement("li");
      li.className = "md-search-result__item";
      var link = document.createElement("a");
      link.className = "md-search-result__link";
      link.href = fields.link ? elsewhere(fields.link) : highlighted(data.url, terms);
      link.tabIndex = -1;
      var article = document.createElement("article");
      article.className = "md-search-result__article md-typeset";
      var title = document.createElement("h1");
      appendMarked(title, unspaced(fields.title) || data.url, terms);
      article.appendChild(title);
      if (fields.place) {
        var place = document.createElement("p");
        place.className = "jb-search-place";
        place.textContent = unspaced(fields.place);
        article.appendChild(place);
      }
      var text = document.createElement("p");
      appendMarked(text, excerpt(data.content, terms), terms);
      article.appendChild(text);
      link.appendChild(article);
      li.appendChild(link);
      return li;
    }

    function showMore(ticket) {
      var next = shown.results.slice(shown.count, shown.count + PAGE);
      shown.count += next.length;
      more.hidden = true;
      return Promise.all(next.map(function (r) { return r.data(); })).then(function (datas) {
        if (ticket !== latest) return;
        datas.forEach(function (data) { list.appendChild(item(data, shown.terms)); });
        more.hidden = shown.count >= shown.results.length;
      });
    }

    function run() {
      var query = input.value.trim();
      var ticket = ++latest;
      list.textContent = "";
      more.hidden = true;
      if (!query) { meta.textContent = initial; return; }
      meta.textContent = "正在搜索……";
      search(query).then(function (found) {
        if (ticket !== latest) return;
        shown = { results: found.results, terms: found.terms, count: 0 };
        var n = found.results.length;
        if (!n) meta.textContent = "没有找到符合条件的结果";
        else if (found.approximate) meta.textContent = "没有完整含有“" + found.terms.join(" ") + "”的页面；以下 " + n + " 个结果含有其中的每个字";
        else meta.textContent = "找到 " + n + " 个结果";
        return showMore(ticket);
      }).catch(function () {
        if (ticket === latest) meta.textContent = "搜索暂时不可用：搜索索引未能载入，请稍后再试。";
      });
    }

    function schedule(event) {
      if (event && event.isComposing) return; // typing Chinese: wait for the finished word
      clearTimeout(timer);
      timer = setTimeout(run, 150);
    }

    function links() {
      return Array.prototype.slice.call(list.querySelectorAll("a"));
    }

    input.addEventListener("input", schedule);
    input.addEventListener("compositionend", schedule);
    input.addEventListener("focus", function () { toggle.checked = true; });
    toggle.addEventListener("change", function () {
      if (toggle.checked) input.focus();
      else input.blur();
    });
    more.addEventListener("click", function () { showMore(latest); });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var first = links()[0];
      if (first) location.href = first.href;
    });
    form.addEventListener("reset", function () {
      setTimeout(function () { run(); input.focus(); }, 0);
    });
    document.addEventListener("keydown", function (event) {
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      var typing = event.target instanceof Element && event.target.closest("input, textarea, select, [contenteditable]");
      if (!toggle.checked) {
        if (!typing && (event.key === "/" || event.key === "s" || event.key === "f")) {
          event.preventDefault();
          toggle.checked = true;
          input.focus();
        }
        return;
      }
      if (event.key === "Escape") {
        toggle.checked = false;
        input.blur();
      } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        var all = [input].concat(links());
        var at = all.indexOf(document.activeElement);
        var next = all[(at + (event.key === "ArrowDown" ? 1 : all.length - 1)) % all.length];
        if (next) { event.preventDefault(); next.focus(); }
      }
    });
  }

  // The words a result was found by, marked where they occur in the page's content.
  function markFound() {
    var terms = new URLSearchParams(location.search).getAll("hl").map(function (t) { return t.trim(); }).filter(Boolean);
    var root = document.querySelector("[data-pagefind-body] article");
    if (!terms.length || !root) return;
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) {
      var parent = walker.currentNode.parentElement;
      if (parent && !parent.closest("mark, script, .headerlink")) nodes.push(walker.currentNode);
    }
    var found = pattern(terms);
    nodes.forEach(function (node) {
      found.lastIndex = 0;
      if (!found.test(node.nodeValue)) return;
      var holder = document.createDocumentFragment();
      appendMarked(holder, node.nodeValue, terms, "jb-hit");
      node.parentNode.replaceChild(holder, node);
    });
    var first = root.querySelector("mark.jb-hit");
    if (first) first.scrollIntoView({ block: "center" });
  }

  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-jb-search]"), setupBox);
    markFound();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
