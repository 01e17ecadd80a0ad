// Forms marked data-once disable their submit buttons on the first submit, so a
// double click on "save" while the customer is talking never saves twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches("form[data-once]")) return;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
    b.disabled = true;
    b.classList.add("disabled");
  });
});
// htmx requests carry the CSRF token.
document.body.addEventListener("htmx:configRequest", function (event) {
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");
  if (token) event.detail.headers["X-CSRFToken"] = token.value;
});
