// Veilig Bestuur: small improvements only — every task works without this file.
// After a form comes back with errors, move focus to the error summary so a screen reader reads it
// and a keyboard user can follow its links to each field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutmeldingen");
  if (summary) {
    summary.focus();
  }
});

// The report form keeps what is typed on the server while it is being typed: when the page is
// hidden (the phone locks, the tab is closed) and every 15 seconds after a change. Without this
// file each step is still saved when it is sent.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.report-form");
  if (!form || !window.FormData || !navigator.sendBeacon) {
    return;
  }
  var changed = false;
  form.addEventListener("input", function () { changed = true; });
  form.addEventListener("change", function () { changed = true; });
  form.addEventListener("submit", function () { changed = false; });
  function save() {
    if (!changed) {
      return;
    }
    changed = false;
    var data = new FormData(form);
    data.delete("files");
    data.append("_autosave", "1");
    navigator.sendBeacon(form.getAttribute("action") || window.location.pathname, data);
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      save();
    }
  });
  window.addEventListener("pagehide", save);
  window.setInterval(save, 15000);
});
