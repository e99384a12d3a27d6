// "Copy as Markdown" on a finished run: the document's Markdown is in a <template> beside the
// button. Without this script the button stays hidden and the Markdown download still works.
(function () {
  "use strict";
  if (window.__copyMarkdown) { window.__copyMarkdown(); return; }

  function reveal() {
    document.querySelectorAll("button.copy-markdown[hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = document.execCommand("copy");
    document.body.removeChild(area);
    return ok ? Promise.resolve() : Promise.reject(new Error("copy refused"));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.copy-markdown");
    if (!button) return;
    var source = document.getElementById(button.dataset.source);
    if (!source) return;
    var text = source.content.textContent;
    var status = button.parentElement.querySelector(".copy-status");
    var copy = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text)
      : fallbackCopy(text);
    copy.then(function () {
      if (status) status.textContent = "Copied";
    }, function () {
      if (status) status.textContent = "Copy failed: use the Markdown download";
    });
  });

  window.__copyMarkdown = reveal;
  reveal();
  // Cards that arrive later (a run finishing over the stream) bring their own button.
  document.addEventListener("htmx:afterSwap", reveal);
})();
