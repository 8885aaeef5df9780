/* The recording page: record each text in the browser (MediaRecorder, in whatever format the
   browser records: webm/opus in Chromium and Firefox, mp4/aac in Safari), store it as a draft,
   listen, record again, publish. Without a microphone or MediaRecorder a file can be uploaded. */
(function () {
  "use strict";
  var canRecord = !!(navigator.mediaDevices && navigator.mediaDevices.getUserMedia && window.MediaRecorder);
  var stream = null;
  var active = null; // {recorder, form, chunks}

  if (!canRecord) {
    var note = document.querySelector(".recorder-missing");
    if (note) note.hidden = false;
    return;
  }

  // one recording heard at a time
  document.addEventListener("play", function (event) {
    document.querySelectorAll("audio").forEach(function (audio) {
      if (audio !== event.target) audio.pause();
    });
  }, true);

  function status(form, text) {
    form.querySelector(".record-status").textContent = text;
  }

  function setBusy(busy) {
    document.querySelectorAll(".record-start").forEach(function (b) { b.disabled = busy; });
  }

  function microphone() {
    if (stream) return Promise.resolve(stream);
    return navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) { stream = s; return s; });
  }

  function upload(form, blob) {
    var data = new FormData(form);
    var type = (blob.type || "").split(";")[0];
    var ending = type.indexOf("mp4") !== -1 ? "m4a" : type.indexOf("ogg") !== -1 ? "ogg" : type.indexOf("wav") !== -1 ? "wav" : "webm";
    data.set("audio", blob, "inlasning." + ending);
    status(form, form.dataset.saving);
    // form.action would be the input named "action"
    return fetch(form.getAttribute("action"), {
      method: "POST", body: data, credentials: "same-origin", headers: { Accept: "application/json" }
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!answer.ok) { status(form, answer.message); setBusy(false); return; }
        window.location.hash = form.closest(".recording").id;
        window.location.reload();
      });
    }).catch(function () { status(form, form.dataset.failed); setBusy(false); });
  }

  function start(form) {
    setBusy(true);
    microphone().then(function (s) {
      var recorder = new MediaRecorder(s);
      var chunks = [];
      recorder.addEventListener("dataavailable", function (event) { if (event.data.size) chunks.push(event.data); });
      recorder.addEventListener("stop", function () {
        upload(form, new Blob(chunks, { type: recorder.mimeType || (chunks[0] && chunks[0].type) || "" }));
      });
      active = { recorder: recorder, form: form };
      recorder.start();
      form.querySelector(".record-stop").hidden = false;
      form.querySelector(".record-stop").focus();
      status(form, form.dataset.recording);
    }).catch(function () {
      status(form, form.dataset.noMicrophone);
      setBusy(false);
    });
  }

  function stop(form) {
    if (!active || active.form !== form) return;
    form.querySelector(".record-stop").hidden = true;
    active.recorder.stop();
    active = null;
  }

  var texts = document.querySelector(".recordings");
  document.querySelectorAll(".recording-upload").forEach(function (form) {
    ["recording", "saving", "failed", "noMicrophone"].forEach(function (key) {
      form.dataset[key] = texts.dataset[key];
    });
    form.querySelector(".recorder").hidden = false;
    form.querySelector(".record-start").addEventListener("click", function () { start(form); });
    form.querySelector(".record-stop").addEventListener("click", function () { stop(form); });
  });
})();
