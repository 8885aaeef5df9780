// Staff pages: behaviour that the Content-Security-Policy keeps out of the markup.
"use strict";

document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
