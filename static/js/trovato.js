// Trovato's small client glue for htmx: send the CSRF token with every htmx
// request, and let 422 responses (forms with validation errors) swap in.
document.addEventListener("htmx:configRequest", function (evt) {
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && meta.content) {
    evt.detail.headers["X-CSRF-Token"] = meta.content;
  }
});
if (window.htmx) {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "422", swap: true, error: false },
    { code: "[45]..", swap: false, error: true },
  ];
}

// Item reference widgets: as the user types, fetch suggestions as JSON from
// the input's data-autocomplete-path and offer them in its datalist. The
// input works without this script: it accepts a pasted item id.
(function () {
  var timers = new WeakMap();
  document.addEventListener("input", function (evt) {
    var el = evt.target;
    if (!el.matches || !el.matches("input[data-autocomplete-path]")) return;
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () {
      var q = el.value.trim();
      var list = el.list;
      if (!list || q.length < 2 || /\([0-9a-f-]{36}\)$/.test(q)) return;
      var path = el.dataset.autocompletePath;
      var url = path + (path.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(q);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (items) {
          list.replaceChildren();
          items.forEach(function (it) {
            var opt = document.createElement("option");
            opt.value = it.label;
            list.appendChild(opt);
          });
        })
        .catch(function () {});
    }, 200));
  });
})();
