// A form sent back with problems (templates/_error_summary.html): the cursor goes to the first
// field in error, and each line of the summary moves the cursor to its field.
(function () {
  var summary = document.getElementById("error-summary");
  if (!summary) return;
  function focusField(id) {
    var field = document.getElementById(id);
    if (!field) return false;
    if (field.tomselect) {  // a select found by typing (autocomplete.js): its search box
      field.tomselect.control_input.scrollIntoView({ block: "center" });
      field.tomselect.focus();
      return true;
    }
    field.scrollIntoView({ block: "center" });
    field.focus({ preventScroll: true });
    return true;
  }
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[data-field]");
    if (link && focusField(link.dataset.field)) event.preventDefault();
  });
  var first = summary.querySelector("a[data-field]");
  if (!(first && focusField(first.dataset.field))) summary.focus();
})();
