// pspm: search in the reader's browser. The search page (layouts/search.html) works
// without this script: it lists where to find things. With it, the page searches the
// static search bundle under /search/ (written by pspm from its bleve index: see
// generator/search/bundle.go for the format), loading only the pieces a query needs; or,
// when the page names one in <meta name="pspm-search-api">, the preview server's API.
//
// The analyzers and the scoring are those of bleve, ported: a query ranks the same
// documents in the same order here as in `pspm search` and `pspm serve` (tests check
// both, term for term and score for score). The query is in the URL (?q=…&type=…), so
// results can be shared and the back button works.
(function () {
  "use strict";

  // ---- Bytes: varints, strings, compressed files --------------------------------

  var utf8 = new TextDecoder();

  function Reader(bytes) {
    this.b = bytes;
    this.i = 0;
  }
  Reader.prototype.uv = function () {
    var b = this.b, v = 0, mul = 1, c;
    do {
      if (this.i >= b.length) { throw new Error("truncated data"); }
      c = b[this.i++];
      v += (c & 0x7f) * mul;
      mul *= 128;
    } while (c & 0x80);
    return v;
  };
  Reader.prototype.zz = function () {
    var v = this.uv();
    return v % 2 ? -(v + 1) / 2 : v / 2;
  };
  Reader.prototype.bytes = function (n) {
    if (this.i + n > this.b.length) { throw new Error("truncated data"); }
    var out = this.b.subarray(this.i, this.i + n);
    this.i += n;
    return out;
  };
  // column reads n varints into out, a typed array: each plus add, or with delta the
  // running sum of (each + 1) from −1, as the columns of postings are written.
  function column(r, n, out, add, delta) {
    var b = r.b, i = r.i, acc = -1;
    for (var k = 0; k < n; k++) {
      var c = b[i++], v = c & 0x7f, mul = 128;
      while (c & 0x80) { c = b[i++]; v += (c & 0x7f) * mul; mul *= 128; }
      if (delta) { acc += 1 + v; out[k] = acc; } else { out[k] = v + add; }
    }
    if (i > b.length) { throw new Error("truncated data"); }
    r.i = i;
  }
  Reader.prototype.str = function () { return utf8.decode(this.bytes(this.uv())); };
  Reader.prototype.byte = function () { return this.bytes(1)[0]; };

  // inflate decompresses raw DEFLATE data.
  function inflate(buf) {
    var stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(stream).arrayBuffer().then(function (b) { return new Uint8Array(b); });
  }

  // ---- Code points -------------------------------------------------------------

  // codePoints splits s into code points, with the UTF-16 offset of each (and of the end).
  function codePoints(s) {
    var cps = [], offs = [];
    for (var i = 0; i < s.length;) {
      var c = s.codePointAt(i);
      cps.push(c);
      offs.push(i);
      i += c > 0xffff ? 2 : 1;
    }
    offs.push(s.length);
    return { cps: cps, offs: offs };
  }

  function fromCodePoints(cps) {
    var out = "";
    for (var i = 0; i < cps.length; i += 4096) {
      out += String.fromCodePoint.apply(null, cps.slice(i, i + 4096));
    }
    return out;
  }

  // compare orders strings by code point, as Go orders them by their UTF-8 bytes.
  function compare(a, b) {
    var n = Math.min(a.length, b.length);
    for (var i = 0; i < n; i++) {
      var x = a.charCodeAt(i), y = b.charCodeAt(i);
      if (x !== y) {
        var sx = x >= 0xd800 && x <= 0xdfff, sy = y >= 0xd800 && y <= 0xdfff;
        if (sx !== sy) { return sx ? 1 : -1; } // a surrogate pair is above any other code unit
        return x < y ? -1 : 1;
      }
    }
    return a.length - b.length;
  }

  function utf8Len(c) { return c < 0x80 ? 1 : c < 0x800 ? 2 : c < 0x10000 ? 3 : 4; }

  // ---- Analysis: bleve's analyzers, as the bundle's meta names them ----------------

  // Word break classes (generator/search/analysis.go).
  var ALETTER = 1, HEBREW = 2, NUMERIC = 3, KATAKANA = 4, EXTENDNUMLET = 5, MIDLETTER = 6,
    MIDNUMLET = 7, MIDNUM = 8, SQUOTE = 9, DQUOTE = 10, EXTEND = 11, HANGUL = 1, HAN = 2, HIRAGANA = 3;

  // Tables decodes a.bin: word break classes, lower case, ASCII folding, token maps.
  function Tables(bytes) {
    var r = new Reader(bytes), n, i, c;
    n = r.uv();
    this.wbStart = new Uint32Array(n);
    this.wbClass = new Uint8Array(n);
    for (i = 0, c = 0; i < n; i++) {
      c += r.uv();
      this.wbStart[i] = c;
      this.wbClass[i] = r.byte();
    }
    this.ascii = new Uint8Array(128);
    for (i = 0; i < 128; i++) { this.ascii[i] = this.lookup(i); }
    this.lower = new Map();
    for (n = r.uv(), i = 0, c = 0; i < n; i++) {
      c += r.uv();
      this.lower.set(c, c + r.zz());
    }
    this.fold = new Map();
    for (n = r.uv(), i = 0, c = 0; i < n; i++) {
      c += r.uv();
      this.fold.set(c, r.str());
    }
    this.maps = {};
    var names = ["stop_it", "stop_en", "articles_it"];
    for (var m = 0; m < names.length; m++) {
      var set = new Set();
      for (n = r.uv(), i = 0; i < n; i++) { set.add(r.str()); }
      this.maps[names[m]] = set;
    }
  }
  Tables.prototype.lookup = function (c) {
    var s = this.wbStart, lo = 0, hi = s.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (s[mid] <= c) { lo = mid; } else { hi = mid - 1; }
    }
    return this.wbClass[lo];
  };
  Tables.prototype.cls = function (c) { return c < 128 ? this.ascii[c] : this.lookup(c); };
  Tables.prototype.toLower = function (c) {
    var l = this.lower.get(c);
    return l === undefined ? c : l;
  };

  // tokenize splits text into words as bleve's "unicode" tokenizer (segment's UAX #29
  // word boundaries, Unicode 8.0) does: at each position the longest of a word, a run
  // of Hangul, or one Han or Hiragana character; anything else is skipped as segment's
  // machine skips it. Each token has its term and its UTF-16 offsets in text.
  function tokenize(tables, text) {
    var cp = codePoints(text), rs = cp.cps, n = rs.length, cls = new Uint8Array(n), out = [];
    for (var k = 0; k < n; k++) { cls[k] = tables.cls(rs[k]); }
    function wb(i) { return i < n ? cls[i] & 15 : 255; }
    function ext(i) {
      while (i < n && (cls[i] & 15) === EXTEND) { i++; }
      return i;
    }
    function letter(c) { return c === ALETTER || c === HEBREW; }
    // States of a word.
    var NONE = 0, LETTER = 1, LETTER_END = 2, NUMBER = 3, KANA = 4, ENL = 5, HEBREW_QUOTE = 6;
    for (var p = 0; p < n;) {
      var st = NONE, i = p, end = p, unitStart = false, hebrew = false;
      while (i < n) {
        var c = wb(i), next = -1, nst = st, nUnit = true, nHebrew = false;
        if (letter(c)) {
          if (st !== KANA) { next = i + 1; nst = LETTER; nHebrew = c === HEBREW; }
        } else if (c === NUMERIC) {
          if (st !== KANA) { next = i + 1; nst = NUMBER; }
        } else if (c === KATAKANA) {
          if (st === NONE || st === KANA || st === ENL) { next = i + 1; nst = KANA; }
        } else if (c === EXTENDNUMLET) {
          next = i + 1; nst = ENL;
        } else if (c === MIDLETTER || c === MIDNUMLET || c === SQUOTE || c === MIDNUM || c === DQUOTE) {
          var j = ext(i + 1), m = wb(j), hq = st === LETTER && hebrew && unitStart;
          if (hq && c === SQUOTE && letter(m)) {
            next = j + 1; nst = LETTER; nHebrew = m === HEBREW;
          } else if (hq && c === SQUOTE) {
            next = i + 1; nst = HEBREW_QUOTE;
          } else if (hq && c === DQUOTE && m === HEBREW) {
            next = j + 1; nst = LETTER_END;
          } else if (st === LETTER && (c === MIDLETTER || c === MIDNUMLET || c === SQUOTE) && letter(m)) {
            next = j + 1; nst = LETTER; nUnit = false; nHebrew = m === HEBREW;
          } else if (st === NUMBER && (c === MIDNUM || c === MIDNUMLET || c === SQUOTE) && m === NUMERIC) {
            next = j + 1; nst = NUMBER;
          }
        }
        if (next < 0) { break; }
        st = nst; unitStart = nUnit; hebrew = nHebrew;
        i = ext(next);
        end = i;
      }
      var best = end - p;
      for (i = p; i < n && cls[i] >> 4 === HANGUL;) { i = ext(i + 1); }
      best = Math.max(best, i - p);
      if (cls[p] >> 4 === HAN || cls[p] >> 4 === HIRAGANA) { best = Math.max(best, ext(p + 1) - p); }
      if (best > 0) {
        out.push({ term: rs.slice(p, p + best), start: cp.offs[p], end: cp.offs[p + best] });
        p += best;
        continue;
      }
      var r = rs[p];
      if ((cls[p] & 15) === EXTEND) {
        p = ext(p);
      } else if (r < 0x80 && (r < 0x0a || r > 0x0d)) {
        p = ext(p + 1);
      } else if (r >= 0x1f1e6 && r <= 0x1f1ff) {
        while (p < n && rs[p] >= 0x1f1e6 && rs[p] <= 0x1f1ff) { p = ext(p + 1); }
      } else {
        p++;
      }
    }
    return out;
  }

  // asciiFold is bleve's asciifolding character filter.
  function asciiFold(tables, text) {
    var out = "";
    for (var i = 0; i < text.length;) {
      var c = text.codePointAt(i), n = c > 0xffff ? 2 : 1;
      var f = c >= 0x80 ? tables.fold.get(c) : undefined;
      out += f === undefined ? text.substr(i, n) : f;
      i += n;
    }
    return out;
  }

  // Token filters: each takes a term (an array of code points) and returns it changed,
  // or null to drop the token.
  var APOSTROPHE = 0x27, RSQUO = 0x2019, FULLWIDTH_APOSTROPHE = 0xff07;

  function toLower(tables, s) {
    var out = s.slice(), sigma = true;
    for (var i = 0; i < out.length; i++) {
      var r = out[i], l = tables.toLower(r);
      if (l === r) { continue; }
      if (sigma && l === 0x3c3 && i === out.length - 1) { l = 0x3c2; } // final sigma
      if (utf8Len(l) > utf8Len(r)) { sigma = false; } // bleve lower-cases the rest as bytes.ToLower does
      out[i] = l;
    }
    return out;
  }

  function elision(articles, s) {
    for (var i = 0; i < s.length; i++) {
      if ((s[i] === APOSTROPHE || s[i] === RSQUO) && articles.has(fromCodePoints(s.slice(0, i)))) {
        return s.slice(i + 1);
      }
    }
    return s;
  }

  function possessive(s) {
    var n = s.length;
    if (n >= 2 && (s[n - 1] === 0x73 || s[n - 1] === 0x53) &&
      (s[n - 2] === APOSTROPHE || s[n - 2] === RSQUO || s[n - 2] === FULLWIDTH_APOSTROPHE)) {
      return s.slice(0, n - 2);
    }
    return s;
  }

  // italianLight is bleve's stemmer_it_light.
  function italianLight(s) {
    var n = s.length;
    if (n < 6) { return s; }
    s = s.slice();
    for (var i = 0; i < n; i++) {
      switch (s[i]) {
        case 0xe0: case 0xe1: case 0xe2: case 0xe4: s[i] = 0x61; break; // à á â ä
        case 0xf2: case 0xf3: case 0xf4: case 0xf6: s[i] = 0x6f; break; // ò ó ô ö
        case 0xe8: case 0xe9: case 0xea: case 0xeb: s[i] = 0x65; break; // è é ê ë
        case 0xf9: case 0xfa: case 0xfb: case 0xfc: s[i] = 0x75; break; // ù ú û ü
        case 0xec: case 0xed: case 0xee: case 0xef: s[i] = 0x69; break; // ì í î ï
      }
    }
    var last = s[n - 1], prev = s[n - 2];
    switch (last) {
      case 0x65: // e
        return s.slice(0, prev === 0x69 || prev === 0x68 ? n - 2 : n - 1);
      case 0x69: // i
        return s.slice(0, prev === 0x68 || prev === 0x69 ? n - 2 : n - 1);
      case 0x61: // a
      case 0x6f: // o
        return s.slice(0, prev === 0x69 ? n - 2 : n - 1);
    }
    return s;
  }

  // porter is github.com/blevesearch/go-porterstemmer's StemWithoutLowerCasing, with its
  // departures from Porter's algorithm.
  var porter = (function () {
    function cons(s, i) {
      switch (s[i]) {
        case 0x61: case 0x65: case 0x69: case 0x6f: case 0x75: return false;
        case 0x79: return i === 0 ? true : !cons(s, i - 1);
      }
      return true;
    }
    function measure(s, n) { // of s[:n]
      var m = 0, i = 0;
      if (n === 0) { return 0; }
      while (cons(s, i)) {
        i++;
        if (i >= n) { return m; }
      }
      while (i < n) {
        while (!cons(s, i)) {
          i++;
          if (i >= n) { return m; }
        }
        while (cons(s, i)) {
          i++;
          if (i >= n) { return m + 1; }
        }
        m++;
      }
      return m;
    }
    function ends(s, n, suffix) { // s[:n] ends with suffix, and is longer
      var k = suffix.length;
      if (n - 1 <= k - 1) { return false; }
      for (var i = 0; i < k; i++) {
        if (s[n - k + i] !== suffix.charCodeAt(i)) { return false; }
      }
      return true;
    }
    function vowel(s, n) {
      for (var i = 0; i < n; i++) {
        if (!cons(s, i)) { return true; }
      }
      return false;
    }
    function doubleC(s, n) { return n >= 2 && s[n - 1] === s[n - 2] && cons(s, n - 1); }
    function cvc(s, n) { return n >= 3 && cons(s, n - 3) && !cons(s, n - 2) && cons(s, n - 1); }
    function wxy(c) { return c === 0x77 || c === 0x78 || c === 0x79; }

    function step1a(s) {
      var n = s.length;
      if (ends(s, n, "sses") || ends(s, n, "ies")) { return s.slice(0, n - 2); }
      if (ends(s, n, "ss")) { return s; }
      if (ends(s, n, "s")) { return s.slice(0, n - 1); }
      return s;
    }
    function step1bRest(s, n, k, setE) {
      // s[:n-k] is what precedes the suffix (ed or ing), which has a vowel
      var b = n - k, c = s[b - 1];
      if (ends(s, b, "at") || ends(s, b, "bl") || ends(s, b, "iz")) {
        var r = s.slice(0, b + 1);
        if (setE) { r[b] = 0x65; }
        return r;
      }
      if (c !== 0x6c && c !== 0x73 && c !== 0x7a && doubleC(s, b)) { return s.slice(0, b - 1); }
      if (measure(s, b) === 1 && cvc(s, b) && !wxy(c)) {
        var e = s.slice(0, b + 1);
        e[b] = 0x65;
        return e;
      }
      return s.slice(0, b);
    }
    function step1b(s) {
      var n = s.length;
      if (ends(s, n, "eed")) { return measure(s, n - 3) > 0 ? s.slice(0, n - 1) : s; }
      if (ends(s, n, "ed")) { return vowel(s, n - 2) ? step1bRest(s, n, 2, false) : s; }
      if (ends(s, n, "ing")) { return vowel(s, n - 3) ? step1bRest(s, n, 3, true) : s; }
      return s;
    }
    function step1c(s) {
      var n = s.length;
      if (n < 2) { return s; }
      if (s[n - 1] === 0x79 && vowel(s, n - 1)) { s = s.slice(); s[n - 1] = 0x69; }
      else if (s[n - 1] === 0x59 && vowel(s, n - 1)) { s = s.slice(); s[n - 1] = 0x49; }
      return s;
    }
    // rule: [suffix, function(s, n) returning the new s]; the first suffix that matches
    // decides, whether or not its condition holds.
    function set(s, i, c) { s = s.slice(); s[i] = c; return s; }
    var step2Rules = [
      ["ational", function (s, n) { return set(s, n - 5, 0x65).slice(0, n - 4); }],
      ["tional", function (s, n) { return s.slice(0, n - 2); }],
      ["enci", function (s, n) { return set(s, n - 1, 0x65); }],
      ["anci", function (s, n) { return set(s, n - 1, 0x65); }],
      ["izer", function (s, n) { return s.slice(0, n - 1); }],
      ["bli", function (s, n) { return set(s, n - 1, 0x65); }],
      ["alli", function (s, n) { return s.slice(0, n - 2); }],
      ["entli", function (s, n) { return s.slice(0, n - 2); }],
      ["eli", function (s, n) { return s.slice(0, n - 2); }],
      ["ousli", function (s, n) { return s.slice(0, n - 2); }],
      ["ization", function (s, n) { return set(s, n - 5, 0x65).slice(0, n - 4); }],
      ["ation", function (s, n) { return set(s, n - 3, 0x65).slice(0, n - 2); }],
      ["ator", function (s, n) { return set(s, n - 2, 0x65).slice(0, n - 1); }],
      ["alism", function (s, n) { return s.slice(0, n - 3); }],
      ["iveness", function (s, n) { return s.slice(0, n - 4); }],
      ["fulness", function (s, n) { return s.slice(0, n - 4); }],
      ["ousness", function (s, n) { return s.slice(0, n - 4); }],
      ["aliti", function (s, n) { return s.slice(0, n - 3); }],
      ["iviti", function (s, n) { return set(s, n - 3, 0x65).slice(0, n - 2); }],
      ["biliti", function (s, n) { return set(set(s, n - 5, 0x6c), n - 4, 0x65).slice(0, n - 3); }],
      ["logi", function (s, n) { return s.slice(0, n - 1); }]
    ];
    function step2(s) {
      var n = s.length;
      for (var i = 0; i < step2Rules.length; i++) {
        var suf = step2Rules[i][0];
        if (ends(s, n, suf)) {
          return measure(s, n - suf.length) > 0 ? step2Rules[i][1](s, n) : s;
        }
      }
      return s;
    }
    var step3Rules = [["icate", 3], ["ative", 5], ["alize", 3], ["iciti", 3], ["ical", 2], ["ful", 3], ["ness", 4]];
    function step3(s) {
      var n = s.length;
      for (var i = 0; i < step3Rules.length; i++) {
        var suf = step3Rules[i][0];
        if (ends(s, n, suf)) {
          return measure(s, n - suf.length) > 0 ? s.slice(0, n - step3Rules[i][1]) : s;
        }
      }
      return s;
    }
    var step4Rules = ["al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment", "ent", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize"];
    function step4(s) {
      var n = s.length;
      for (var i = 0; i < step4Rules.length; i++) {
        var suf = step4Rules[i];
        if (ends(s, n, suf)) {
          var b = n - suf.length;
          if (suf === "ion") {
            return measure(s, b) > 1 && (s[b - 1] === 0x73 || s[b - 1] === 0x74) ? s.slice(0, b) : s;
          }
          return measure(s, b) > 1 ? s.slice(0, b) : s;
        }
      }
      return s;
    }
    function step5a(s) {
      var n = s.length;
      if (s[n - 1] === 0x65) {
        var m = measure(s, n - 1);
        if (m > 1) { return s.slice(0, n - 1); }
        if (m === 1 && !(cvc(s, n - 1) && !wxy(s[n - 2]))) { return s.slice(0, n - 1); }
      }
      return s;
    }
    function step5b(s) {
      var n = s.length;
      if (n > 2 && s[n - 2] === 0x6c && s[n - 1] === 0x6c && measure(s, n - 1) > 1) { return s.slice(0, n - 1); }
      return s;
    }
    return function (s) {
      if (s.length <= 2) { return s; }
      return step5b(step5a(step4(step3(step2(step1c(step1b(step1a(s))))))));
    };
  })();

  // Analyzer builds the chain that the bundle's meta names for a language.
  function Analyzer(tables, def) {
    var chars = def.char_filters || [], filters = def.token_filters || [];
    chars.forEach(function (c) {
      if (c !== "asciifolding") { throw new Error("unknown character filter " + c); }
    });
    if (def.tokenizer !== "unicode") { throw new Error("unknown tokenizer " + def.tokenizer); }
    this.tables = tables;
    this.chars = chars;
    this.steps = filters.map(function (f) {
      switch (f) {
        case "to_lower": return function (s) { return toLower(tables, s); };
        case "elision_it": return function (s) { return elision(tables.maps.articles_it, s); };
        case "stop_it": case "stop_en":
          var stop = tables.maps[f];
          return function (s) { return stop.has(fromCodePoints(s)) ? null : s; };
        case "stemmer_it_light": return italianLight;
        case "possessive_en": return possessive;
        case "stemmer_porter": return porter;
      }
      throw new Error("unknown token filter " + f);
    });
  }
  // tokens analyses text: its tokens, each with its term (a string) and its offsets.
  // With character filters, offsets are those of the filtered text.
  Analyzer.prototype.tokens = function (text) {
    for (var c = 0; c < this.chars.length; c++) { text = asciiFold(this.tables, text); }
    var out = [], toks = tokenize(this.tables, text);
    next: for (var i = 0; i < toks.length; i++) {
      var s = toks[i].term;
      for (var k = 0; k < this.steps.length; k++) {
        s = this.steps[k](s);
        if (s === null) { continue next; }
      }
      out.push({ term: fromCodePoints(s), start: toks[i].start, end: toks[i].end });
    }
    return out;
  };
  Analyzer.prototype.terms = function (text) {
    return this.tokens(text).map(function (t) { return t.term; });
  };

  // ---- The bundle ------------------------------------------------------------------

  function Bundle(base) {
    this.base = base; // the URL of the bundle's folder, ending in /
    this.cache = new Map();
    this.meta = null;
    this.previews = new Map(); // the JSON of records that postings files carried, by document
  }
  // get fetches a file once, decompressed.
  Bundle.prototype.get = function (name) {
    var self = this, p = this.cache.get(name);
    if (!p) {
      p = fetch(this.base + name + "?v=" + this.meta.id).then(function (r) {
        if (!r.ok) { throw new Error(name + ": HTTP " + r.status); }
        return r.arrayBuffer();
      }).then(function (b) { return inflate(new Uint8Array(b)); });
      p.catch(function () { self.cache.delete(name); });
      this.cache.set(name, p);
    }
    return p;
  };
  Bundle.prototype.open = function () {
    var self = this;
    if (!this.opening) {
      this.opening = fetch(this.base + "meta.json", { cache: "no-cache" }).then(function (r) {
        if (!r.ok) { throw new Error("meta.json: HTTP " + r.status); }
        return r.json();
      }).then(function (meta) {
        if (meta.format !== "pspm-search" || meta.version !== 3) {
          throw new Error("unknown search bundle version " + meta.version);
        }
        self.meta = meta;
        self.per = meta.fields.length / meta.langs.length;
        return self.get("a.bin");
      }).then(function (bytes) {
        var tables = new Tables(bytes);
        self.tables = tables;
        self.analyzers = {};
        self.meta.langs.forEach(function (lang) {
          self.analyzers[lang] = new Analyzer(tables, self.meta.analyzers[lang]);
        });
        return self;
      });
      this.opening.catch(function () { self.opening = null; });
    }
    return this.opening;
  };

  // chunkOf is the dictionary chunk that would hold term.
  Bundle.prototype.chunkOf = function (term) {
    var c = this.meta.chunks, lo = 0, hi = c.length; // first chunk whose first term > term
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (compare(c[mid], term) > 0) { hi = mid; } else { lo = mid + 1; }
    }
    return lo - 1;
  };

  // chunk reads dictionary chunk i: its terms, by term.
  Bundle.prototype.chunk = function (i) {
    var self = this, key = "chunk:" + i, p = this.cache.get(key);
    if (!p) {
      p = this.get("d/" + i + ".bin").then(function (bytes) { return self.parseChunk(bytes); });
      this.cache.set(key, p);
    }
    return p;
  };
  Bundle.prototype.parseChunk = function (bytes) {
    var r = new Reader(bytes), n = r.uv(), out = [], prev = new Uint8Array(0);
    var nf = this.meta.fields.length, per = this.per;
    for (var k = 0; k < n; k++) {
      var shared = r.uv(), rest = r.bytes(r.uv()), tb = new Uint8Array(shared + rest.length);
      tb.set(prev.subarray(0, shared));
      tb.set(rest, shared);
      var e = { term: utf8.decode(tb), mask: r.byte(), df: new Array(nf).fill(0), loc: [] };
      for (var f = 0; f < nf; f++) {
        if (e.mask & (1 << f)) { e.df[f] = r.uv(); }
      }
      for (var l = 0; l < this.meta.langs.length; l++) {
        if (e.mask & (((1 << per) - 1) << (l * per))) {
          var loc = r.uv();
          e.loc[l] = loc % 2 ? (loc - 1) / 2 : r.bytes(loc / 2);
        }
      }
      out.push(e);
      prev = tb;
    }
    return out;
  };

  // entries finds the dictionary entries of terms, and those of the terms starting with
  // prefix (when it is not ""), loading the chunks that hold them.
  Bundle.prototype.entries = function (terms, prefix) {
    var self = this, want = new Set(), chunks = this.meta.chunks;
    terms.forEach(function (t) {
      var c = self.chunkOf(t);
      if (c >= 0) { want.add(c); }
    });
    if (prefix) {
      var first = Math.max(this.chunkOf(prefix), 0);
      for (var c = first; c < chunks.length && (c === first || chunks[c].startsWith(prefix)); c++) { want.add(c); }
    }
    var list = Array.from(want).sort(function (a, b) { return a - b; });
    return Promise.all(list.map(function (c) { return self.chunk(c); })).then(function (all) {
      var byTerm = new Map(), withPrefix = [];
      var wanted = new Set(terms);
      all.forEach(function (es) {
        es.forEach(function (e) {
          if (wanted.has(e.term)) { byTerm.set(e.term, e); }
          if (prefix && e.term.startsWith(prefix)) { withPrefix.push(e); }
        });
      });
      return { byTerm: byTerm, prefix: withPrefix };
    });
  };

  // postings reads the postings of an entry in the fields of language l: for each
  // field, {docs, freqs, lengths}.
  Bundle.prototype.postings = function (e, l) {
    var self = this, key = "post:" + e.term + ":" + l, p = this.cache.get(key);
    if (!p) {
      var loc = e.loc[l], file = typeof loc === "number";
      var bytes = file ? this.get("p/" + loc + ".bin") : Promise.resolve(loc);
      p = bytes.then(function (b) {
        var r = new Reader(b), out = {};
        for (var f = l * self.per; f < (l + 1) * self.per; f++) {
          var df = e.df[f];
          if (!df) { continue; }
          var docs = new Uint32Array(df), freqs = new Uint32Array(df), lens = new Uint32Array(df);
          column(r, df, docs, 0, true);
          column(r, df, freqs, 1, false);
          column(r, df, lens, 0, false);
          out[f] = { docs: docs, freqs: freqs, lens: lens };
        }
        if (file) { // the records of the term's best documents
          for (var n = r.uv(); n > 0; n--) {
            var doc = r.uv();
            self.previews.set(doc, r.bytes(r.uv()));
          }
        }
        return out;
      });
      this.cache.set(key, p);
    }
    return p;
  };

  // facet reads f/<name>.bin: the values of a facet, their labels and the values of
  // each document (codes[start[d]] … codes[start[d+1]-1]).
  Bundle.prototype.facet = function (name) {
    var self = this, key = "facet:" + name, p = this.cache.get(key);
    if (!p) {
      p = this.get(name === "code" ? "c.bin" : "f/" + name + ".bin").then(function (bytes) {
        var r = new Reader(bytes), N = self.meta.docs, k = r.uv(), values = [], labels = {}, j, d;
        for (j = 0; j < k; j++) {
          var v = r.str(), label = r.str();
          values.push(v);
          if (label) { labels[v] = label; }
        }
        var start = new Uint32Array(N + 1), codes = [];
        for (d = 0; d < N; d++) {
          start[d] = codes.length;
          for (var m = r.uv(); m > 0; m--) { codes.push(r.uv()); }
        }
        start[N] = codes.length;
        return { values: values, labels: labels, start: start, codes: codes };
      });
      this.cache.set(key, p);
    }
    return p;
  };

  Bundle.prototype.dates = function () {
    var self = this, p = this.cache.get("dates");
    if (!p) {
      p = this.get("t.bin").then(function (bytes) {
        var r = new Reader(bytes), out = new Float64Array(self.meta.docs);
        for (var d = 0; d < out.length; d++) {
          var v = r.uv();
          out[d] = v === 0 ? NaN : (v - 1) % 2 ? -(v) / 2 : (v - 1) / 2;
        }
        return out;
      });
      this.cache.set("dates", p);
    }
    return p;
  };

  // record is what a result shows of document d: from a preview when a postings file
  // carried it, else from its record file.
  Bundle.prototype.record = function (d) {
    var per = this.meta.records, pv = this.previews.get(d);
    if (pv) { return Promise.resolve(recordOf(JSON.parse(utf8.decode(pv)))); }
    return this.get("r/" + Math.floor(d / per) + ".bin").then(function (bytes) {
      return recordOf(JSON.parse(utf8.decode(bytes))[d % per]);
    });
  };
  function recordOf(row) {
    return {
      id: row[0], url: row[1], title: row[2], summary: row[3], lang: row[4], type: row[5],
      status: row[6], body: row[7], kind: row[8], versions: row[9], date: row[10], bodyName: row[11],
      code: row[12] || ""
    };
  }

  // ---- Queries: the semantics of generator/search/query.go ---------------------------

  // isSpace is Go's unicode.IsSpace.
  function isSpace(c) {
    return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0x85 || c === 0xa0 || c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
  }

  // fields is Go's strings.Fields.
  function fields(s) {
    var out = [], cur = "";
    for (var i = 0; i < s.length;) {
      var c = s.codePointAt(i), n = c > 0xffff ? 2 : 1;
      if (isSpace(c)) {
        if (cur) { out.push(cur); cur = ""; }
      } else {
        cur += s.substr(i, n);
      }
      i += n;
    }
    if (cur) { out.push(cur); }
    return out;
  }

  var letterOrDigit = /[\p{L}\p{Nd}]/u;

  // prefixOf is what the last word searches as a prefix: folded to ASCII, lower case,
  // after its last apostrophe, trimmed of what is neither a letter nor a digit.
  function prefixOf(tables, w) {
    var f = asciiFold(tables, w), cps = codePoints(f).cps.map(function (c) { return tables.toLower(c); });
    var a = cps.lastIndexOf(APOSTROPHE);
    cps = cps.slice(a + 1);
    var s = 0, e = cps.length;
    while (s < e && !letterOrDigit.test(String.fromCodePoint(cps[s]))) { s++; }
    while (e > s && !letterOrDigit.test(String.fromCodePoint(cps[e - 1]))) { e--; }
    return cps.slice(s, e);
  }

  // syntax is query.go's syntaxRE: whether a query uses bleve's query string syntax,
  // which only the API understands (the bundle searches its words).
  function syntax(meta, q) {
    var names = (meta.syntax || []).map(function (n) { return n.replace(/[^a-z0-9_]/g, ""); }).join("|");
    return new RegExp('"|(?:^|\\s)[+-]\\S|\\S~\\d*(?:\\s|$)' + (names ? "|(?:^|[\\s(+-])(?:" + names + "):" : "")).test(q);
  }

  // plan turns a query into words of clauses: {term, f, boost} or {prefix, f, boost}.
  function plan(bundle, q) {
    var words = fields(q), meta = bundle.meta, out = [];
    words.forEach(function (w, i) {
      var clauses = [];
      meta.langs.forEach(function (lang, l) {
        var seen = [];
        bundle.analyzers[lang].terms(w).forEach(function (t) {
          if (seen.indexOf(t) < 0) { seen.push(t); }
        });
        for (var k = 0; k < bundle.per; k++) {
          var f = l * bundle.per + k;
          seen.forEach(function (t) { clauses.push({ term: t, f: f, boost: meta.boosts[f] }); });
        }
      });
      if (i === words.length - 1) {
        var p = prefixOf(bundle.tables, w);
        if (p.length >= 2) {
          var ps = fromCodePoints(p);
          for (var f = 0; f < meta.fields.length; f++) { clauses.push({ prefix: ps, f: f, boost: meta.boosts[f] }); }
        }
      }
      if (clauses.length) { out.push(clauses); }
    });
    return out;
  }

  // score finds the documents of a query, scored as bleve's default tf-idf model does
  // (see query.go): {docs: Uint32Array, scores: Float64Array} of every match.
  function score(bundle, words) {
    var terms = new Set(), prefix = "";
    words.forEach(function (cs) {
      cs.forEach(function (c) {
        if (c.term !== undefined) { terms.add(c.term); } else { prefix = c.prefix; terms.add(c.prefix); }
      });
    });
    var N = bundle.meta.docs;
    return bundle.entries(Array.from(terms), prefix).then(function (dict) {
      // Every term searcher, with its idf; each clause is one leaf or an OR of leaves.
      var leaves = [], sumSq = 0;
      function leaf(e, term, f, boost) {
        var df = e ? e.df[f] : 0, idf = 1 + Math.log(N / (df + 1));
        var lf = { e: e, f: f, idf: idf, boost: boost, df: df };
        sumSq += (boost * idf) * (boost * idf);
        leaves.push(lf);
        return lf;
      }
      var shaped = words.map(function (cs) {
        return cs.map(function (c) {
          if (c.term !== undefined) { return [leaf(dict.byTerm.get(c.term), c.term, c.f, c.boost)]; }
          var ts = dict.prefix.filter(function (e) { return e.df[c.f] > 0; });
          if (ts.length === 0 || (ts.length === 1 && ts[0].term === c.prefix)) {
            return [leaf(dict.byTerm.get(c.prefix), c.prefix, c.f, c.boost)];
          }
          return ts.map(function (e) { return leaf(e, e.term, c.f, c.boost); });
        });
      });
      var qnorm = 1 / Math.sqrt(sumSq);
      var per = bundle.per;
      return Promise.all(leaves.map(function (lf) {
        if (!lf.df) { return null; }
        return bundle.postings(lf.e, Math.floor(lf.f / per)).then(function (ps) { lf.p = ps[lf.f]; });
      })).then(function () {
        // Sums and counts by document: the bundle's, zero between queries (each entry
        // touched is reset once read), so that a query allocates none of them.
        var z = bundle.sums;
        if (!z) {
          z = bundle.sums = {
            topSum: new Float64Array(N), topCnt: new Uint16Array(N), wSum: new Float64Array(N),
            wCnt: new Uint16Array(N), cSum: new Float64Array(N), cCnt: new Uint16Array(N)
          };
        }
        var topSum = z.topSum, topCnt = z.topCnt, wSum = z.wSum, wCnt = z.wCnt, cSum = z.cSum, cCnt = z.cCnt;
        var touched = [], wTouched = [], cTouched = [];
        shaped.forEach(function (clauses) {
          wTouched.length = 0;
          clauses.forEach(function (ls) {
            cTouched.length = 0;
            ls.forEach(function (lf) {
              if (!lf.p) { return; }
              var qw = lf.boost * lf.idf * qnorm, p = lf.p;
              for (var i = 0; i < p.docs.length; i++) {
                var d = p.docs[i], s = Math.sqrt(p.freqs[i]) * Math.fround(1 / Math.sqrt(p.lens[i])) * lf.idf;
                if (qw !== 1) { s *= qw; }
                if (cCnt[d] === 0) { cTouched.push(d); }
                cSum[d] += s;
                cCnt[d]++;
              }
            });
            var coord = ls.length;
            cTouched.forEach(function (d) {
              var s = coord === 1 ? cSum[d] : cSum[d] * (cCnt[d] / coord);
              if (wCnt[d] === 0) { wTouched.push(d); }
              wSum[d] += s;
              wCnt[d]++;
              cSum[d] = 0;
              cCnt[d] = 0;
            });
          });
          var n = clauses.length;
          wTouched.forEach(function (d) {
            if (topCnt[d] === 0) { touched.push(d); }
            topSum[d] += wSum[d] * (wCnt[d] / n);
            topCnt[d]++;
            wSum[d] = 0;
            wCnt[d] = 0;
          });
        });
        var m = shaped.length, docs = Uint32Array.from(touched).sort(), scores = new Float64Array(docs.length);
        for (var i = 0; i < docs.length; i++) {
          var d = docs[i];
          scores[i] = topSum[d] * (topCnt[d] / m);
          topSum[d] = 0;
          topCnt[d] = 0;
        }
        return { docs: docs, scores: scores };
      });
    });
  }

  // codeKey is the code a query may be, in lower case, or "" (query.go's codeKey): one
  // word of ASCII letters, digits and . - _ /, with a digit or one of . _ /.
  function codeKey(q) {
    if (q === "" || q.length > 40 || !/^[A-Za-z0-9._\/-]+$/.test(q) || !/[0-9._\/]/.test(q)) { return ""; }
    return q.toLowerCase();
  }

  // byCode adds to the matches m of a query that may be a code (key) the documents whose
  // code is key (tier 0) or starts with it (tier 1, key of 2 characters or more), scored
  // 0 when their words do not match: {docs, scores, tiers, keys}, docs in order.
  function byCode(bundle, m, key) {
    return bundle.facet("code").then(function (c) {
      var tierOf = c.values.map(function (v) {
        return v === key ? 0 : key.length >= 2 && v.lastIndexOf(key, 0) === 0 ? 1 : -1;
      });
      var N = bundle.meta.docs, at = new Map(), docs = [], scores = [], tiers = [], keys = [];
      for (var i = 0; i < m.docs.length; i++) { at.set(m.docs[i], m.scores[i]); }
      var found = new Map();
      for (var d = 0; d < N; d++) {
        for (var j = c.start[d]; j < c.start[d + 1]; j++) {
          if (tierOf[c.codes[j]] >= 0) { found.set(d, c.codes[j]); }
        }
      }
      var all = Array.from(new Set(Array.prototype.slice.call(m.docs).concat(Array.from(found.keys())))).sort(function (a, b) { return a - b; });
      all.forEach(function (d) {
        docs.push(d);
        scores.push(at.has(d) ? at.get(d) : 0);
        var v = found.get(d);
        tiers.push(v === undefined ? 2 : tierOf[v]);
        keys.push(v === undefined ? "" : c.values[v]);
      });
      return { docs: Uint32Array.from(docs), scores: Float64Array.from(scores), tiers: tiers, keys: keys };
    });
  }

  // Facets as the API names them, and the filter of each.
  var FACETS = ["type", "status", "body", "tags", "versions"];
  var FILTERS = { type: "type", status: "status", body: "body", tag: "tags", version: "versions", lang: "lang" };

  // Engine answers requests from the bundle: {q, type, status, body, tag, version, lang,
  // page} → {total, page, size, hits, facets}, as the API does.
  function Engine(bundle) {
    this.bundle = bundle;
    this.results = new Map(); // scored matches by query, the last few
  }
  Engine.prototype.matches = function (q) {
    var self = this, b = this.bundle, hit = this.results.get(q);
    if (hit) { return hit; }
    var p;
    var words = plan(b, q);
    if (fields(q).length === 0) {
      p = b.dates().then(function (dates) { // every document, newest first
        var docs = new Uint32Array(b.meta.docs);
        for (var d = 0; d < docs.length; d++) { docs[d] = d; }
        return { docs: docs, scores: null, dates: dates };
      });
    } else if (words.length === 0) {
      p = Promise.resolve({ docs: new Uint32Array(0), scores: new Float64Array(0) });
    } else {
      p = score(b, words);
    }
    var key = syntax(b.meta, q) ? "" : codeKey(q);
    if (key) {
      p = p.then(function (m) { return byCode(b, m, key); });
    }
    this.results.set(q, p);
    p.catch(function () { self.results.delete(q); });
    if (this.results.size > 20) { this.results.delete(this.results.keys().next().value); }
    return p;
  };
  // search answers req. req.facets lists the facets to count (all of them when absent):
  // the others are not loaded, unless a filter needs them.
  Engine.prototype.search = function (req) {
    var b = this.bundle, q = (req.q || "").trim(), size = 10, page = Math.max(1, req.page | 0);
    var count = req.facets || FACETS, load = {};
    count.forEach(function (name) { load[name] = true; });
    Object.keys(FILTERS).forEach(function (k) {
      if (req[k]) { load[FILTERS[k]] = true; }
    });
    var names = Object.keys(load);
    return Promise.all([this.matches(q)].concat(names.map(function (name) { return b.facet(name); }))).then(function (r) {
      var m = r[0], facets = {}, keep = [], filters = [];
      names.forEach(function (name, i) { facets[name] = r[i + 1]; });
      Object.keys(FILTERS).forEach(function (k) {
        if (req[k]) {
          var f = facets[FILTERS[k]];
          filters.push({ f: f, code: f.values.indexOf(req[k]) });
        }
      });
      for (var i = 0; i < m.docs.length; i++) {
        var d = m.docs[i], ok = true;
        for (var k = 0; k < filters.length && ok; k++) {
          var f = filters[k].f;
          ok = false;
          for (var j = f.start[d]; j < f.start[d + 1]; j++) { ok = ok || f.codes[j] === filters[k].code; }
        }
        if (ok) { keep.push(i); }
      }
      var order = m.tiers ? function (x, y) {
        return (m.tiers[x] - m.tiers[y]) || compare(m.keys[x], m.keys[y]) || m.scores[y] - m.scores[x] || m.docs[x] - m.docs[y];
      } : m.scores ? function (x, y) { return m.scores[y] - m.scores[x] || m.docs[x] - m.docs[y]; } :
        function (x, y) {
          var a = m.dates[m.docs[x]], c = m.dates[m.docs[y]];
          if (isNaN(a) !== isNaN(c)) { return isNaN(a) ? 1 : -1; }
          return (c - a) || m.docs[x] - m.docs[y];
        };
      // Facets of the whole result.
      var counts = {};
      count.forEach(function (name) {
        var f = facets[name];
        var c = new Uint32Array(f.values.length);
        keep.forEach(function (i) {
          var d = m.docs[i];
          for (var j = f.start[d]; j < f.start[d + 1]; j++) { c[f.codes[j]]++; }
        });
        var list = [];
        c.forEach(function (n, v) {
          if (n > 0) { list.push({ value: f.values[v], count: n, label: f.labels[f.values[v]] }); }
        });
        list.sort(function (x, y) {
          if (name === "type") { return typeRank(b.meta.types, x.value) - typeRank(b.meta.types, y.value); }
          return (y.count - x.count) || compare(x.value, y.value);
        });
        counts[name] = list;
      });
      var shown = first(keep, page * size, order).slice((page - 1) * size);
      return Promise.all(shown.map(function (i) {
        return b.record(m.docs[i]).then(function (rec) {
          rec.score = m.scores ? m.scores[i] : 0;
          return rec;
        });
      })).then(function (hits) {
        return { total: keep.length, page: page, size: size, hits: hits, facets: counts };
      });
    });
  };

  // first returns the first k of list in the order of before (a strict total order), as
  // list.sort(before).slice(0, k) would, without sorting the whole list.
  function first(list, k, before) {
    if (k * 8 >= list.length) { return list.slice().sort(before).slice(0, k); }
    var out = [];
    for (var i = 0; i < list.length; i++) {
      var x = list[i];
      if (out.length === k && before(x, out[k - 1]) >= 0) { continue; }
      var lo = 0, hi = out.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (before(out[mid], x) < 0) { lo = mid + 1; } else { hi = mid; }
      }
      out.splice(lo, 0, x);
      if (out.length > k) { out.pop(); }
    }
    return out;
  }

  function typeRank(types, t) {
    var i = types.indexOf(t);
    return i < 0 ? types.length : i;
  }

  // ---- The page --------------------------------------------------------------------

  var PARAMS = ["q", "type", "status", "body", "tag", "version", "lang", "page"];
  var FACET_PARAM = { type: "type", status: "status", body: "body", tags: "tag", versions: "version" };
  var EAGER = ["type", "status", "versions"]; // the short facets; bodies and tags load when opened

  function format(s, args) {
    var i = 0;
    return s.replace(/%[sd]/g, function () { return String(args[i++]); });
  }

  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (attrs[k] !== undefined && attrs[k] !== null && attrs[k] !== false) { e.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) { e.appendChild(typeof c === "string" ? document.createTextNode(c) : c); }
    });
    return e;
  }

  // safeHTML copies the text and the <mark> elements of an HTML fragment (the API's
  // highlights), and nothing else.
  function safeHTML(html) {
    var out = document.createDocumentFragment();
    var doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    (function copy(from, to) {
      from.childNodes.forEach(function (n) {
        if (n.nodeType === 3) {
          to.appendChild(document.createTextNode(n.nodeValue));
        } else if (n.nodeType === 1) {
          var into = n.nodeName === "MARK" ? to.appendChild(document.createElement("mark")) : to;
          copy(n, into);
        }
      });
    })(doc.body, out);
    return out;
  }

  function stateOf(search) {
    var u = new URLSearchParams(search), st = {};
    PARAMS.forEach(function (k) { st[k] = u.get(k) || ""; });
    st.page = Math.max(1, parseInt(st.page, 10) || 1);
    return st;
  }

  function queryString(st) {
    var u = new URLSearchParams();
    PARAMS.forEach(function (k) {
      if (k === "page" ? st.page > 1 : st[k]) { u.set(k, st[k]); }
    });
    var s = u.toString();
    return s ? "?" + s : "";
  }

  function App(root) {
    var self = this;
    this.root = root;
    this.strings = JSON.parse(root.dataset.strings || "{}");
    this.base = root.dataset.base || "/";
    this.lang = document.documentElement.lang;
    this.title = document.title;
    this.bundle = new Bundle(root.dataset.bundle);
    this.engine = new Engine(this.bundle);
    var api = document.querySelector('meta[name="pspm-search-api"]');
    this.api = api ? api.content : "";
    this.opened = {}; // the long facets a reader opened: they are counted from then on
    this.shown = {}; // whether each facet is open, once a reader opened or closed it
    this.seq = 0;
    this.form = document.getElementById("search-form");
    this.input = document.getElementById("search-q");
    this.status = document.getElementById("search-status");
    this.results = document.getElementById("search-results");
    this.hitsList = document.getElementById("search-hits");
    this.pager = document.getElementById("search-pager");
    this.filters = document.getElementById("search-filters");
    this.facetsBox = document.getElementById("search-facets");
    this.toFilters = document.getElementById("search-tofilters");
    this.fallback = document.getElementById("search-fallback");
    this.fallbackText = document.getElementById("search-fallback-text");

    if (!this.api && !(window.fetch && window.DecompressionStream)) { return; } // the page stays as it is
    this.fallback.hidden = true;
    root.hidden = false;
    this.state = stateOf(location.search);
    this.input.value = this.state.q;

    var timer = 0;
    this.input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        if (self.input.value === self.state.q) { return; }
        self.state.q = self.input.value;
        self.state.page = 1;
        history.replaceState(null, "", location.pathname + queryString(self.state));
        self.run();
      }, 200);
    });
    this.input.addEventListener("focus", function () { self.warm(); });
    this.form.addEventListener("submit", function (e) {
      e.preventDefault();
      clearTimeout(timer);
      self.navigate({ q: self.input.value, page: 1 });
    });
    root.addEventListener("click", function (e) {
      var a = e.target.closest("a[data-nav]");
      if (!a || e.button !== 0 || e.ctrlKey || e.metaKey || e.shiftKey || e.altKey) { return; }
      e.preventDefault();
      self.navigate(stateOf(a.search), a.dataset.nav);
    });
    root.addEventListener("toggle", function (e) {
      var name = e.target.dataset && e.target.dataset.facet;
      if (!name || !e.target.isConnected) { return; }
      self.shown[name] = e.target.open;
      if (e.target.open && EAGER.indexOf(name) < 0 && !self.opened[name]) {
        self.opened[name] = true;
        self.run(name);
      }
    }, true);
    window.addEventListener("popstate", function () {
      self.state = stateOf(location.search);
      self.input.value = self.state.q;
      self.run();
    });
    if (this.active()) { this.run(); } else { this.show(null); }
  }

  // t formats the string key with the arguments; a count as the first argument picks the
  // language's CLDR plural form, key + ".one" (".few", ...), when the language file has it,
  // and is written with the language's digit grouping.
  // localNumber writes n with the page language's digit grouping ("12.000" in Italian).
  function localNumber(n) {
    try { return n.toLocaleString(document.documentElement.lang || "en"); } catch (e) { return String(n); }
  }

  App.prototype.t = function (key) {
    var args = Array.prototype.slice.call(arguments, 1), s = this.strings[key];
    var lang = document.documentElement.lang || "en";
    if (typeof args[0] === "number") {
      var form = ".other";
      try { form = "." + new Intl.PluralRules(lang).select(args[0]); } catch (e) { form = args[0] === 1 ? ".one" : ".other"; }
      if (this.strings[key + form] !== undefined) { s = this.strings[key + form]; }
    }
    args = args.map(function (a) {
      if (typeof a !== "number") { return a; }
      try { return a.toLocaleString(lang); } catch (e) { return String(a); }
    });
    return s === undefined ? key : format(s, args);
  };

  // active says whether there is anything to search: words or a filter.
  App.prototype.active = function () {
    var st = this.state;
    return !!(st.q.trim() || st.type || st.status || st.body || st.tag || st.version || st.lang);
  };

  // warm loads the start of the bundle before the first query.
  App.prototype.warm = function () {
    if (!this.api) { this.bundle.open().catch(function () {}); }
  };

  // navigate goes to a new state, in the history.
  App.prototype.navigate = function (next, focus) {
    var st = {};
    PARAMS.forEach(function (k) { st[k] = k in next ? next[k] : this.state[k]; }, this);
    st.page = Math.max(1, st.page | 0 || 1);
    this.state = st;
    this.input.value = st.q;
    var url = location.pathname + queryString(st);
    if (url !== location.pathname + location.search) { history.pushState(null, "", url); }
    this.run(null, focus);
  };

  App.prototype.request = function () {
    var st = this.state, req = {};
    PARAMS.forEach(function (k) { req[k] = st[k]; });
    req.facets = EAGER.concat(Object.keys(this.opened));
    if (st.body && req.facets.indexOf("body") < 0) { req.facets.push("body"); }
    if (st.tag && req.facets.indexOf("tags") < 0) { req.facets.push("tags"); }
    return req;
  };

  // run searches the current state and shows the result.
  App.prototype.run = function (opened, focus) {
    var self = this, seq = ++this.seq;
    if (!this.active()) { this.show(null); return Promise.resolve(); }
    if (!opened) { this.status.textContent = this.t("loading"); }
    var req = this.request();
    var p = this.api ? this.fromAPI(req) : this.bundle.open().then(function () { return self.engine.search(req); });
    return p.then(function (res) {
      if (seq !== self.seq) { return; }
      self.show(res, focus);
    }).catch(function (err) {
      if (seq !== self.seq) { return; }
      self.results.hidden = true;
      self.filters.hidden = true;
      self.toFilters.hidden = true;
      if (err.user) {
        self.status.textContent = err.user;
        return;
      }
      if (window.console) { console.error("pspm search:", err); }
      self.status.textContent = self.t("error");
      self.fallbackText.textContent = self.t("error");
      self.fallback.hidden = false;
    });
  };

  // fromAPI asks the preview server's search API.
  App.prototype.fromAPI = function (req) {
    var self = this, u = new URLSearchParams();
    ["q", "type", "status", "body", "tag", "version", "lang"].forEach(function (k) {
      if (req[k]) { u.set(k, req[k]); }
    });
    if (req.page > 1) { u.set("page", req.page); }
    return fetch(this.api + (this.api.indexOf("?") < 0 ? "?" : "&") + u.toString(), { headers: { Accept: "application/json" } })
      .then(function (r) {
        if (r.status === 400) { // the query's fault: the API says why
          return r.json().then(function (e) {
            var err = new Error(e.error);
            err.user = e.error;
            throw err;
          });
        }
        if (!r.ok) { throw new Error("search API: HTTP " + r.status); }
        return r.json();
      }).then(function (res) {
        // Bodies' names, from the bundle when the site has one.
        return self.bundle.open().then(function () { return self.bundle.facet("body"); })
          .then(function (f) { res.bodyLabels = f.labels; return res; }, function () { return res; });
      });
  };

  // terms are, by language, the terms of the query and its prefix, to mark in results.
  App.prototype.terms = function () {
    var b = this.bundle, out = { prefix: "" };
    if (!b.meta) { return out; }
    b.meta.langs.forEach(function (lang) { out[lang] = new Set(); });
    plan(b, this.state.q).forEach(function (cs) {
      cs.forEach(function (c) {
        if (c.term !== undefined) { out[b.meta.langs[Math.floor(c.f / b.per)]].add(c.term); } else { out.prefix = c.prefix; }
      });
    });
    return out;
  };

  // marked writes text with the words whose terms match the query in <mark>.
  App.prototype.marked = function (text, lang, terms) {
    var b = this.bundle, frag = document.createDocumentFragment(), at = 0;
    var a = b.analyzers && b.analyzers[lang], set = terms[lang];
    if (!a || !set) { frag.appendChild(document.createTextNode(text)); return frag; }
    tokenize(b.tables, text).forEach(function (tok) {
      var word = text.slice(tok.start, tok.end);
      var hit = a.terms(word).some(function (t) { return set.has(t) || (terms.prefix && t.startsWith(terms.prefix)); });
      if (!hit) { return; }
      frag.appendChild(document.createTextNode(text.slice(at, tok.start)));
      frag.appendChild(el("mark", {}, [word]));
      at = tok.end;
    });
    frag.appendChild(document.createTextNode(text.slice(at)));
    return frag;
  };

  App.prototype.label = function (facet, value, res) {
    switch (facet) {
      case "type": return this.strings["type." + value] || value;
      case "status": return this.strings["status." + value] || value;
      case "versions": return value === "draft" ? this.t("draft") : this.t("version", value);
      case "body":
        var labels = res && (res.bodyLabels || (res.facetLabels && res.facetLabels.body));
        return (labels && labels[value]) || value;
    }
    return value;
  };

  App.prototype.link = function (change) {
    var st = {};
    PARAMS.forEach(function (k) { st[k] = this.state[k]; }, this);
    Object.keys(change).forEach(function (k) { st[k] = change[k]; });
    return location.pathname + queryString(st);
  };

  // show draws a result, or the empty page for null.
  App.prototype.show = function (res, focus) {
    var self = this, st = this.state, key = document.activeElement && document.activeElement.dataset &&
      document.activeElement.dataset.key;
    this.hitsList.textContent = "";
    this.pager.textContent = "";
    this.facetsBox.textContent = "";
    if (!res) {
      document.title = this.title;
      this.status.textContent = "";
      this.results.hidden = true;
      this.filters.hidden = true;
      this.toFilters.hidden = true;
      return;
    }
    var q = st.q.trim();
    document.title = q ? q + " – " + this.title : this.title;
    var count = res.total === 1 ? this.t("results.one") : res.total === 0 ? this.t("none") : this.t("results", res.total);
    var msg = q ? count + " " + this.t("for", q) : count;
    if (!this.api && q && syntax(this.bundle.meta, q)) { msg += ". " + this.t("syntax"); }
    this.status.textContent = msg;
    this.results.hidden = res.total === 0;
    var terms = this.api ? null : this.terms();
    res.hits.forEach(function (h) {
      var other = h.lang && h.lang !== self.lang ? h.lang : null;
      var title = el("a", { href: self.base + h.url.replace(/^\//, "") });
      var summary = el("p", { class: "summary" });
      if (h.code) { title.appendChild(el("span", { class: "code" }, [h.code])); title.appendChild(document.createTextNode(" ")); }
      if (terms) {
        title.appendChild(self.marked(h.title, h.lang, terms));
        summary.appendChild(self.marked(h.summary || "", h.lang, terms));
      } else {
        title.appendChild(h.title_html ? safeHTML(h.title_html) : document.createTextNode(h.title));
        summary.appendChild(h.highlight ? safeHTML(h.highlight) : document.createTextNode(h.summary || ""));
      }
      var meta = el("p", { class: "meta" }, [el("span", { class: "badge" }, [self.label("type", h.type)])]);
      if (h.status) { meta.appendChild(el("span", { class: "badge status-" + h.status }, [self.label("status", h.status)])); }
      if (h.body && h.type !== "body") { meta.appendChild(el("span", {}, [h.bodyName || self.label("body", h.body, res)])); }
      if (other) { meta.appendChild(el("span", { lang: other }, [self.strings["lang." + other] || other])); }
      self.hitsList.appendChild(el("li", { class: "search-hit", lang: other }, [el("h3", {}, [title]), meta, h.summary ? summary : null]));
    });
    // Pages.
    var pages = Math.ceil(res.total / res.size);
    this.pager.hidden = pages <= 1;
    if (pages > 1) {
      var items = [];
      if (res.page > 1) { items.push(el("li", {}, [el("a", { href: this.link({ page: res.page - 1 }), "data-nav": "results", "data-key": "prev" }, [this.t("prev")])])); }
      items.push(el("li", {}, [el("span", { "aria-current": "page" }, [this.t("of", res.page, pages)])]));
      if (res.page < pages) { items.push(el("li", {}, [el("a", { href: this.link({ page: res.page + 1 }), "data-nav": "results", "data-key": "next" }, [this.t("next")])])); }
      this.pager.appendChild(el("ul", {}, items));
    }
    // Facets.
    var any = false;
    FACETS.forEach(function (name) {
      var param = FACET_PARAM[name], active = st[param], values = res.facets[name];
      var lazy = EAGER.indexOf(name) < 0;
      if (!values && !lazy) { return; }
      if (values && values.length === 0 && !active) { return; }
      any = true;
      var list = el("ul", {});
      (values || []).forEach(function (v, i) {
        var on = v.value === active, text = self.label(name, v.value, res);
        var a = el("a", {
          href: self.link(Object.fromEntries([[param, on ? "" : v.value], ["page", 1]])),
          "data-nav": "filters", "data-key": name + ":" + v.value, "aria-current": on ? "true" : null
        }, [text, " ", el("span", { class: "count" }, [localNumber(v.count)])]);
        if (on) { a.appendChild(el("span", { class: "visually-hidden" }, [" (" + self.t("active") + ")"])); }
        list.appendChild(el("li", { hidden: i >= 10 && !on ? "" : null }, [a]));
      });
      var open = name in self.shown ? self.shown[name] : !lazy || !!active;
      var box = el("details", { class: "facet", "data-facet": name, open: open ? "" : null },
        [el("summary", {}, [self.t("facet." + name)]), values ? list : null]);
      if (values && values.length > 10) {
        var more = el("button", { type: "button", class: "link-button", "data-key": name + ":more" }, [self.t("more", values.length - 10)]);
        more.addEventListener("click", function () {
          list.querySelectorAll("li[hidden]").forEach(function (li) { li.hidden = false; });
          more.remove();
          var first = list.querySelectorAll("li")[10];
          if (first) { first.querySelector("a").focus(); }
        });
        box.appendChild(more);
      }
      self.facetsBox.appendChild(box);
    });
    var filtered = ["type", "status", "body", "tag", "version", "lang"].some(function (k) { return st[k]; });
    if (filtered) {
      var clear = {};
      ["type", "status", "body", "tag", "version", "lang", "page"].forEach(function (k) { clear[k] = k === "page" ? 1 : ""; });
      this.facetsBox.appendChild(el("p", {}, [el("a", { href: this.link(clear), "data-nav": "filters", "data-key": "clear" }, [this.t("clear")])]));
    }
    this.filters.hidden = !any && !filtered;
    this.toFilters.hidden = this.filters.hidden || res.total === 0;
    // Keep the focus where it was, or move it where the reader asked.
    var again = key && this.root.querySelector('[data-key="' + CSS.escape(key) + '"]');
    if (again) {
      again.focus();
    } else if (focus === "results" && !this.results.hidden) {
      document.getElementById("search-results-h").focus();
    } else if (focus === "filters" && !this.filters.hidden) {
      document.getElementById("search-filters-h").focus();
    }
  };

  // The programming interface, for tests and for other scripts of a theme.
  window.pspmSearch = {
    Bundle: Bundle,
    Engine: Engine,
    tokenize: tokenize,
    prefixOf: function (bundle, w) { return fromCodePoints(prefixOf(bundle.tables, w)); },
    plan: plan,
    syntax: syntax
  };

  if (typeof document !== "undefined") {
    var root = document.getElementById("search-app");
    if (root) { window.pspmSearch.app = new App(root); }
  }
})();
