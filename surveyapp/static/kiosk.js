/* Kiosk mode: back to the language picker when the tablet is left alone (unfinished answers
   are dropped with the page), after a visible countdown with "Jag är kvar" on the form; and
   never show a page restored from the browser's memory. Touching, typing, scrolling and
   listening to read-aloud count as activity; listening to the warning itself keeps it shown. */
(function () {
  "use strict";
  var script = document.currentScript;
  var home = script.getAttribute("data-kiosk-home");
  var idle = parseInt(script.getAttribute("data-kiosk-idle"), 10) * 1000;
  var dialog = script.hasAttribute("data-kiosk-warn") ? document.getElementById("idle-warning") : null;
  // the warning shows for the last third of the idle time, at most 30 seconds
  var warnFor = dialog ? Math.min(30000, Math.floor(idle / 3)) : 0;
  var timer = null;
  var ticker = null;
  var deadline = 0;

  function goHome() { window.location.replace(home); }

  function tick() {
    var left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
    var countdown = document.getElementById("idle-countdown");
    var digits = countdown.dataset.digits || "0123456789";
    countdown.textContent = String(left).replace(/[0-9]/g, function (d) { return digits.charAt(+d); });
    if (left === 0) goHome();
  }

  function warn() {
    deadline = Date.now() + warnFor;
    dialog.hidden = false;
    document.body.classList.add("has-idle-warning");
    tick();
    ticker = window.setInterval(tick, 1000);
    var stay = document.getElementById("idle-warning-stay");
    if (stay) stay.focus();
  }

  // read-aloud while the warning shows: the countdown starts over and the warning stays, to be
  // heard to its end (touching a speaker button would otherwise close it before it played)
  function listening(event) {
    if (!dialog || dialog.hidden || !event) { return false; }
    if (event.type === "play" || event.type === "timeupdate" || event.type === "surveyapp:activity") {
      return true;
    }
    return Boolean(event.target && event.target.closest && event.target.closest("#idle-warning .speak"));
  }

  function restart(event) {
    if (!idle) { return; }
    if (listening(event)) {
      deadline = Date.now() + warnFor;
      tick();
      return;
    }
    window.clearTimeout(timer);
    window.clearInterval(ticker);
    if (dialog && !dialog.hidden) {
      dialog.hidden = true;
      document.body.classList.remove("has-idle-warning");
    }
    timer = dialog && warnFor > 0 ? window.setTimeout(warn, idle - warnFor) : window.setTimeout(goHome, idle);
  }

  ["pointerdown", "keydown", "input", "touchstart", "wheel"].forEach(function (name) {
    window.addEventListener(name, restart, { passive: true });
  });
  // scrolling inside any element, and audio elements playing, do not bubble: listen while capturing
  ["scroll", "play", "timeupdate"].forEach(function (name) {
    document.addEventListener(name, restart, { capture: true, passive: true });
  });
  document.addEventListener("surveyapp:activity", restart);
  if (dialog) {
    document.getElementById("idle-warning-stay").addEventListener("click", restart);
  }
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
