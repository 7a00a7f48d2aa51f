/* jiebang portal: filters on the 榜单 index (also read from and written to the query string,
   e.g. ?industry=智能科技), and the print button of a 申报指南. No data leaves the page. */
(function () {
  "use strict";

  function setupFilters(panel) {
    var holder = document.getElementById(panel.getAttribute("data-table"));
    var table = holder && holder.querySelector("table");
    if (!table || !table.tBodies.length) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var selects = Array.prototype.slice.call(panel.querySelectorAll("select"));
    var count = panel.querySelector(".jb-count");
    var params = new URLSearchParams(window.location.search);
    selects.forEach(function (s) {
      var wanted = params.get(s.name);
      if (wanted && Array.prototype.some.call(s.options, function (o) { return o.value === wanted; })) s.value = wanted;
    });

    function apply(updateUrl) {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = selects.every(function (s) {
          var cell = row.cells[Number(s.getAttribute("data-column"))];
          return !s.value || (cell && cell.textContent.trim() === s.value);
        });
        row.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = "共 " + shown + " 项";
      if (updateUrl) {
        var query = new URLSearchParams();
        selects.forEach(function (s) { if (s.value) query.set(s.name, s.value); });
        var search = query.toString();
        window.history.replaceState(null, "", window.location.pathname + (search ? "?" + search : ""));
      }
    }

    panel.addEventListener("change", function () { apply(true); });
    apply(false);
  }

  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll(".jb-filters"), setupFilters);
    Array.prototype.forEach.call(document.querySelectorAll("button.jb-print"), function (button) {
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (typeof document$ !== "undefined") document$.subscribe(setup);
  else document.addEventListener("DOMContentLoaded", setup);
})();
