/* infostd: mkdocs-material's search worker, with queries cut like the index.

   The index is cut with jieba at build time (客户编码 | 的 | 规则, 24 | 小时); the theme's
   worker cuts a Chinese query by prefixes it finds in the index, which loses words
   (客户编码 was searched as 编) and never separates 24小时. Here a query is cut into the
   fewest words of the index itself (the same vocabulary jieba produced), Chinese apart
   from digits and letters, each word searched as a prefix. The theme's worker is loaded
   unchanged below (its file name is filled in at build time). */
var infostdQuery = null;

/* The index is fetched on the first query, not with every page: the theme fetches
   search/search_index.json on every page load, which the portal writes as a stub
   (config only); the full index is search/infostd-index.json (decision in DESIGN.md).
   Until then the theme is told the worker is ready (type 1 = READY); setup (type 0) and
   the first query (type 2) are handed to the theme's worker once the index is here. */
var INDEX_URL = "../../../search/infostd-index.json";
var infostdSetup = null, infostdLoading = false, infostdLatest = null, infostdOwn = false;

function infostdDeliver(message) {
  infostdOwn = true;
  try { self.dispatchEvent(new MessageEvent("message", {data: message})); }
  finally { infostdOwn = false; }
}

function infostdLoad() {
  infostdLoading = true;
  fetch(new URL(INDEX_URL, self.location.href)).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.json();
  }).then(function (index) {
    var setup = infostdSetup;
    infostdSetup = null;
    setup.data.config = index.config;
    setup.data.docs = index.docs;
    infostdDeliver(setup);
    /* The theme's setup finishes after a microtask; the query waits for the next task. */
    setTimeout(function () { if (infostdLatest) infostdDeliver(infostdLatest); }, 0);
  }).catch(function (error) {
    console.warn("搜索索引无法加载：" + error);
    infostdLoading = false;
  });
}

/* Registered before the theme's listener, so it sees every message first. */
self.addEventListener("message", function (ev) {
  var m = ev.data;
  if (!m || infostdOwn) {
    if (m && m.type === 2 && typeof m.data === "string") infostdQuery = m.data;
    return;
  }
  if (m.type === 0) {
    ev.stopImmediatePropagation();
    infostdSetup = m;
    postMessage({type: 1});
    return;
  }
  if (m.type === 2 && infostdSetup) {
    ev.stopImmediatePropagation();
    /* The theme sends the (empty) box's value once ready: no reason to fetch the index. */
    if (typeof m.data !== "string" || !m.data.trim()) {
      if (!infostdLoading) postMessage({type: 3, data: {items: []}});  /* 3 = RESULT */
      return;
    }
    infostdLatest = m;
    if (!infostdLoading) infostdLoad();
    return;
  }
  if (m.type === 2 && typeof m.data === "string") infostdQuery = m.data;
});
importScripts("__THEME_WORKER__");

var HAN = /[\u3400-\u9fff]/;

function infostdRuns(text) {
  var runs = [], current = "", kind = null;
  for (var i = 0; i < text.length; i++) {
    var ch = text[i];
    var k = HAN.test(ch) ? "han" : /[\s\u3000,，。、；;:：!！?？()（）"“”'‘’*+^~·]/.test(ch) ? null : "other";
    if (k !== kind && current) { runs.push([kind, current]); current = ""; }
    if (k) current += ch;
    kind = k;
  }
  if (current) runs.push([kind, current]);
  return runs;
}

/* The fewest index words covering ``text``; a character the index lacks stands alone. */
function infostdCut(text, has) {
  var n = text.length, best = [[0, 0, -1]];
  for (var i = 1; i <= n; i++) {
    best[i] = null;
    for (var j = Math.max(0, i - 16); j < i; j++) {
      var piece = text.slice(j, i), known = has(piece);
      if (!known && i - j > 1) continue;
      var unknown = best[j][0] + (known ? 0 : 1), count = best[j][1] + 1;
      if (!best[i] || unknown < best[i][0] || (unknown === best[i][0] && count < best[i][1])) {
        best[i] = [unknown, count, j];
      }
    }
  }
  var words = [];
  for (var k = n; k > 0; k = best[k][2]) words.unshift(text.slice(best[k][2], k));
  return words;
}

function infostdRewrite(query, index) {
  var inverted = index.invertedIndex;
  var has = function (word) { return Object.prototype.hasOwnProperty.call(inverted, word); };
  var terms = [];
  infostdRuns(query.toLowerCase()).forEach(function (run) {
    var words = run[0] === "han" ? infostdCut(run[1], has) : [run[1]];
    words.forEach(function (w) { if (terms.indexOf(w + "*") < 0) terms.push(w + "*"); });
  });
  /* The whole query, exactly, against the committee's governed words (portal/search.py). */
  var whole = infostdRuns(query.toLowerCase()).map(function (run) { return run[1]; }).join("");
  if (whole) terms.push("·" + whole);
  return terms.join(" ");
}

(function () {
  var search = lunr.Index.prototype.search;
  lunr.Index.prototype.search = function (queryString) {
    if (infostdQuery !== null) {
      var rewritten = infostdRewrite(infostdQuery, this);
      infostdQuery = null;
      if (rewritten) queryString = rewritten;
    }
    return search.call(this, queryString);
  };
})();
