/* jiebang national portal: filters over every list, however many. The page carries no list
   data; the manifest (data/index/manifest.json) says how many rows of each chunk have each
   filter value, so only chunks that can match are fetched, one after another, until a page
   of results is full. Rows are written with textContent (never as HTML); a link is made only
   for an http(s) address. The choice is kept in the query string (e.g. ?province=海南省). */
(function () {
  "use strict";
  var PAGE = 200;

  function setup() {
    var form = document.getElementById("jb-national-filters");
    var holder = document.getElementById("jb-national-results");
    if (!form || !holder || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "1");
    form.hidden = false;
    var manifestUrl = new URL(form.getAttribute("data-manifest"), window.location.href);
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var count = form.querySelector(".jb-count");
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.name);
      if (wanted !== null && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) s.value = wanted;
    });
    var manifest = null;
    var run = 0;

    function chosen() {
      var out = {};
      selects.forEach(function (s) { if (s.value) out[s.name] = s.value; });
      return out;
    }

    function fetchJson(url) {
      return fetch(url, { credentials: "same-origin" }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      });
    }

    function label(column, value) {
      var names = (manifest.labels || {})[column] || {};
      return names[value] || value || "—";
    }

    function cell(row, text, href) {
      var td = document.createElement("td");
      if (href && /^https?:\/\//.test(href)) {
        var a = document.createElement("a");
        a.href = href;
        a.textContent = text;
        td.appendChild(a);
      } else {
        td.textContent = text;
      }
      row.appendChild(td);
    }

    function table() {
      holder.textContent = "";
      var t = document.createElement("table");
      var head = t.createTHead().insertRow();
      ["榜单名称", "编号", "方案", "省份", "层级", "产业", "等级", "状态", "类别", "年度"].forEach(function (h) {
        var th = document.createElement("th");
        th.textContent = h;
        head.appendChild(th);
      });
      t.createTBody();
      holder.appendChild(t);
      return t.tBodies[0];
    }

    function search(updateUrl) {
      var want = chosen();
      var keys = Object.keys(want);
      if (updateUrl) {
        var query = new URLSearchParams(want).toString();
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
      }
      run += 1;
      var mine = run;
      if (!keys.length) {
        holder.hidden = true;
        count.textContent = "";
        return;
      }
      var col = {};
      manifest.columns.forEach(function (c, i) { col[c] = i; });
      var todo = manifest.chunks.filter(function (chunk) {
        return keys.every(function (k) { return (chunk.facets[k] || {})[want[k]] > 0; });
      });
      var body = table();
      var shown = 0, found = 0, done = 0, limit = PAGE;
      holder.hidden = false;
      var more = document.createElement("button");
      more.type = "button";
      more.className = "jb-more";
      more.textContent = "显示更多";
      more.hidden = true;

      function report() {
        var whole = done === todo.length;
        count.textContent = (whole ? "共 " : "已找到 ") + found + " 项" + (whole ? "" : "（已检索 " + done + "/" + todo.length + " 个数据分块）");
      }

      function add(rows) {
        rows.forEach(function (r) {
          if (!keys.every(function (k) { return String(r[col[k]]) === want[k]; })) return;
          found += 1;
          var tr = body.insertRow();
          if (shown >= limit) tr.hidden = true;
          else shown += 1;
          cell(tr, r[col.title], r[col.url]);
          cell(tr, r[col.id]);
          cell(tr, r[col.programme]);
          cell(tr, r[col.province]);
          cell(tr, label("level", r[col.level]));
          cell(tr, r[col.industry]);
          cell(tr, r[col.grade_label]);
          cell(tr, label("status", r[col.status]));
          cell(tr, label("track", r[col.track]));
          cell(tr, String(r[col.year]));
        });
      }

      function next() {
        if (mine !== run) return;
        report();
        if (done === todo.length || shown >= limit) {
          more.hidden = done === todo.length && found <= shown;
          return;
        }
        fetchJson(new URL(todo[done].file, manifestUrl)).then(function (rows) {
          if (mine !== run) return;
          done += 1;
          add(rows);
          next();
        }).catch(function () { count.textContent = "筛选数据读取失败，请按省份浏览。"; });
      }

      more.addEventListener("click", function () {
        limit += PAGE;
        var hidden = body.querySelectorAll("tr[hidden]");
        for (var i = 0; i < hidden.length && shown < limit; i += 1) {
          hidden[i].hidden = false;
          shown += 1;
        }
        next();
      });
      holder.appendChild(more);
      next();
    }

    form.addEventListener("change", function () { search(true); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    fetchJson(manifestUrl).then(function (m) {
      manifest = m;
      search(false);
    }).catch(function () { form.hidden = true; });
  }

  if (typeof document$ !== "undefined") document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
