// Veilig Bestuur: small improvements only — every task works without this file.
// After a form comes back with errors, move focus to the error summary so a screen reader reads it
// and a keyboard user can follow its links to each field.
document.addEventListener("DOMContentLoaded", function () {
  var summary = document.getElementById("foutmeldingen");
  if (summary) {
    summary.focus();
  }
});
