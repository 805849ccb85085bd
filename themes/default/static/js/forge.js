// pspm: the forge buttons. A button opens the forge's web editor with a file to complete,
// whose date is the placeholder AAAA-MM-GG: the portal's pages are the same from one day
// to the next, so they cannot hold the day their reader writes. With this script, the
// link takes the reader's date (in their own time zone) when it is followed, by click,
// middle click or keyboard; without it, the contributor writes the date, as the help says.
// Only the file's "date: AAAA-MM-GG" line, as the link encodes it, changes: any other
// link that happens to hold the placeholder (one in a contributed text) is left alone.
(function () {
  "use strict";
  var lines = ["date%3A+AAAA-MM-GG", "date%3A%20AAAA-MM-GG"];
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + pad(d.getMonth() + 1) + "-" + pad(d.getDate());
  }
  function fill(e) {
    var a = e.target && e.target.closest ? e.target.closest("a[href]") : null;
    if (!a) { return; }
    var href = a.href, day = today();
    lines.forEach(function (line) {
      href = href.split(line).join(line.slice(0, line.length - 10) + day);
    });
    if (href !== a.href) { a.href = href; }
  }
  document.addEventListener("click", fill, true);
  document.addEventListener("auxclick", fill, true);
})();
