/* 404.html is served at whatever address was missing: at any depth below the site, wherever
   the site is mounted. The page writes every link, stylesheet and script from the site's root
   ("./…") and loads this script from each depth in turn (assets/…, ../assets/…, …): the first
   copy found is the site's, and its own address gives the root. Below the root, the page's
   stylesheets and scripts were asked for at the wrong place (and not run): this points every
   relative address at the root, tells the theme where the site is, and loads the scripts
   again, in order. */
(function () {
  "use strict";
  if (window.__jb_root) return;
  var root = new URL("../..", document.currentScript.src);
  window.__jb_root = root.href;
  if (new URL(".", window.location.href).href === root.href) return;

  function relative(value) {
    return value && !/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(value);
  }

  function rebase() {
    Array.prototype.forEach.call(document.querySelectorAll("a[href], link[href]"), function (el) {
      if (relative(el.getAttribute("href"))) el.href = new URL(el.getAttribute("href"), root).href;
    });
    Array.prototype.forEach.call(document.querySelectorAll("img[src]"), function (el) {
      if (relative(el.getAttribute("src"))) el.src = new URL(el.getAttribute("src"), root).href;
    });
    var config = document.getElementById("__config");
    if (config) {
      var data = JSON.parse(config.textContent);
      data.base = root.href;
      if (data.search) data.search = new URL(data.search, root).href;
      config.textContent = JSON.stringify(data);
    }
    Array.prototype.forEach.call(document.querySelectorAll("script[src]:not([data-jb-probe])"), function (old) {
      if (!relative(old.getAttribute("src"))) return;
      var script = document.createElement("script");
      script.src = new URL(old.getAttribute("src"), root).href;
      script.async = false;
      document.body.appendChild(script);
    });
  }

  document.addEventListener("DOMContentLoaded", rebase);
})();
