// The 测验 page: checks the chosen answers against data-answer (an option index) and says,
// in words, which were right. Nothing is sent anywhere; no other page has a quiz form.
(function () {
  "use strict";
  function check(form) {
    var questions = form.querySelectorAll("fieldset[data-answer]");
    var right = 0;
    questions.forEach(function (question) {
      var picked = question.querySelector("input:checked");
      var answer = question.getAttribute("data-answer");
      var ok = picked !== null && picked.value === answer;
      var correct = question.querySelector('label[data-option="' + answer + '"]');
      var result = question.querySelector(".infostd-quiz-result");
      if (ok) right += 1;
      result.textContent = ok
        ? "✓ 回答正确"
        : (picked === null ? "✗ 未作答。" : "✗ 回答错误。") + "正确答案：" + correct.textContent.trim();
      result.className = "infostd-quiz-result " + (ok ? "is-right" : "is-wrong");
    });
    form.querySelector(".infostd-quiz-score").textContent =
      "答对 " + right + " 题，共 " + questions.length + " 题。";
  }
  function init() {
    document.querySelectorAll("form.infostd-quiz").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        check(form);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
