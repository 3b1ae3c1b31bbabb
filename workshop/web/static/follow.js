// Keeps a participant's page in step with the facilitator's agenda. Optional: without JavaScript the
// waiting pages refresh themselves and every page has a link to the current activity.
(function () {
  "use strict";
  var body = document.body;
  var code = body.getAttribute("data-code");
  if (!code || !window.fetch) { return; }
  var seen = {
    item: body.getAttribute("data-item") || "",
    state: body.getAttribute("data-state") || "",
    revealed: body.getAttribute("data-revealed") || "",
    shown: body.getAttribute("data-shown") || "",
    phase: body.getAttribute("data-phase") || ""
  };
  var edited = false;
  var wakeLock = null;
  document.addEventListener("input", function () { edited = true; });
  document.addEventListener("submit", function () { edited = false; });

  function changed(status) {
    return String(status.item || "") !== seen.item || String(status.state || "") !== seen.state ||
      String(status.revealed) !== seen.revealed || String(status.shown) !== seen.shown ||
      String(status.phase || "") !== seen.phase;
  }

  function offerReload() {
    // Never throw away what someone is typing: offer the new page instead.
    if (document.getElementById("moved-on")) { return; }
    var note = document.createElement("p");
    note.id = "moved-on";
    note.className = "notice";
    note.setAttribute("role", "status");
    note.appendChild(document.createTextNode("The facilitator has moved on. "));
    var link = document.createElement("a");
    link.className = "link";
    link.href = "/w/" + encodeURIComponent(code);
    link.appendChild(document.createTextNode("Show the current activity"));
    note.appendChild(link);
    var main = document.getElementById("main");
    main.insertBefore(note, main.firstChild);
  }

  function check() {
    if (document.visibilityState === "hidden") { return; }
    fetch("/w/" + encodeURIComponent(code) + "/status", { cache: "no-store", credentials: "same-origin" })
      .then(function (reply) { return reply.ok ? reply.json() : null; })
      .then(function (status) {
        if (!status || !status.found || !changed(status)) { return; }
        // A draft ranking built by taps fires no input events: the form marks itself unsent instead.
        if (edited || document.querySelector("[data-unsent]")) { offerReload(); } else { window.location.replace("/w/" + encodeURIComponent(code)); }
      })
      .catch(function () { /* offline for a moment: the next tick tries again */ });
  }

  function holdScreenOn() {
    // Phones that lock mid-vote drop the page; keep the screen on while there is something to answer.
    if (!document.querySelector("form[data-answers]") || !navigator.wakeLock || wakeLock) { return; }
    navigator.wakeLock.request("screen").then(function (lock) {
      wakeLock = lock;
      lock.addEventListener("release", function () { wakeLock = null; });
    }).catch(function () { /* not allowed here: the page still works */ });
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { check(); holdScreenOn(); }
  });
  holdScreenOn();
  window.setInterval(check, 3000);
}());
