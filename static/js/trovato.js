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

// Autocomplete widgets (item references, category terms): as the user
// types, fetch suggestions as JSON from the input's data-autocomplete-path
// and offer them in its datalist. The input works without this script: it
// accepts a pasted id or a typed name.
//
// Free tagging (data-autocomplete-tags): the input holds comma-separated
// names ("Paris, France" in quotes); only the name being typed — after the
// last comma outside quotes — is looked up, and each suggestion is offered
// as the whole input with that name completed, so picking one keeps the
// names before it.
(function () {
  var timers = new WeakMap();

  // splitLast returns [head, last]: head is everything up to and including
  // the last comma outside quotes (and the spaces after it), last the name
  // being typed, without its opening quote.
  function splitLast(value) {
    var quoted = false, cut = 0;
    for (var i = 0; i < value.length; i++) {
      var ch = value.charAt(i);
      if (ch === '"') {
        if (quoted && value.charAt(i + 1) === '"') { i++; continue; }
        quoted = !quoted;
      } else if (ch === "," && !quoted) {
        cut = i + 1;
      }
    }
    var head = value.slice(0, cut);
    var last = value.slice(cut);
    var lead = last.match(/^\s*/)[0];
    head += lead;
    last = last.slice(lead.length);
    if (last.charAt(0) === '"') last = last.slice(1).replace(/"$/, "").replace(/""/g, '"');
    return [head, last];
  }

  // quoteTag writes a name the way the server reads it back.
  function quoteTag(name) {
    return /[,"]/.test(name) ? '"' + name.replace(/"/g, '""') + '"' : name;
  }

  document.addEventListener("input", function (evt) {
    var el = evt.target;
    if (!el.matches || !el.matches("input[data-autocomplete-path]")) return;
    clearTimeout(timers.get(el));
    timers.set(el, setTimeout(function () {
      var tags = el.hasAttribute("data-autocomplete-tags");
      var head = "", q = el.value.trim();
      if (tags) {
        var parts = splitLast(el.value);
        head = parts[0];
        q = parts[1].trim();
      }
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
            opt.value = tags ? head + quoteTag(it.label) : it.label;
            if (tags) opt.label = it.label;
            list.appendChild(opt);
          });
        })
        .catch(function () {});
    }, 200));
  });
})();
