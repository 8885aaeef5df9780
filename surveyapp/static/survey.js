/* The answering page: conditional questions, progress, read-aloud, the check of required
   answers before an answer would wait offline, and the count of waiting answers.
   Without JavaScript every question is shown, the server applies the same rules, and the
   read-aloud buttons stay hidden. */
(function () {
  "use strict";
  var form = document.querySelector(".survey-form");
  var lang = (document.documentElement.lang || "sv").toLowerCase();

  /* ---- a shared tablet: a page restored from the browser's memory is fetched anew, so that
     Back never shows what the person before entered ---- */
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) window.location.reload();
  });
  // a page reached through the history shows what the server sent, never what the browser kept
  var navigation = window.performance && performance.getEntriesByType &&
    performance.getEntriesByType("navigation")[0];
  if (form && navigation && navigation.type === "back_forward") form.reset();

  /* listening counts as activity for the kiosk's idle reset */
  function activity() { document.dispatchEvent(new CustomEvent("surveyapp:activity")); }

  /* ---- conditional questions ---- */
  function answered(name) {
    var values = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) values.push(input.value);
    });
    return values;
  }

  function role() {
    var roleInputs = answered("role");
    return roleInputs.length ? roleInputs[0] : form.dataset.role || null;
  }

  function updateConditions() {
    form.querySelectorAll("[data-show-if]").forEach(function (section) {
      var conditions = JSON.parse(section.dataset.showIf);
      var shown = conditions.some(function (c) {
        if (c.source === "role") return c.values.indexOf(role()) !== -1;
        return answered(c.key).some(function (v) { return c.values.indexOf(v) !== -1; });
      });
      section.hidden = !shown;
      section.classList.remove("is-conditional-hidden");
      // a hidden question sends nothing, as the server requires
      section.querySelectorAll("input, textarea, select").forEach(function (input) {
        input.disabled = !shown;
      });
      var note = section.querySelector(".condition-note");
      if (note) note.hidden = true;
    });
  }

  /* ---- progress: answered questions among those shown ---- */
  var progress = form && form.querySelector(".progress");

  function localDigits(n) {
    var digits = progress.dataset.digits || "0123456789";
    return String(n).replace(/[0-9]/g, function (d) { return digits.charAt(+d); });
  }

  function updateProgress() {
    if (!progress) return;
    var sections = Array.prototype.filter.call(form.querySelectorAll(".question[data-key]"), function (s) {
      return !s.hidden;
    });
    var done = sections.filter(function (s) {
      return Array.prototype.some.call(s.querySelectorAll("input, textarea"), function (input) {
        if (input.type === "radio" || input.type === "checkbox") return input.checked;
        return input.value.trim() !== "";
      });
    }).length;
    progress.hidden = false;
    progress.querySelector(".progress-fill").style.inlineSize =
      (sections.length ? Math.round(100 * done / sections.length) : 0) + "%";
    progress.querySelector(".progress-text").textContent = progress.dataset.template
      .replace("{done}", localDigits(done)).replace("{total}", localDigits(sections.length));
  }

  if (form) {
    form.addEventListener("change", function () { updateConditions(); updateProgress(); });
    form.addEventListener("input", updateProgress);
    updateConditions();
    updateProgress();
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  }

  /* ---- offline, nothing is thanked that the server would refuse: before an answer would
     wait in the tablet (the server cannot be reached), the page checks it by the
     questionnaire's own rules (rules.js) and shows what is missing, in the page's language ---- */
  var rulesBlock = document.getElementById("form-rules");

  function formValues() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (input) {
      if (!input.name || input.disabled) return;
      if ((input.type === "radio" || input.type === "checkbox") && !input.checked) return;
      if (input.type === "submit" || input.type === "button" || input.type === "hidden") return;
      (values[input.name] = values[input.name] || []).push(input.value);
    });
    return values;
  }

  function clientErrors(rules) {
    var found = {};
    var code = form.querySelector('[name="participant_code"]');
    if (code && rules.participant_code) {
      var message = window.SurveyRules.codeError(rules, code.value);
      if (message) found.participant_code = message;
    }
    var others = window.SurveyRules.errors(rules, formValues(), role(), rules.asks_role);
    Object.keys(others).forEach(function (key) { found[key] = others[key]; });
    return found;
  }

  function showErrors(rules, found) {
    form.querySelectorAll(".error-text.is-client").forEach(function (p) { p.remove(); });
    form.querySelectorAll(".question.has-error").forEach(function (s) { s.classList.remove("has-error"); });
    var keys = Object.keys(found);
    var summary = document.getElementById("error-summary");
    if (!summary) {
      summary = document.createElement("div");
      summary.className = "error-summary";
      summary.id = "error-summary";
      summary.setAttribute("role", "alert");
      summary.tabIndex = -1;
      form.parentNode.insertBefore(summary, form);
    }
    summary.textContent = "";
    var heading = document.createElement("h2");
    heading.textContent = rules.headings[String(keys.length)] || rules.headings["1"];
    var list = document.createElement("ul");
    keys.forEach(function (key) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#q-" + key;
      if (rules.labels[key]) {
        var label = document.createElement("span");
        label.className = "error-question";
        label.textContent = rules.labels[key];
        link.appendChild(label);
        link.appendChild(document.createTextNode(" "));
      }
      link.appendChild(document.createTextNode(found[key]));
      item.appendChild(link);
      list.appendChild(item);
      var section = document.getElementById("q-" + key);
      var place = section && section.querySelector(".choices, .matrix-row, textarea, input[type=text]");
      if (place) {
        section.classList.add("has-error");
        var text = document.createElement("p");
        text.className = "error-text is-client";
        text.id = key + "-error";
        text.textContent = found[key];
        place.parentNode.insertBefore(text, place);
      }
    });
    summary.appendChild(heading);
    summary.appendChild(list);
    summary.focus();
  }

  if (form && rulesBlock && window.SurveyRules && "serviceWorker" in navigator) {
    var rules = JSON.parse(rulesBlock.dataset.rules);
    form.addEventListener("submit", function (event) {
      if (event.submitter && event.submitter.name === "change_language") return;
      // without the service worker nothing waits offline: the server answers as always
      if (!navigator.serviceWorker.controller) return;
      var found = clientErrors(rules);
      if (!Object.keys(found).length) return;
      event.preventDefault();
      var show = function () { showErrors(rules, found); };
      if (navigator.onLine === false) { show(); return; }
      // the server, when it can be reached, answers with its own page of what to correct
      fetch(window.location.pathname, { method: "HEAD", cache: "no-store", credentials: "same-origin" })
        .then(function (response) {
          if (response.status === 503) { show(); return; }
          HTMLFormElement.prototype.submit.call(form);
        }, show);
    });
  }

  /* ---- the language menu closes with Escape, back on its button ---- */
  var menu = document.querySelector(".language-menu");
  if (menu) {
    menu.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && menu.open) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    });
  }

  /* ---- read-aloud: a recording if there is one, else the browser's voice, else no button;
     one at a time. Recordings play in one <audio> element in the page, so that its 'play'
     events reach listeners on the document (the kiosk counts them as activity). ---- */
  var buttons = document.querySelectorAll("button.speak");
  var synth = window.speechSynthesis;
  var player = null;

  function voiceFor(language) {
    if (!synth || typeof synth.getVoices !== "function") return null;
    var voices = synth.getVoices() || [];
    var base = language.split("-")[0];
    var bases = base === "fa" ? ["fa", "prs"] : [base];
    for (var i = 0; i < voices.length; i++) {
      var v = (voices[i].lang || "").toLowerCase().replace("_", "-").split("-")[0];
      if (bases.indexOf(v) !== -1) return voices[i];
    }
    return null;
  }

  function showButtons() {
    buttons.forEach(function (button) {
      button.hidden = !(button.dataset.audio || voiceFor(button.dataset.lang || lang));
    });
  }

  function done() {
    buttons.forEach(function (b) { b.classList.remove("is-playing"); });
  }

  function audioPlayer() {
    if (!player) {
      player = document.createElement("audio");
      player.className = "speak-audio";
      player.preload = "auto";
      player.addEventListener("ended", done);
      player.addEventListener("error", done);
      document.body.appendChild(player);
    }
    return player;
  }

  function stop() {
    document.querySelectorAll("audio").forEach(function (audio) { audio.pause(); });
    if (synth && typeof synth.cancel === "function") synth.cancel();
    done();
  }

  function speak(button) {
    stop();
    button.classList.add("is-playing");
    activity();
    if (button.dataset.audio) {
      var audio = audioPlayer();
      audio.src = button.dataset.audio;
      audio.play().catch(done);
      return;
    }
    var language = button.dataset.lang || lang;
    var utterance = new SpeechSynthesisUtterance(button.dataset.speak);
    utterance.lang = language;
    try { utterance.voice = voiceFor(language); } catch (e) { /* the language alone picks a voice */ }
    utterance.rate = 0.9;
    utterance.onboundary = activity;
    utterance.onend = function () { activity(); done(); };
    synth.speak(utterance);
  }

  if (buttons.length) {
    buttons.forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        if (button.classList.contains("is-playing")) { stop(); return; }
        speak(button);
      });
    });
    showButtons();
    // browsers load their voices after the page
    if (synth && typeof synth.addEventListener === "function") synth.addEventListener("voiceschanged", showButtons);
    else if (synth) synth.onvoiceschanged = showButtons;
  }

  /* ---- offline: the service worker keeps these pages and holds answers that cannot be sent;
     pages only ask it to keep, to send and how many wait (never what they are) ---- */
  var offline = document.getElementById("offline-config");
  var pending = document.querySelectorAll(".pending-answers");

  /* the waiting count, told by the worker whenever the queue changes; once answers have been
     sent and none wait, the page says so */
  function showQueue(data) {
    var n = data.pending || 0;
    pending.forEach(function (el) {
      var target = el.querySelector(".pending-count") || el;
      if (n > 0) {
        target.textContent = (n === 1 ? el.dataset.one : el.dataset.many).replace("{n}", String(n));
        el.hidden = false;
        delete el.dataset.sentShown;
      } else if (data.sent && el.dataset.sent) {
        target.textContent = el.dataset.sent;
        el.hidden = false;
        el.dataset.sentShown = "1";
      } else if (!el.dataset.sentShown) {
        el.hidden = true;
      }
    });
    var held = data.held || 0;
    document.querySelectorAll(".held-answers").forEach(function (el) {
      el.querySelector(".pending-count").textContent =
        (held === 1 ? el.dataset.one : el.dataset.many).replace("{n}", String(held));
      el.hidden = held === 0;
    });
    document.querySelectorAll(".held-field").forEach(function (input) { input.value = String(held); });
  }

  function askCount(worker) {
    if (typeof MessageChannel === "undefined") return;
    var channel = new MessageChannel();
    channel.port1.onmessage = function (event) { showQueue(event.data || {}); };
    worker.postMessage({ type: "count" }, [channel.port2]);
  }

  if (offline && "serviceWorker" in navigator && window.isSecureContext) {
    navigator.serviceWorker.addEventListener("message", function (event) {
      if (event.data && event.data.type === "queue") showQueue(event.data);
    });
    navigator.serviceWorker.register(offline.dataset.sw, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var worker = registration.active;
      if (!worker) return;
      var urls = JSON.parse(offline.dataset.urls || "[]");
      if (urls.length) worker.postMessage({ type: "keep", urls: urls });
      var send = function () { worker.postMessage({ type: "flush" }); };
      askCount(worker);
      send();
      window.addEventListener("online", send);
      window.setInterval(send, 30000);
    }).catch(function () { /* without the worker, answering works as it always has */ });
  }
})();
