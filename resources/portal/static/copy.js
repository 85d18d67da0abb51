// Copy buttons: <button class="copy" data-copy="ELEMENT-ID" hidden>. Without script the
// buttons stay hidden and the text stays selectable; with it, one click copies.
"use strict";
(function () {
  function fallbackCopy(element) {
    // Plain-HTTP pages on a LAN address are not a "secure context": no clipboard API there.
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    let done = false;
    try { done = document.execCommand("copy"); } catch (e) { done = false; }
    return done;
  }

  function flash(button, ok) {
    const label = button.textContent;
    button.textContent = ok ? "✓" : "✗";
    window.setTimeout(function () { button.textContent = label; }, 1200);
  }

  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    const target = document.getElementById(button.dataset.copy);
    if (!target) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      const text = target.textContent;
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { flash(button, true); },
          function () { flash(button, fallbackCopy(target)); });
      } else {
        flash(button, fallbackCopy(target));
      }
    });
  });
}());
