// The report form: while a file is being made (PDF takes a few seconds), say so, and hide the
// message when the download starts. The server sets the cookie "report_ready" to the token sent in
// the hidden field "dl" on the download response (see coordination/reports/views.py).
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  var wait = document.getElementById("download-wait");
  if (!form || !wait) { return; }
  function chosenFormat() {
    // deform names the radio buttons after the field's id inside a "format" mapping
    var checked = form.querySelector(".item-format input[type=radio]:checked");
    return checked ? checked.value : "html";
  }
  function readCookie(name) {
    var parts = document.cookie.split(";");
    for (var i = 0; i < parts.length; i++) {
      var pair = parts[i].trim().split("=");
      if (pair[0] === name) { return decodeURIComponent(pair.slice(1).join("=")); }
    }
    return null;
  }
  form.addEventListener("submit", function () {
    var token = form.querySelector("input[name=dl]");
    if (!token || chosenFormat() === "html") { return; }
    token.value = Math.random().toString(36).slice(2, 12) + Date.now().toString(36);
    var button = form.querySelector("button[type=submit]");
    wait.hidden = false;
    if (button) { window.setTimeout(function () { button.disabled = true; }, 0); }
    var started = Date.now();
    var timer = window.setInterval(function () {
      if (readCookie("report_ready") === token.value || Date.now() - started > 180000) {
        window.clearInterval(timer);
        wait.hidden = true;
        if (button) { button.disabled = false; }
      }
    }, 400);
  });
}());
