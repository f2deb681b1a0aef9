/* Flowcharts drawn left to right shrink to 4-5 px text on a phone: on a narrow screen
   they are drawn top-down instead (runs before mkdocs-material hands them to mermaid). */
(function () {
  if (!window.matchMedia("(max-width: 44.9375em)").matches) return;
  document.querySelectorAll("pre.mermaid > code").forEach(function (code) {
    code.textContent = code.textContent.replace(
      /^(\s*(?:flowchart|graph)\s+)(LR|RL)\b/i, "$1TD");
  });
})();
