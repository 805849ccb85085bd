// pspm: instant filters for the practices catalogue. The catalogue works without this
// script (pre-rendered pages by kind and body); with it, readers filter every practice at
// once by text, kind and body. The data is fetched only when a filter is first used.
(function () {
  "use strict";
  var box = document.getElementById("quick-filter");
  if (!box || !window.fetch) { return; }
  box.hidden = false;
  var text = document.getElementById("qf-text");
  var kind = document.getElementById("qf-kind");
  var body = document.getElementById("qf-body");
  var status = document.getElementById("qf-status");
  var list = document.getElementById("qf-results");
  var original = document.querySelectorAll(".list-results");
  var data = null, loading = null;

  var lang = document.documentElement.lang || "en";

  // localNumber writes n with the page language's digit grouping ("12.000" in Italian).
  function localNumber(n) {
    try { return n.toLocaleString(lang); } catch (e) { return String(n); }
  }

  // pluralOne tells whether n takes the language's "one" form (CLDR, as the pages do).
  function pluralOne(n) {
    try { return new Intl.PluralRules(lang).select(n) === "one"; } catch (e) { return n === 1; }
  }

  function load() {
    if (!loading) {
      loading = fetch(box.dataset.data).then(function (r) { return r.json(); }).then(function (d) { data = d; });
    }
    return loading;
  }

  function fold(s) {
    return (s || "").toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "");
  }

  function option(sel, value) {
    for (var i = 0; i < sel.options.length; i++) {
      if (sel.options[i].value === value) { return sel.options[i].text; }
    }
    return value;
  }

  function render() {
    var q = fold(text.value).trim(), k = kind.value, b = body.value;
    var active = q !== "" || k !== "" || b !== "";
    for (var i = 0; i < original.length; i++) { original[i].hidden = active; }
    list.hidden = !active;
    if (!active) { status.textContent = ""; return; }
    var words = q.split(/\s+/).filter(Boolean);
    var hits = data.filter(function (p) {
      if (k && p.kind !== k) { return false; }
      if (b && p.body !== b) { return false; }
      var hay = fold(p.title + " " + p.tags.join(" "));
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    list.textContent = "";
    hits.forEach(function (p) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = box.dataset.prefix + p.id + "/";
      a.textContent = p.title;
      li.appendChild(a);
      var meta = document.createElement("span");
      meta.className = "small";
      meta.textContent = " · " + option(kind, p.kind) + " · " + option(body, p.body);
      li.appendChild(meta);
      list.appendChild(li);
    });
    status.textContent = (pluralOne(hits.length) && box.dataset.foundOne || box.dataset.found).replace("%d", localNumber(hits.length));
  }

  function update() { load().then(render); }
  [text, kind, body].forEach(function (el) {
    el.addEventListener("input", update);
    el.addEventListener("change", update);
  });
  box.querySelector("form").addEventListener("submit", function (e) { e.preventDefault(); update(); });
})();
