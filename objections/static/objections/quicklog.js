// Quick-log form: show only what applies, save with Ctrl+Enter. The server checks everything again.
(function () {
  var form = document.getElementById("objection-form");
  if (!form) return;
  function checked(name) {
    var el = form.querySelector("input[name=" + name + "]:checked");
    return el ? el.value : "";
  }
  var belief = document.getElementById("hidden-belief-row");
  var outcomeDate = document.getElementById("outcome-date-row");
  var findOut = document.getElementById("id_find_out");
  var findOutFields = document.getElementById("find-out-fields");
  function sync() {
    var hidden = checked("genuineness") === "hidden";
    belief.classList.toggle("d-none", !hidden && !belief.classList.contains("has-error"));
    var pending = checked("outcome") === "pending" || checked("outcome") === "";
    outcomeDate.classList.toggle("invisible", pending && !outcomeDate.classList.contains("has-error"));
    if (!pending) {
      var input = outcomeDate.querySelector("input");
      if (input && !input.value) input.value = new Date().toLocaleDateString("sv-SE");
    }
    var lesson = document.getElementById("lesson-row");
    if (lesson) lesson.classList.toggle("d-none", checked("outcome") !== "lost" && !lesson.classList.contains("has-error"));
    if (findOutFields) findOutFields.classList.toggle("d-none", !findOut.checked);
  }
  form.addEventListener("change", sync);
  sync();
  var customer = form.querySelector("#id_customer");
  // The customer is found by typing (autocomplete.js): the focus goes to its box.
  if (!customer.value) (customer.tomselect || customer).focus();
  var another = document.getElementById("save-another");
  if (another) {
    // app.js disables the clicked button, which drops its name from the posted data.
    another.addEventListener("click", function () { document.getElementById("another-flag").value = "1"; });
  }
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit(document.getElementById("save"));
    }
  });
  var firstError = form.querySelector(".has-error input, .has-error select, .has-error textarea");
  if (firstError) firstError.focus();
})();
