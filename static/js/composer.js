// The composer: Enter sends, Shift+Enter starts a new line, and the box grows with its text.
// Without this script the form still sends with its button and the textarea scrolls.
(function () {
  "use strict";
  if (window.__composer) return;
  window.__composer = true;

  function grow(area) {
    area.classList.add("grown");
    area.rows = Math.min(12, Math.max(area.dataset.minRows ? +area.dataset.minRows : area.rows, area.value.split("\n").length));
  }

  document.addEventListener("keydown", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("textarea[data-enter-submits]")) return;
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.isComposing || event.keyCode === 229) return; // an IME is still composing
    event.preventDefault();
    var form = area.form;
    if (!form || !area.value.trim()) return;
    var button = form.querySelector("button.send");
    if (button && button.disabled) return;
    if (form.requestSubmit) form.requestSubmit(button || undefined); else if (button) button.click();
  });

  document.addEventListener("input", function (event) {
    var area = event.target;
    if (area.matches && area.matches("textarea[data-enter-submits]")) {
      if (!area.dataset.minRows) area.dataset.minRows = String(area.rows);
      grow(area);
    }
  });
})();
