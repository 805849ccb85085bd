// pspm: sortable tables. A table of class "sortable" is in plan order without this
// script; with it, each header marked data-sort becomes a button that sorts the rows of
// the table on this page by that column (again: the other way; a third time: plan
// order), and says so with aria-sort. data-sort="value" sorts by the cells' data-value.
(function () {
  "use strict";
  var collator = new Intl.Collator(document.documentElement.lang || undefined, {numeric: true, sensitivity: "base"});
  function key(td, how) {
    return how === "value" ? (td.getAttribute("data-value") || "") : td.textContent.trim();
  }
  function compare(a, b) {
    if (a === b) { return 0; }
    if (a === "") { return 1; } // empty cells last, either way
    if (b === "") { return -1; }
    return collator.compare(a, b);
  }
  document.querySelectorAll("table.sortable").forEach(function (table) {
    var body = table.tBodies[0];
    if (!body) { return; }
    var rows = Array.prototype.slice.call(body.rows);
    rows.forEach(function (tr, i) { tr.dataset.plan = i; });
    var heads = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(heads, function (th, col) {
      var how = th.getAttribute("data-sort");
      if (!how) { return; }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.textContent = "";
      th.appendChild(button);
      button.addEventListener("click", function () {
        var state = th.getAttribute("aria-sort");
        var next = state === "ascending" ? "descending" : state === "descending" ? "none" : "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        var sorted = rows.slice();
        if (next === "none") {
          sorted.sort(function (a, b) { return a.dataset.plan - b.dataset.plan; });
        } else {
          th.setAttribute("aria-sort", next);
          sorted.sort(function (a, b) {
            var c = compare(key(a.cells[col], how), key(b.cells[col], how));
            if (c !== 0 && next === "descending" && key(a.cells[col], how) !== "" && key(b.cells[col], how) !== "") { c = -c; }
            return c || a.dataset.plan - b.dataset.plan;
          });
        }
        sorted.forEach(function (tr) { body.appendChild(tr); });
      });
    });
  });
})();
