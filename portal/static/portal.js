// Veilig Bestuur: small improvements only — every task works without this file.
// After a form comes back with errors, move focus to the error summary so a screen reader reads it
// and a keyboard user can follow its links to each field (the GOV.UK pattern). A link moves focus to
// its field (for a group of options: the chosen or else the first option) and shows the field's
// label above it, without adding #field to the address: a form sent again from an address with
// #field would come back with the browser putting focus on that field instead of on the summary.
// Without this file the links still work as ordinary links to the field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutmeldingen");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    if (!link) {
      return;
    }
    var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
    if (!target) {
      return;
    }
    var input = target;
    if (target.tagName === "FIELDSET") {
      input = target.querySelector("input:checked") || target.querySelector("input, select, textarea");
    }
    if (!input) {
      return;
    }
    event.preventDefault();
    // The label (or the group's legend) above the field in view, then focus without jumping.
    var caption = target.tagName === "FIELDSET" ? target.querySelector("legend") : document.querySelector("label[for='" + input.id + "']");
    (caption || input).scrollIntoView();
    input.focus({preventScroll: true});
  });
});

// The report form keeps what is typed on the server while it is being typed: when the page is
// hidden (the phone locks, the tab is closed) and every 15 seconds after a change. Without this
// file each step is still saved when it is sent.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form.report-form");
  if (!form || !window.FormData || !navigator.sendBeacon) {
    return;
  }
  // Text typed before this file ran (a slow connection, or the browser restoring the page) counts as a change.
  var changed = Array.prototype.some.call(form.querySelectorAll("textarea, input[type=text], input:not([type])"), function (field) {
    return field.value !== field.defaultValue;
  });
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

// A link to a folded form ("Wat moet er nu gebeuren") opens it, also when the page is opened at it.
function openFoldedTarget(id) {
  var target = id && document.getElementById(id);
  if (target && target.tagName === "DETAILS" && !target.open) {
    target.open = true;
  }
}
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("a[href^='#']");
  if (link) {
    openFoldedTarget(decodeURIComponent(link.getAttribute("href").slice(1)));
  }
});
document.addEventListener("DOMContentLoaded", function () {
  openFoldedTarget(decodeURIComponent(window.location.hash.slice(1)));
});

// A folded form on the case page (templates/_part.html) is not in the page until it is opened: then
// its part of the case page is fetched (the same address with ?open=<id>, a showing of the case like
// any other) and put in place. Without this file the link in the folded part opens that address.
document.addEventListener("toggle", function (event) {
  var part = event.target;
  if (!part.open || !part.id || !part.getAttribute || !part.getAttribute("data-part") || part.getAttribute("aria-busy")) {
    return;
  }
  part.setAttribute("aria-busy", "true");
  fetch(part.getAttribute("data-part"), {credentials: "same-origin", headers: {"Accept": "text/html"}})
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.status);
      }
      return response.text();
    })
    .then(function (html) {
      var found = new DOMParser().parseFromString(html, "text/html").getElementById(part.id);
      if (!found || !found.open) {
        throw new Error("not found");
      }
      var summary = part.querySelector("summary");
      while (summary.nextSibling) {
        part.removeChild(summary.nextSibling);
      }
      Array.prototype.forEach.call(found.childNodes, function (node) {
        if (node.nodeName !== "SUMMARY") {
          part.appendChild(document.importNode(node, true));
        }
      });
      part.removeAttribute("data-part");
      part.removeAttribute("aria-busy");
    })
    .catch(function () {
      part.removeAttribute("aria-busy");  // the link in the part still opens it
    });
}, true);
