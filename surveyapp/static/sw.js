/* The answering pages' service worker (kiosk mode and open links).

   - Keeps a copy of the language picker, the form in each language, the "saved" page and the
     static files, fetched with the X-Surveyapp-Offline-Copy header so that the copy never
     holds anyone's answers, and shows them when the network is gone.
   - When "Skicka svaren" cannot reach the server (no network, or the server answers 503),
     the completed answers wait in IndexedDB and the participant sees that they are saved
     and will be sent. No page ever reads them back: pages only ask how many wait.
   - Waiting answers are sent, oldest first, to /s/-/ko with their signed ticket, their
     response uuid and the time they were given (a kiosk's ticket takes answers given before
     the kiosk's end), so that sending twice stores once. Answers the server refuses (the
     round closed meanwhile, an ended kiosk, an expired ticket) are never dropped on a kiosk:
     they are held, and the kiosk's end page, behind the PIN, lists them for the samordnare, who sends
     them to an open round (a "resend" ticket) or downloads them.
   - Pages are told at once when the queue changes (how many wait, how many are held, how
     many were just sent).
   Staff pages and anything else pass through untouched. */
"use strict";

var CACHE = "surveyapp-answering-v1";
var DB_NAME = "surveyapp-queue";
var QUEUE_URL = "/s/-/ko";
var OFFLINE_HEADER = "X-Surveyapp-Offline-Copy";
var SUBMIT = /^\/(s\/[^\/]+|kiosk)\/[a-z]{2}$/;
var ANSWERING = /^\/(s|kiosk|static)\//;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

/* ---- IndexedDB: the queue and a tally of what could never be stored ---- */
function openDb() {
  return new Promise(function (resolve, reject) {
    var request = indexedDB.open(DB_NAME, 2);
    request.onupgradeneeded = function () {
      var names = request.result.objectStoreNames;
      if (!names.contains("queue")) request.result.createObjectStore("queue", { keyPath: "id", autoIncrement: true });
      if (!names.contains("meta")) request.result.createObjectStore("meta");
      if (!names.contains("held")) request.result.createObjectStore("held", { keyPath: "id", autoIncrement: true });
    };
    request.onsuccess = function () { resolve(request.result); };
    request.onerror = function () { reject(request.error); };
  });
}

function tx(store, mode, work) {
  return openDb().then(function (db) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode);
      var result = work(t.objectStore(store));
      t.oncomplete = function () { db.close(); resolve(result && "result" in result ? result.result : result); };
      t.onerror = function () { db.close(); reject(t.error); };
    });
  });
}

function enqueue(entry) { return tx("queue", "readwrite", function (s) { return s.add(entry); }); }
function allQueued() { return tx("queue", "readonly", function (s) { return s.getAll(); }); }
function dequeue(id) { return tx("queue", "readwrite", function (s) { return s.delete(id); }); }
function countQueued() { return tx("queue", "readonly", function (s) { return s.count(); }); }
function allHeld() { return tx("held", "readonly", function (s) { return s.getAll(); }); }
function countHeld() { return tx("held", "readonly", function (s) { return s.count(); }); }
function unhold(id) { return tx("held", "readwrite", function (s) { return s.delete(id); }); }
function refused() { return tx("meta", "readonly", function (s) { return s.get("refused"); }); }
function addRefused() {
  return refused().then(function (n) {
    return tx("meta", "readwrite", function (s) { return s.put((n || 0) + 1, "refused"); });
  });
}

/* a refused answer moves from the queue to the held answers, with the server's reason */
function hold(entry, reason) {
  var kept = { fields: entry.fields, uuid: entry.uuid, queued: entry.queued, language: entry.language,
               reason: reason };
  return tx("held", "readwrite", function (s) { return s.add(kept); }).then(function () {
    return dequeue(entry.id);
  });
}

/* ---- telling the pages ---- */
function counts() {
  return Promise.all([countQueued(), countHeld()]).then(function (n) { return { pending: n[0], held: n[1] }; });
}

function tell(sent) {
  return counts().then(function (c) {
    c.type = "queue";
    c.sent = sent || 0;
    return self.clients.matchAll({ includeUncontrolled: true, type: "window" }).then(function (clients) {
      clients.forEach(function (client) { client.postMessage(c); });
    });
  }).catch(function () {});
}

/* ---- sending what waits ---- */
var flushing = null;

function post(entry, extra) {
  var body = new URLSearchParams();
  entry.fields.forEach(function (pair) { body.append(pair[0], pair[1]); });
  body.set("given_at", String(entry.queued));
  Object.keys(extra || {}).forEach(function (name) { body.set(name, extra[name]); });
  return fetch(QUEUE_URL, { method: "POST", body: body, credentials: "same-origin", cache: "no-store" });
}

function reasonOf(response) {
  return response.json().then(function (data) { return data.reason || "refused"; }, function () { return "refused"; });
}

/* true: sent (stored or held); false: the server is not ready, try again later */
function sendOne(entry) {
  return post(entry).then(function (response) {
    if (response.ok) return dequeue(entry.id).then(function () { return "sent"; });
    if (response.status === 403 || response.status === 410 || response.status === 422) {
      // an open link's answer has no samordnare to show it to (and may be on someone's own
      // phone): it is counted and dropped, as before
      if (!entry.kiosk) return dequeue(entry.id).then(addRefused).then(function () { return "held"; });
      return reasonOf(response).then(function (reason) { return hold(entry, reason); })
        .then(function () { return "held"; });
    }
    return false;
  });
}

function flush() {
  if (flushing) return flushing;
  var sent = 0;
  flushing = allQueued().then(function (entries) {
    var chain = Promise.resolve(true);
    entries.forEach(function (entry) {
      chain = chain.then(function (goOn) {
        if (!goOn) return false;
        return sendOne(entry).then(function (result) {
          if (result === "sent") sent += 1;
          if (result) tell(result === "sent" ? sent : 0);
          return Boolean(result);
        });
      });
    });
    return chain;
  }).catch(function () { return false; }).then(function (result) {
    flushing = null;
    return result;
  });
  return flushing;
}

/* the samordnare's choice: held answers to the open round the resend ticket names */
function resend(ticket) {
  var sent = 0;
  return allHeld().then(function (entries) {
    var chain = Promise.resolve();
    entries.forEach(function (entry) {
      chain = chain.then(function () {
        return post(entry, { resend: ticket }).then(function (response) {
          if (response.ok) { sent += 1; return unhold(entry.id); }
        }, function () {});
      });
    });
    return chain;
  }).then(function () {
    return countHeld().then(function (left) { return { sent: sent, left: left }; });
  });
}

/* ---- keeping pages for offline use ---- */
function keep(urls) {
  return caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      var headers = {};
      headers[OFFLINE_HEADER] = "1";
      return fetch(url, { headers: headers, credentials: "same-origin", cache: "no-store" })
        .then(function (response) { if (response.ok) return cache.put(url, response); })
        .catch(function () { /* offline now: keep what was kept before */ });
    }));
  });
}

self.addEventListener("message", function (event) {
  var data = event.data || {};
  var reply = event.ports && event.ports[0];
  var work;
  if (data.type === "keep") work = keep(data.urls || []);
  else if (data.type === "flush") work = flush();
  else if (data.type === "count") {
    work = counts().then(function (c) { if (reply) reply.postMessage(c); });
  } else if (data.type === "held") {
    // only the kiosk's end page asks, behind the PIN
    work = allHeld().then(function (entries) { if (reply) reply.postMessage({ held: entries }); });
  } else if (data.type === "resend") {
    work = resend(data.ticket || "").then(function (result) {
      if (reply) reply.postMessage(result);
      return tell(0);
    });
  }
  if (work) event.waitUntil(work.catch(function () {}));
});

self.addEventListener("sync", function (event) {
  if (event.tag === "surveyapp-queue") event.waitUntil(flush());
});

/* ---- answering pages: network first, the kept copy when there is none ---- */
function fromCache(request) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(request.url, { ignoreSearch: true }).then(function (hit) {
      return hit || Response.error();
    });
  });
}

function pickerOf(path) {
  return path.indexOf("/kiosk/") === 0 ? "/kiosk/" : path.replace(/\/[a-z]{2}$/, "");
}

function savedPage(path, language) {
  var url = path.indexOf("/kiosk/") === 0 ? "/kiosk/sparat/" + language : "/s/-/sparat/" + language;
  return caches.open(CACHE).then(function (cache) { return cache.match(url); }).then(function (hit) {
    if (!hit) return null;
    return hit.text().then(function (html) {
      return new Response(html.split('href="#again"').join('href="' + pickerOf(path) + '"'), {
        status: 200, headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }
      });
    });
  });
}

function submit(event, path) {
  var request = event.request;
  return request.clone().formData().then(function (form) {
    if (!form.get("ticket") || form.has("change_language")) return fetch(request);
    var fields = [];
    form.forEach(function (value, name) { if (typeof value === "string") fields.push([name, value]); });
    var language = path.slice(-2);
    var queue = function () {
      return enqueue({ fields: fields, uuid: form.get("response_uuid"), queued: Date.now(), language: language,
                       kiosk: path.indexOf("/kiosk/") === 0 })
        .then(function () {
          tell(0);
          if (self.registration.sync) self.registration.sync.register("surveyapp-queue").catch(function () {});
          return savedPage(path, language);
        })
        .then(function (page) { return page || Response.error(); });
    };
    return fetch(request).then(function (response) {
      return response.status === 503 ? queue() : response;
    }, queue);
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin || !ANSWERING.test(url.pathname)) return;
  if (request.method === "POST") {
    if (request.mode === "navigate" && SUBMIT.test(url.pathname)) event.respondWith(submit(event, url.pathname));
    return;
  }
  if (request.method !== "GET" || url.pathname === QUEUE_URL) return;
  // a server whose database is down answers 503: the kept copy serves better
  event.respondWith(fetch(request).then(function (response) {
    return response.status === 503 ? fromCache(request).then(function (hit) {
      return hit.type === "error" ? response : hit;
    }) : response;
  }, function () { return fromCache(request); }));
});
