// Intake form: photo previews, and a shipment fills product, lot, order and ship date.
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
  var customer = form.querySelector("[name=customer]");
  var shipment = form.querySelector("[name=shipment]");
  // Choosing a customer loads that customer's shipments (newest first).
  function loadShipments() {
    if (!customer || !shipment) return;
    shipment.length = 1;
    if (!customer.value) return;
    fetch(shipment.dataset.url + "?customer=" + encodeURIComponent(customer.value), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        data.shipments.forEach(function (s) {
          var opt = new Option(s.label, s.id);
          opt.dataset.product = s.product;
          opt.dataset.lot = s.lot;
          opt.dataset.date = s.date;
          opt.dataset.order = s.order;
          shipment.add(opt);
        });
      });
  }
  function set(name, value) {
    var el = form.querySelector("[name=" + name + "]");
    if (el && value) el.value = value;
  }
  if (customer) customer.addEventListener("change", loadShipments);
  if (shipment) shipment.addEventListener("change", function () {
    var opt = shipment.selectedOptions[0];
    if (!opt || !opt.value) return;
    set("product", opt.dataset.product);
    set("lot_number", opt.dataset.lot);
    set("ship_date", opt.dataset.date);
    set("order_number", opt.dataset.order);
  });
  // An error beside a field goes away once the field is corrected.
  form.addEventListener("input", function (event) {
    var el = event.target;
    if (!el.classList || !el.classList.contains("is-invalid")) return;
    el.classList.remove("is-invalid");
    var box = el.closest(".mb-2");
    if (box) box.querySelectorAll(".invalid-feedback").forEach(function (e) { e.remove(); });
  });
})();
