// A form with a customer select and a shipment select carrying data-url offers only the
// chosen customer's shipments (newest first). Choosing one fills product, lot, order and
// ship date where the form has those fields (the intake form does).
(function () {
  document.querySelectorAll("select[name=shipment][data-url]").forEach(function (shipment) {
    var form = shipment.form;
    var customer = form && form.querySelector("[name=customer]");
    if (!customer) return;
    function set(name, value) {
      var el = form.querySelector("[name=" + name + "]");
      if (el && value) el.value = value;
    }
    customer.addEventListener("change", function () {
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
    });
    shipment.addEventListener("change", function () {
      var opt = shipment.selectedOptions[0];
      if (!opt || !opt.value) return;
      set("product", opt.dataset.product);
      set("lot_number", opt.dataset.lot);
      set("ship_date", opt.dataset.date);
      set("order_number", opt.dataset.order);
    });
  });
})();
