/* Behind the kiosk's PIN: the answers this tablet holds because the server refused them
   (their round closed before they could be sent). Lists them (when given, in which language;
   never their answers), sends them to the open round the samordnare chooses, or downloads
   them as a CSV with the import's columns. The service worker keeps them until then. */
(function () {
  "use strict";
  var list = document.getElementById("held-list");
  var status = document.getElementById("held-status");
  if (!list || !("serviceWorker" in navigator)) return;
  var languages = JSON.parse(list.dataset.languages || "{}");
  var lang = document.documentElement.lang || "sv";
  //: posted fields that are no answers (as NOT_ANSWERS on the server)
  var NOT_ANSWERS = ["csrf_token", "turn", "ticket", "given_at", "resend", "change_language", "response_uuid"];

  function ask(worker, message) {
    return new Promise(function (resolve) {
      var channel = new MessageChannel();
      channel.port1.onmessage = function (event) { resolve(event.data || {}); };
      worker.postMessage(message, [channel.port2]);
    });
  }

  function show(entries) {
    list.textContent = "";
    entries.forEach(function (entry) {
      var item = document.createElement("li");
      var when = new Date(entry.queued).toLocaleString(lang);
      item.textContent = list.dataset.item.replace("{when}", when)
        .replace("{language}", languages[entry.language] || entry.language || "");
      list.appendChild(item);
    });
    if (!entries.length) status.textContent = status.dataset.none;
  }

  function quote(value) {
    var text = String(value == null ? "" : value);
    return /[",;\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function download(entries, button) {
    var columns = [];
    var rows = entries.map(function (entry) {
      var row = {
        response_id: entry.uuid, submitted_at: new Date(entry.queued).toISOString(),
        language: entry.language || "", organisation: button.dataset.organisation
      };
      entry.fields.forEach(function (pair) {
        if (NOT_ANSWERS.indexOf(pair[0]) !== -1 || !String(pair[1]).trim()) return;
        if (columns.indexOf(pair[0]) === -1) columns.push(pair[0]);
        row[pair[0]] = row[pair[0]] ? row[pair[0]] + ";" + pair[1] : pair[1];
      });
      return row;
    });
    var header = ["response_id", "submitted_at", "language", "organisation"].concat(columns);
    var lines = [header.join(",")].concat(rows.map(function (row) {
      return header.map(function (name) { return quote(row[name]); }).join(",");
    }));
    var blob = new Blob(["\ufeff" + lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = button.dataset.filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  navigator.serviceWorker.ready.then(function (registration) {
    var worker = registration.active;
    var refresh = function () { return ask(worker, { type: "held" }).then(function (d) { show(d.held || []); return d.held || []; }); };
    refresh();
    document.querySelectorAll(".held-resend").forEach(function (button) {
      button.addEventListener("click", function () {
        button.disabled = true;
        ask(worker, { type: "resend", ticket: button.dataset.resend }).then(function (result) {
          button.disabled = false;
          return refresh().then(function () {
            status.textContent = status.dataset.sent.replace("{sent}", String(result.sent || 0))
              .replace("{left}", String(result.left || 0));
          });
        });
      });
    });
    document.querySelectorAll(".held-download").forEach(function (button) {
      button.addEventListener("click", function () { refresh().then(function (entries) { download(entries, button); }); });
    });
  });
})();
