/* jiebang portal: the filters of the 榜单 index, and the print button of a 申报指南. No data
   leaves the page.

   A filter's choice is read from and written to the query string by its code (?grade=major,
   ?status=awarded); the Chinese label of a choice is read as well (?grade=重大项目). When the
   index fits on one page, its rows carry their codes (data-industry, data-grade, …) and are
   shown or hidden here. When the index is split into year pages, the panel names a manifest
   (data-manifest): the script reads it, then only the chunks of rows that can hold a match,
   one after another until a page of results is full, and writes each row as text. */
(function () {
  "use strict";
  var PAGE = 200;

  function readQuery(selects) {
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.name);
      if (wanted === null) return;
      wanted = wanted.trim();
      var found = Array.prototype.filter.call(s.options, function (o) {
        return o.value && (o.value === wanted || o.textContent.trim() === wanted);
      })[0];
      if (found) s.value = found.value;
    });
  }

  function writeQuery(selects) {
    var query = new URLSearchParams();
    selects.forEach(function (s) { if (s.value) query.set(s.name, s.value); });
    var search = query.toString();
    window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
  }

  function chosen(selects) {
    var out = {};
    selects.forEach(function (s) { if (s.value) out[s.name] = s.value; });
    return out;
  }

  /* Every row is on this page: show the rows whose codes match. */
  function inPage(panel, selects, count) {
    var table = document.getElementById(panel.getAttribute("data-table"));
    if (!table || !table.tBodies.length) return function () {};
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    return function () {
      var want = chosen(selects);
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Object.keys(want).every(function (k) { return row.getAttribute("data-" + k) === want[k]; });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = "共 " + shown + " 项";
    };
  }

  function fetchJson(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error(String(r.status));
      return r.json();
    });
  }

  /* The rows are on year pages: read the chunks of every row that can match. */
  function fromChunks(panel, selects, count) {
    var holder = document.getElementById(panel.getAttribute("data-table"));
    var manifestUrl = new URL(panel.getAttribute("data-manifest"), window.location.href);
    var whole = count ? count.textContent : "";
    var manifest = null;
    var loading = null;
    var run = 0;

    function table() {
      holder.textContent = "";
      var t = document.createElement("table");
      t.className = "jb-rows";
      var head = t.createTHead().insertRow();
      manifest.columns.forEach(function (c) {
        var th = document.createElement("th");
        th.textContent = c.title;
        head.appendChild(th);
      });
      t.createTBody();
      holder.appendChild(t);
      return t.tBodies[0];
    }

    function addRow(body, r, root, hidden) {
      var tr = body.insertRow();
      tr.hidden = hidden;
      manifest.columns.forEach(function (c, i) {
        var td = tr.insertCell();
        if (c.kind === "nowrap") td.className = "jb-nowrap";
        td.setAttribute("data-label", c.title);
        var text = String(r[i + 1]);
        if (c.kind === "link") {
          var a = document.createElement("a");
          a.href = new URL(r[0], root).href;
          a.textContent = text;
          td.appendChild(a);
        } else {
          td.textContent = text;
        }
      });
    }

    function search() {
      run += 1;
      var mine = run;
      var want = chosen(selects);
      var keys = Object.keys(want);
      if (!keys.length) {
        holder.hidden = true;
        holder.textContent = "";
        if (count) count.textContent = whole;
        return;
      }
      var root = new URL(manifest.root, manifestUrl);
      var at = {};
      manifest.filters.forEach(function (f, i) { at[f] = 1 + manifest.columns.length + i; });
      var todo = manifest.chunks.filter(function (chunk) {
        return keys.every(function (k) { return (chunk.facets[k] || {})[want[k]] > 0; });
      });
      var body = table();
      var more = document.createElement("button");
      more.type = "button";
      more.className = "md-button jb-more";
      more.textContent = "显示更多";
      more.hidden = true;
      holder.appendChild(more);
      holder.hidden = false;
      var shown = 0, found = 0, done = 0, limit = PAGE;

      function report() {
        var all = done === todo.length;
        if (count) count.textContent = (all ? "共 " : "已找到 ") + found + " 项" + (all ? "" : "（已读取 " + done + "/" + todo.length + " 个数据分块）");
      }

      function next() {
        if (mine !== run) return;
        report();
        if (done === todo.length || shown >= limit) {
          more.hidden = found <= shown && done === todo.length;
          return;
        }
        fetchJson(new URL(todo[done].file, manifestUrl)).then(function (rows) {
          if (mine !== run) return;
          done += 1;
          rows.forEach(function (r) {
            if (!keys.every(function (k) { return r[at[k]] === want[k]; })) return;
            found += 1;
            addRow(body, r, root, shown >= limit);
            if (shown < limit) shown += 1;
          });
          next();
        }).catch(function () {
          if (count) count.textContent = "筛选数据读取失败，请按年度浏览。";
        });
      }

      more.addEventListener("click", function () {
        limit += PAGE;
        Array.prototype.slice.call(body.querySelectorAll("tr[hidden]"), 0, PAGE).forEach(function (tr) {
          tr.hidden = false;
          shown += 1;
        });
        next();
      });
      next();
    }

    return function () {
      if (manifest) {
        search();
        return;
      }
      if (!loading) {
        loading = fetchJson(manifestUrl).then(function (m) { manifest = m; });
      }
      loading.then(search, function () {
        if (count) count.textContent = "筛选数据读取失败，请按年度浏览。";
      });
    };
  }

  function setupFilters(panel) {
    if (panel.getAttribute("data-ready")) return;
    panel.setAttribute("data-ready", "1");
    var selects = Array.prototype.slice.call(panel.querySelectorAll("select"));
    var count = panel.querySelector(".jb-count");
    readQuery(selects);
    var apply = panel.getAttribute("data-manifest") ? fromChunks(panel, selects, count) : inPage(panel, selects, count);
    panel.addEventListener("change", function () {
      writeQuery(selects);
      apply();
    });
    apply();
  }

  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll(".jb-filters"), setupFilters);
    Array.prototype.forEach.call(document.querySelectorAll("button.jb-print"), function (button) {
      if (button.getAttribute("data-ready")) return;
      button.setAttribute("data-ready", "1");
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (typeof document$ !== "undefined") document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
