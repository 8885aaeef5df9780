/* Kiosk mode: back to the language picker when the tablet is left alone (unfinished
   answers are dropped with the page), and never show a page restored from the cache. */
(function () {
  "use strict";
  var script = document.currentScript;
  var home = script.getAttribute("data-kiosk-home");
  var idle = parseInt(script.getAttribute("data-kiosk-idle"), 10) * 1000;
  var timer = null;

  function goHome() { window.location.replace(home); }
  function restart() {
    if (!idle) { return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(goHome, idle);
  }
  ["pointerdown", "keydown", "input", "scroll", "touchstart"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true });
  });
  restart();

  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { window.location.reload(); }
  });
  document.querySelectorAll("a[data-replace]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      window.location.replace(link.href);
    });
  });
})();
