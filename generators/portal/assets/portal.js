/* infostd portal, every page: a table or block that scrolls sideways can be reached and
   scrolled with the keyboard (and is named for screen readers), and shows a cue while
   there is more to see to the right. */
(function () {
  var SCROLLERS = ".md-typeset__scrollwrap, .md-typeset .infostd-scroll, "
    + ".md-typeset table.infostd-fields, .md-typeset table.infostd-codelist, "
    + ".md-typeset table.infostd-lifecycle, .md-typeset pre > code";

  function mark(el) {
    var more = el.scrollWidth > el.clientWidth + 1;
    if (more && !el.hasAttribute("tabindex")) {
      el.setAttribute("tabindex", "0");
      if (!el.hasAttribute("role") && el.tagName !== "TABLE" && el.tagName !== "CODE") {
        el.setAttribute("role", "region");
      }
      if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", "可左右滚动的内容");
    }
    var atEnd = el.scrollLeft + el.clientWidth >= el.scrollWidth - 1;
    el.classList.toggle("infostd-more-right", more && !atEnd);
  }

  function scan() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      mark(el);
      if (!el.dataset.infostdScroll) {
        el.dataset.infostdScroll = "1";
        el.addEventListener("scroll", function () { mark(el); }, {passive: true});
      }
    });
  }

  if (window.document$ && window.document$.subscribe) {
    window.document$.subscribe(scan);
  } else {
    document.addEventListener("DOMContentLoaded", scan);
  }
  window.addEventListener("resize", scan);
})();


/* Code lists: a filter box above every code-list table of more than ten codes; typing
   part of a code or a name hides the other rows. */
(function () {
  function addFilter(table) {
    if (table.dataset.infostdFilter || table.tBodies[0].rows.length <= 10) return;
    table.dataset.infostdFilter = "1";
    var box = document.createElement("input");
    box.type = "search";
    box.className = "infostd-filter";
    box.placeholder = "输入代码或名称筛选";
    box.setAttribute("aria-label", "筛选代码表");
    var count = document.createElement("span");
    count.className = "infostd-filter-count";
    count.setAttribute("aria-live", "polite");
    var wrap = document.createElement("p");
    wrap.className = "infostd-filter-bar";
    wrap.append(box, count);
    var anchor = table.closest(".md-typeset__scrollwrap") || table;
    anchor.parentNode.insertBefore(wrap, anchor);
    box.addEventListener("input", function () {
      var needle = box.value.trim().toLowerCase(), shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        var hit = !needle || row.textContent.toLowerCase().indexOf(needle) >= 0;
        row.hidden = !hit;
        if (hit) shown += 1;
      });
      count.textContent = needle ? "显示 " + shown + " 项" : "";
    });
  }
  function scan() { document.querySelectorAll("table.infostd-codelist").forEach(addFilter); }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(scan);
  else document.addEventListener("DOMContentLoaded", scan);
})();
