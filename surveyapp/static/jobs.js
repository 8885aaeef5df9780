// A job's progress page: asks the server how the job goes and shows it, then offers the file.
// Without script the page reloads itself (a <noscript> refresh) and shows the same.
"use strict";

(() => {
  const box = document.querySelector("[data-job-status]");
  if (!box) {
    return;
  }
  const bar = box.querySelector(".job-progress");
  const text = box.querySelector(".job-text");
  const error = box.querySelector(".job-error");
  const download = box.querySelector(".job-download");
  const reload = box.querySelector(".job-reload");
  let delay = 700;

  function show(state) {
    bar.value = state.progress;
    bar.textContent = `${state.progress} %`;
    text.textContent = state.text;
    if (state.error) {
      error.textContent = state.error;
      error.hidden = false;
    }
    if (state.file) {
      download.hidden = false;
    }
    if (state.status === "done" || state.status === "failed") {
      if (reload) {
        reload.hidden = true;
      }
      box.dataset.jobState = state.status;
      if (state.file) {
        download.querySelector("a").focus();
        window.location.assign(state.file);
      }
      return true;
    }
    return false;
  }

  async function poll() {
    try {
      const response = await fetch(box.dataset.jobStatus, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok && show(await response.json())) {
        return;
      }
    } catch (_err) {
      // the network dropped for a moment: try again a little later
    }
    delay = Math.min(delay * 1.5, 5000);
    window.setTimeout(poll, delay);
  }

  if (box.dataset.jobState === "queued" || box.dataset.jobState === "running") {
    window.setTimeout(poll, delay);
  }
})();
