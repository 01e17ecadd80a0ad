// Intake form: photo previews, errors that go away once corrected, the customer's find box
// (or the first error) in focus, and Ctrl+Enter to save without reaching for the mouse
// (autocomplete.js finds the customer and offers its shipments).
(function () {
  var form = document.getElementById("intake-form");
  if (!form) return;
  var input = form.querySelector("input[type=file][name=photos]");
  var box = document.getElementById("photo-previews");
  if (input && box) {
    input.addEventListener("change", function () {
      box.innerHTML = "";
      Array.prototype.forEach.call(input.files, function (file) {
        var fig = document.createElement("figure");
        fig.className = "photo-preview";
        var cap = document.createElement("figcaption");
        cap.textContent = file.name;
        if (file.type.indexOf("image/") === 0) {
          var img = document.createElement("img");
          img.alt = file.name;
          img.src = URL.createObjectURL(file);
          img.onload = function () { URL.revokeObjectURL(img.src); };
          fig.appendChild(img);
        }
        fig.appendChild(cap);
        box.appendChild(fig);
      });
    });
  }
  // An error beside a field goes away once the field is corrected.
  form.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.classList || !el.classList.contains("is-invalid")) return;
    el.classList.remove("is-invalid");
    if (el.tomselect) el.tomselect.wrapper.classList.remove("is-invalid");
    var box = el.closest(".mb-2");
    if (box) box.querySelectorAll(".invalid-feedback").forEach(function (e) { e.remove(); });
  });
  form.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit(form.querySelector("button[type=submit]"));
    }
  });
  // After a refused save, the first error; on a new form, the customer's find box.
  // A select found by typing (autocomplete.js) takes the focus in its own box.
  var start = form.querySelector(".is-invalid:not(.ts-wrapper)") || document.getElementById("id_customer");
  if (start && start.tomselect) start.tomselect.focus();
  else if (start) start.focus();
})();
