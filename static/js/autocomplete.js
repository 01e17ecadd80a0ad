// Selects marked data-autocomplete (core.widgets.AutocompleteSelect) find their options by
// typing: Tom Select (static/vendor/tom-select) asks the select's URL for up to twenty
// matches of what is typed (a code, or part of a name), and the page only ever holds the
// chosen option. Without JavaScript the select still sends what it holds.
//
// data-depends names another field of the form whose value goes along (?customer=): the
// shipment list is the chosen customer's, emptied and reloaded when the customer changes.
// Choosing a shipment fills product, lot, ship date and order number where the form has
// those fields (the intake form does).
(function () {
  if (typeof TomSelect === "undefined") return;

  function setField(form, name, value) {
    var el = form.querySelector("[name=" + name + "]");
    if (!el || value === undefined || value === null || value === "") return;
    if (el.tomselect) el.tomselect.setValue(String(value));
    else el.value = value;
  }

  document.querySelectorAll("select[data-autocomplete]").forEach(function (select) {
    var form = select.form;
    var depends = select.dataset.depends && form ? form.querySelector("[name=" + select.dataset.depends + "]") : null;
    var ts = new TomSelect(select, {
      valueField: "value",
      labelField: "text",
      searchField: [],
      // The server has matched already: keep its order, filter nothing out here.
      score: function () { return function () { return 1; }; },
      maxOptions: null,
      preload: "focus",
      openOnFocus: false,
      loadThrottle: 250,
      // No choice shows the prompt; a field that may stay empty (a filter's "all", an
      // optional shipment) gets a × that clears the choice.
      allowEmptyOption: false,
      plugins: select.required ? {} : {clear_button: {title: select.dataset.clear}},
      placeholder: select.dataset.placeholder,
      shouldLoad: function () { return !depends || !!depends.value; },
      load: function (query, callback) {
        var self = this;
        var url = new URL(select.dataset.autocomplete, window.location.href);
        url.searchParams.set("q", query);
        if (depends) url.searchParams.set(depends.name, depends.value);
        fetch(url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
          .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
          .then(function (data) {
            // An answer to what the box no longer holds (typed on, or a row chosen and the
            // box emptied meanwhile) must not reopen the list or replace its rows.
            if (query !== self.inputValue()) {
              callback();
              if (!self.inputValue()) self.close();
              return;
            }
            // Only this answer's rows are offered (and the chosen one, which clearOptions keeps).
            self.clearOptions();
            callback(data.results);
          })
          .catch(function () { callback(); });
      },
      render: {
        no_results: function () { return '<div class="no-results">' + (select.dataset.empty || "—") + "</div>"; },
      },
    });
    // Tom Select's own box carries the label now; the hidden select only sends the value.
    select.setAttribute("aria-hidden", "true");
    // Opening the list takes the cursor (Tom Select's open() focuses its box). An answer that
    // arrives after the person has chosen and moved on to the next field must not open it:
    // what they type next would land in this box (seen on a busy machine, after a choice).
    var open = ts.open.bind(ts);
    ts.open = function () {
      if (document.activeElement && !ts.wrapper.contains(document.activeElement)) return;
      open();
    };
    if (depends) {
      depends.addEventListener("change", function () {
        ts.clear();
        ts.clearOptions();
        ts.wrapper.classList.remove("preloaded");
        if (depends.value) ts.preload();
      });
    }
    if (select.name === "shipment" && form) {
      select.addEventListener("change", function () {
        var data = ts.options[ts.getValue()];
        if (!data) return;
        setField(form, "product", data.product);
        setField(form, "lot_number", data.lot);
        setField(form, "ship_date", data.date);
        setField(form, "order_number", data.order);
      });
    }
  });
})();
