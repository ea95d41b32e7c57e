// Drag-and-drop reordering of rows that carry a weight input, like Drupal's
// tabledrag: the block layout page (blocks within and between regions) and
// the listing builder's fields, filters, sorts and contextual filters.
//
// Without this script the forms work as they are: type the weights (or
// positions) and save. With it, each row gets a drag handle; dragging a row
// (mouse, pen or touch), or focusing its handle and pressing the up and
// down arrow keys, moves it, and the weights of its group are renumbered in
// the new order (and a row that changes group gets the group's name in its
// region select). Nothing is saved until the form is. "Show row weights"
// shows the weight inputs again (remembered in localStorage).
//
// Markup it reads (set by the templates; no ids or classes of its own):
//   [data-tabledrag]          a container of groups; add data-tabledrag-cross
//                             when rows may move from one group to another
//   [data-tabledrag-group]    a group of rows; its value is the group's name
//                             (a region), data-tabledrag-label its label and
//                             data-tabledrag-start the first weight (0)
//   [data-tabledrag-row]      a row (data-tabledrag-label names it)
//   [data-tabledrag-weight]   the row's weight input
//   [data-tabledrag-region]   the row's group select (cross-group only)
//   [data-tabledrag-empty]    a group's placeholder row, shown when empty
//   [data-tabledrag-weight-col] a header cell hidden with the weights
(function () {
  "use strict";
  if (window.trovatoTableDrag) {
    window.trovatoTableDrag(document);
    return;
  }
  var STORE = "trovato.tabledrag.weights";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }
  function owned(root, selector, ownerSelector) {
    return Array.prototype.filter.call(root.querySelectorAll(selector), function (el) {
      return el.parentElement.closest(ownerSelector) === root;
    });
  }
  function rows(group) { return owned(group, "[data-tabledrag-row]", "[data-tabledrag-group]"); }
  function groups(container) { return owned(container, "[data-tabledrag-group]", "[data-tabledrag]"); }
  function containerOf(el) { return el.closest("[data-tabledrag]"); }
  function groupOf(row) { return row.parentElement.closest("[data-tabledrag-group]"); }
  function weightOf(row) { return row.querySelector("[data-tabledrag-weight]"); }

  function showWeights() {
    try { return window.localStorage.getItem(STORE) === "show"; } catch (e) { return false; }
  }

  function applyWeights() {
    var show = showWeights();
    each(document.querySelectorAll("[data-tabledrag].tabledrag-active"), function (c) {
      c.classList.toggle("tabledrag-show-weights", show);
    });
    each(document.querySelectorAll(".tabledrag-toggle"), function (b) {
      b.textContent = show ? "Hide row weights" : "Show row weights";
      b.setAttribute("aria-pressed", show ? "true" : "false");
    });
  }

  function label(row) {
    if (row.dataset.tabledragLabel) return row.dataset.tabledragLabel;
    var sel = row.querySelector("select");
    if (sel && sel.selectedIndex >= 0 && sel.options[sel.selectedIndex].text) return sel.options[sel.selectedIndex].text;
    return "row";
  }

  function announce(container, text) {
    var s = container.querySelector(".tabledrag-status");
    if (s) s.textContent = text;
  }

  // fire tells listeners (the builder's live preview) that an input changed.
  function fire(input) {
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // renumber writes the weights of group's rows in their order, and the
  // group's name into the rows' region selects.
  function renumber(group) {
    var start = parseInt(group.dataset.tabledragStart || "0", 10);
    var name = group.dataset.tabledragGroup;
    var container = containerOf(group);
    rows(group).forEach(function (row, i) {
      var w = weightOf(row);
      var v = String(start + i);
      var changed = false;
      if (w && w.value !== v) { w.value = v; changed = true; fire(w); }
      var region = row.querySelector("[data-tabledrag-region]");
      if (region && name && region.value !== name) {
        region.dataset.tabledragMoving = "1";
        region.value = name;
        fire(region);
        delete region.dataset.tabledragMoving;
        changed = true;
      }
      if (changed) {
        row.classList.add("tabledrag-changed");
        var warn = container.querySelector(".tabledrag-warning");
        if (warn) warn.hidden = false;
      }
    });
    var empty = owned(group, "[data-tabledrag-empty]", "[data-tabledrag-group]");
    each(empty, function (e) { e.hidden = rows(group).length > 0; });
  }

  // place puts row before ref in group (ref null: after the group's last row).
  function place(row, group, ref) {
    if (ref) {
      if (ref !== row && ref.previousElementSibling !== row) ref.parentNode.insertBefore(row, ref);
      return;
    }
    var rs = rows(group).filter(function (r) { return r !== row; });
    var last = rs[rs.length - 1];
    if (last) {
      if (last.nextElementSibling !== row) last.parentNode.insertBefore(row, last.nextSibling);
      return;
    }
    if (groupOf(row) === group) return;
    var empty = owned(group, "[data-tabledrag-empty]", "[data-tabledrag-group]")[0];
    if (empty) empty.parentNode.insertBefore(row, empty);
    else group.appendChild(row);
  }

  function moved(row, from) {
    var to = groupOf(row);
    renumber(to);
    if (from !== to) renumber(from);
    var rs = rows(to);
    var where = to.dataset.tabledragLabel ? " in " + to.dataset.tabledragLabel : "";
    announce(containerOf(row), "Moved " + label(row) + " to position " + (rs.indexOf(row) + 1) + " of " + rs.length + where + ".");
  }

  // step moves row one place up (-1) or down (+1), into the neighbouring
  // group (at its end going up, its start going down) when the container
  // allows it.
  function step(row, dir) {
    var from = groupOf(row);
    var rs = rows(from);
    var i = rs.indexOf(row);
    if (dir < 0 && i > 0) {
      place(row, from, rs[i - 1]);
    } else if (dir > 0 && i < rs.length - 1) {
      place(row, from, rs[i + 2] || null);
    } else {
      var container = containerOf(row);
      if (!container.hasAttribute("data-tabledrag-cross")) return;
      var gs = groups(container);
      var to = gs[gs.indexOf(from) + dir];
      if (!to) return;
      var target = rows(to);
      place(row, to, dir > 0 ? target[0] || null : null);
    }
    moved(row, from);
  }

  // drag follows the pointer from the handle: the row moves before the row
  // whose upper half the pointer is over, or to the end of the group the
  // pointer is in.
  function drag(row, handle, down) {
    var container = containerOf(row);
    var cross = container.hasAttribute("data-tabledrag-cross");
    var from = groupOf(row);
    var before = rows(from).indexOf(row);
    row.classList.add("tabledrag-dragging");
    // The pointer is followed on the document: moving the row in the DOM
    // would release a pointer capture on its handle.
    function over(y) {
      var targets = cross ? groups(container) : [from];
      for (var g = 0; g < targets.length; g++) {
        var rect = targets[g].getBoundingClientRect();
        if (y < rect.top || y > rect.bottom) continue;
        var rs = rows(targets[g]).filter(function (r) { return r !== row; });
        for (var i = 0; i < rs.length; i++) {
          var rr = rs[i].getBoundingClientRect();
          if (y < rr.top + rr.height / 2) {
            place(row, targets[g], rs[i]);
            return;
          }
        }
        place(row, targets[g], null);
        return;
      }
    }
    function move(e) {
      if (e.pointerId !== down.pointerId) return;
      e.preventDefault();
      // Near the window's top or bottom edge the page scrolls along.
      if (e.clientY < 40) window.scrollBy(0, -20);
      else if (e.clientY > window.innerHeight - 40) window.scrollBy(0, 20);
      over(e.clientY);
    }
    function up(e) {
      if (e.pointerId !== down.pointerId) return;
      document.removeEventListener("pointermove", move);
      document.removeEventListener("pointerup", up);
      document.removeEventListener("pointercancel", up);
      row.classList.remove("tabledrag-dragging");
      handle.focus();
      if (groupOf(row) !== from || rows(from).indexOf(row) !== before) moved(row, from);
    }
    document.addEventListener("pointermove", move);
    document.addEventListener("pointerup", up);
    document.addEventListener("pointercancel", up);
  }

  function addHandle(row) {
    if (row.querySelector(".tabledrag-handle")) return;
    var handle = document.createElement("button");
    handle.type = "button";
    handle.className = "tabledrag-handle";
    handle.setAttribute("data-testid", "tabledrag-handle");
    handle.setAttribute("aria-label", "Move " + label(row) + " (arrow keys move it up or down)");
    handle.title = "Drag to reorder, or use the arrow keys";
    handle.textContent = "\u2195";
    handle.addEventListener("pointerdown", function (e) {
      if (e.button !== 0) return;
      e.preventDefault();
      handle.focus();
      drag(row, handle, e);
    });
    handle.addEventListener("keydown", function (e) {
      var dir = e.key === "ArrowUp" ? -1 : e.key === "ArrowDown" ? 1 : 0;
      if (!dir) return;
      e.preventDefault();
      step(row, dir);
      handle.focus();
    });
    var cell = row.tagName === "TR" ? row.cells[0] : row;
    var legend = cell.firstElementChild && cell.firstElementChild.tagName === "LEGEND" ? cell.firstElementChild : null;
    cell.insertBefore(handle, legend ? legend.nextSibling : cell.firstChild);
    var w = weightOf(row);
    if (w) (w.closest("td, .form-item") || w).classList.add("tabledrag-weight-cell");
  }

  // sortRows puts group's rows in the order of their weights (stable; a
  // row without a number keeps its place among equals). The server renders
  // rows in form order, which after a rebuild of the listing builder (Add,
  // Remove, a changed field) is not the order the Positions give. A row
  // whose weight is not a number counts as weighing its place, as the
  // server reads it.
  function sortRows(group) {
    var rs = rows(group);
    if (rs.length < 2) return;
    var start = parseInt(group.dataset.tabledragStart || "0", 10);
    var keyed = rs.map(function (r, i) {
      var w = weightOf(r);
      var n = w ? parseFloat(w.value) : NaN;
      return { row: r, i: i, w: isNaN(n) ? start + i : n };
    });
    var sorted = keyed.slice().sort(function (a, b) { return a.w - b.w || a.i - b.i; });
    if (sorted.every(function (k, i) { return k.row === rs[i]; })) return;
    var anchor = rs[rs.length - 1].nextSibling;
    var parent = rs[0].parentNode;
    sorted.forEach(function (k) { parent.insertBefore(k.row, anchor); });
  }

  function init(root) {
    var containers = Array.prototype.slice.call(root.querySelectorAll ? root.querySelectorAll("[data-tabledrag]") : []);
    if (root.matches && root.matches("[data-tabledrag]")) containers.unshift(root);
    containers.forEach(function (container) {
      if (!container.classList.contains("tabledrag-active")) {
        container.classList.add("tabledrag-active");
        var bar = document.createElement("div");
        bar.className = "tabledrag-bar";
        var toggle = document.createElement("button");
        toggle.type = "button";
        toggle.className = "button button-small tabledrag-toggle";
        toggle.setAttribute("data-testid", "tabledrag-toggle");
        toggle.addEventListener("click", function () {
          try { window.localStorage.setItem(STORE, showWeights() ? "hide" : "show"); } catch (e) { /* private mode */ }
          applyWeights();
        });
        var status = document.createElement("span");
        status.className = "tabledrag-status visually-hidden";
        status.setAttribute("role", "status");
        status.setAttribute("aria-live", "polite");
        var warn = document.createElement("p");
        warn.className = "tabledrag-warning";
        warn.setAttribute("data-testid", "tabledrag-warning");
        warn.hidden = true;
        warn.textContent = "The order has changed: it is kept once you save.";
        bar.appendChild(toggle);
        bar.appendChild(status);
        bar.appendChild(warn);
        var legend = container.firstElementChild && container.firstElementChild.tagName === "LEGEND" ? container.firstElementChild : null;
        container.insertBefore(bar, legend ? legend.nextSibling : container.firstChild);
        groups(container).forEach(sortRows);
      }
      groups(container).forEach(function (g) { rows(g).forEach(addHandle); });
    });
    applyWeights();
  }

  // A region chosen in a row's select moves the row to that region's end.
  document.addEventListener("change", function (e) {
    var sel = e.target;
    if (!sel.matches || !sel.matches("[data-tabledrag-region]") || sel.dataset.tabledragMoving) return;
    var row = sel.closest("[data-tabledrag-row]");
    var container = row && containerOf(row);
    if (!container || !container.classList.contains("tabledrag-active")) return;
    var to = groups(container).filter(function (g) { return g.dataset.tabledragGroup === sel.value; })[0];
    var from = groupOf(row);
    if (!to || to === from) return;
    place(row, to, null);
    moved(row, from);
  });

  window.trovatoTableDrag = init;
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // Content htmx swaps in (the listing builder after "Add a filter").
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
