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
// A table wider than a phone scrolls sideways in its box: keyboard users reach that box
// with Tab and scroll it with the arrow keys.
function focusableScrollBoxes() {
  document.querySelectorAll(".table-responsive").forEach(function (box) {
    if (box.scrollWidth > box.clientWidth) box.setAttribute("tabindex", "0");
    else box.removeAttribute("tabindex");
  });
}
focusableScrollBoxes();
window.addEventListener("resize", focusableScrollBoxes);
