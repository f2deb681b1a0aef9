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

