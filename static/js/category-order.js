// Drag and drop for the term order form (/admin/structure/categories/{vocab}).
// Without this script the form works as it is: change the weight selects
// and press "Save order". With it, a row (with the narrower terms below it)
// can be dragged among its siblings; the siblings' weight selects are then
// renumbered 0, 1, 2 … in their new order, and "Save order" saves them.
(function () {
  var table = document.querySelector("table[data-term-order]");
  if (!table) return;
  var tbody = table.tBodies[0];
  var status = document.querySelector(".term-order-status");
  var dragged = null;

  function depth(row) { return parseInt(row.dataset.depth || "0", 10); }

  // block returns row and the rows of its subtree (the following rows that
  // are deeper than it).
  function block(row) {
    var rows = [row];
    for (var r = row.nextElementSibling; r && depth(r) > depth(row); r = r.nextElementSibling) rows.push(r);
    return rows;
  }

  function siblings(row) {
    return Array.prototype.filter.call(tbody.rows, function (r) {
      return r.dataset.parent === row.dataset.parent && depth(r) === depth(row);
    });
  }

  function renumber(row) {
    siblings(row).forEach(function (r, i) {
      var sel = r.querySelector("select[name^='weight.']");
      if (!sel) return;
      var v = String(i);
      if (!Array.prototype.some.call(sel.options, function (o) { return o.value === v; })) return;
      sel.value = v;
    });
    if (status) status.textContent = "Order changed: press Save order to keep it.";
  }

  Array.prototype.forEach.call(tbody.rows, function (row) {
    row.draggable = true;
    row.style.cursor = "move";
    row.addEventListener("dragstart", function (e) {
      dragged = row;
      e.dataTransfer.effectAllowed = "move";
      e.dataTransfer.setData("text/plain", row.dataset.term || "");
    });
    row.addEventListener("dragover", function (e) {
      if (dragged && dragged !== row && row.dataset.parent === dragged.dataset.parent && depth(row) === depth(dragged)) {
        e.preventDefault();
      }
    });
    row.addEventListener("drop", function (e) {
      if (!dragged || dragged === row || row.dataset.parent !== dragged.dataset.parent || depth(row) !== depth(dragged)) return;
      e.preventDefault();
      var moving = block(dragged);
      var rect = row.getBoundingClientRect();
      var after = e.clientY > rect.top + rect.height / 2;
      var anchor = after ? block(row).pop().nextElementSibling : row;
      moving.forEach(function (r) { tbody.insertBefore(r, anchor); });
      renumber(dragged);
      dragged = null;
    });
    row.addEventListener("dragend", function () { dragged = null; });
  });
})();
