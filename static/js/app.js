// No inline handlers (the Content-Security-Policy allows scripts from files only):
// a select marked data-autosubmit submits its form when changed (the language switch),
// a button marked data-print prints the page.
document.addEventListener("change", function (event) {
  if (event.target.matches("select[data-autosubmit]")) event.target.form.submit();
});
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
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
// The CSRF token as it is now: signing in again in another tab replaces it, and a form
// loaded before still carries the old one. Forms and htmx requests send the current one,
// so what was typed before the new sign-in can still be saved.
function currentCsrfToken() {
  var cookie = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  if (cookie) return decodeURIComponent(cookie[1]);
  var input = document.querySelector("input[name=csrfmiddlewaretoken]");
  return input ? input.value : "";
}
document.addEventListener("submit", function (event) {
  var token = currentCsrfToken();
  event.target.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach(function (i) { i.value = token; });
}, true);
// htmx requests carry the CSRF token.
document.body.addEventListener("htmx:configRequest", function (event) {
  event.detail.headers["X-CSRFToken"] = currentCsrfToken();
});
// A session that ends while a page is open: say so at the top and keep what was typed.
// The bell's poll answers 286 (htmx stops polling); any other htmx request is redirected
// to the login page, which must not be swapped into the page.
document.body.addEventListener("htmx:beforeSwap", function (event) {
  var xhr = event.detail.xhr;
  var toLogin = xhr.responseURL && new URL(xhr.responseURL).pathname === document.body.dataset.loginPath;
  if (xhr.status !== 286 && !toLogin) return;
  if (toLogin) event.detail.shouldSwap = false;
  var banner = document.getElementById("session-ended");
  if (banner) banner.classList.remove("d-none");
});
// A long select marked data-filterable gets a box above it: typing a code or part of a
// name narrows the options, and a single match is chosen (firing "change", so the intake
// form loads that customer's shipments). Without JavaScript the plain select still works.
document.querySelectorAll("select[data-filterable]").forEach(function (select) {
  var all = Array.prototype.slice.call(select.options);
  var box = document.createElement("input");
  box.type = "search";
  box.id = select.id + "-find";
  box.className = "form-control form-control-sm mb-1 select-finder";
  box.placeholder = select.dataset.filterable;
  box.setAttribute("aria-label", select.dataset.filterable);
  box.autocomplete = "off";
  select.parentNode.insertBefore(box, select);
  function matching() {
    var words = box.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    return all.filter(function (opt) {
      var text = opt.text.toLowerCase();
      return opt.value && words.every(function (w) { return text.indexOf(w) !== -1; });
    });
  }
  // Fires "input" and "change", as a choice made by hand does, whenever the value differs
  // from what it was before: narrowing the options can move the select's value by itself.
  function choose(opt, before) {
    if (opt) select.value = opt.value;
    if (select.value === before) return;
    select.dispatchEvent(new Event("input", {bubbles: true}));
    select.dispatchEvent(new Event("change", {bubbles: true}));
  }
  box.addEventListener("input", function () {
    var before = select.value;
    var matches = matching();
    // The empty choice and the current one stay, so narrowing never clears a choice.
    var shown = all.filter(function (opt) {
      return !opt.value || opt.value === before || matches.indexOf(opt) !== -1;
    });
    select.replaceChildren.apply(select, shown);
    select.value = before;
    choose(box.value.trim() && matches.length === 1 ? matches[0] : null, before);
  });
  // Enter in the box chooses the first match instead of submitting the form.
  box.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    choose(matching()[0], select.value);
    select.focus();
  });
});
