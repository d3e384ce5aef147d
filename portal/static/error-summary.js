// Veilig Bestuur: the error summary's links (the GOV.UK pattern). A link moves focus to its field
// (for a group of options: the chosen or else the first option) and shows the field's label above
// it, without adding #field to the address: a form sent again from an address with #field would
// come back with the browser putting focus on that field instead of on the error summary.
// Without this file the links still work as ordinary links to the field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutmeldingen");
  if (!summary) {
    return;
  }
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
