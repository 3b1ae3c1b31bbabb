// The remote's run-sheet reloads every 20 s so its counts stay current, and Pause stops that (WCAG 2.2.1:
// a time limit the user can turn off). The choice lasts for the browser tab, across the remote's own posts.
// The button's name stays "Pause refreshing"; aria-pressed says whether it is on.
(function () {
  "use strict";
  var box = document.getElementById("auto-refresh");
  if (!box) { return; }
  var button = box.querySelector("button");
  var note = document.getElementById("auto-refresh-note");
  var url = box.getAttribute("data-url") || "";
  var timer = null;
  var KEY = "remote-refresh-paused";

  function paused() {
    try { return window.sessionStorage.getItem(KEY) === "1"; } catch (e) { return false; }
  }

  function remember(value) {
    try { window.sessionStorage.setItem(KEY, value ? "1" : "0"); } catch (e) { /* private mode: this page only */ }
  }

  function reload() {
    // Opened at #item-N, the server names an address that differs from this one (a reload to the same
    // address plus a fragment would only scroll); otherwise the page reloads in place.
    if (url) { window.location.replace(url); } else { window.location.reload(); }
  }

  function show() {
    var stopped = paused();
    if (timer !== null) { window.clearTimeout(timer); timer = null; }
    if (!stopped) { timer = window.setTimeout(reload, 20000); }
    note.textContent = stopped ? "Refreshing is paused." : "This page refreshes every 20 seconds.";
    button.setAttribute("aria-pressed", stopped ? "true" : "false");
  }

  button.addEventListener("click", function () { remember(!paused()); show(); });
  box.hidden = false;
  show();
}());
