// Search in a portal opened from disk (file://), such as a pull request's preview.
// Browsers refuse to start a Web Worker from a file, and mkdocs-material runs its search
// in one; so under file:// the worker's script runs in a hidden frame of this page
// instead, with the worker's postMessage, message events and importScripts (which here
// returns a promise: the search worker awaits it). The search index itself comes from
// search/search_index.js, which `jiebang build --offline` writes beside the JSON index.
// Loaded before mkdocs-material's bundle (extra.polyfills); does nothing over http(s).
(function () {
  "use strict";
  if (location.protocol !== "file:") {
    return;
  }

  function load(doc, src) {
    return new Promise(function (resolve, reject) {
      var script = doc.createElement("script");
      script.src = new URL(src, location.href).href;
      script.onload = resolve;
      script.onerror = reject;
      doc.head.appendChild(script);
    });
  }

  function FileWorker(url) {
    var worker = this;
    var listeners = [];
    var waiting = [];
    var ready = false;
    var frame = document.createElement("iframe");
    frame.hidden = true;
    document.documentElement.appendChild(frame);
    var inner = frame.contentWindow;

    function deliver(data) {
      var event = { data: data, target: worker };
      listeners.slice().forEach(function (listener) {
        listener.call(worker, event);
      });
      if (typeof worker.onmessage === "function") {
        worker.onmessage(event);
      }
    }

    function send(data) {
      inner.dispatchEvent(new inner.MessageEvent("message", { data: data }));
    }

    inner.postMessage = function (data) {
      setTimeout(function () {
        deliver(data);
      }, 0);
    };
    inner.importScripts = function () {
      var urls = Array.prototype.slice.call(arguments);
      return urls.reduce(function (done, src) {
        return done.then(function () {
          return load(inner.document, src);
        });
      }, Promise.resolve());
    };

    this.onmessage = null;
    this.postMessage = function (data) {
      if (ready) {
        send(data);
      } else {
        waiting.push(data);
      }
    };
    this.addEventListener = function (type, listener) {
      if (type === "message") {
        listeners.push(listener);
      }
    };
    this.removeEventListener = function (type, listener) {
      listeners = listeners.filter(function (l) {
        return l !== listener;
      });
    };
    this.terminate = function () {
      frame.remove();
    };

    load(inner.document, url).then(function () {
      ready = true;
      waiting.splice(0).forEach(send);
    });
  }

  window.Worker = FileWorker;
})();
