// Dashboard charts (Chart.js, vendored under objections/): each <canvas data-chart> reads
// its numbers from the JSON script "<id>-data" that the page also shows as a table.
// A click on a bar opens the ticket list filtered to that bar's tickets.
(function () {
  if (typeof Chart === "undefined") return;
  var style = getComputedStyle(document.body);
  Chart.defaults.font.family = style.fontFamily;
  Chart.defaults.animation = false;
  var blue = "#1d4f91", orange = "#d9480f";
  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var el = document.getElementById(canvas.id + "-data");
    if (!el) return;
    var d = JSON.parse(el.textContent);
    var kind = canvas.dataset.chart;
    var datasets = [{ type: kind === "line" ? "line" : "bar", label: d.valueLabel, data: d.values,
                      backgroundColor: blue, borderColor: blue, yAxisID: "y", order: 2, maxBarThickness: 48 }];
    var scales = { y: { beginAtZero: true, ticks: { precision: 0 } },
                   x: { ticks: { autoSkip: false, maxRotation: 45 } } };
    if (kind === "pareto") {
      datasets.push({ type: "line", label: "%", data: d.cumulative, borderColor: orange, backgroundColor: orange,
                      yAxisID: "y1", order: 1, pointRadius: 3 });
      scales.y1 = { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false },
                    ticks: { callback: function (v) { return v + "%"; } } };
    }
    new Chart(canvas, {
      data: { labels: d.labels, datasets: datasets },
      options: {
        maintainAspectRatio: false,
        plugins: { legend: { display: kind === "pareto" } },
        scales: scales,
        onHover: function (e, items) { canvas.style.cursor = items.length && d.drills[items[0].index] ? "pointer" : "default"; },
        onClick: function (e, items) {
          if (!items.length) return;
          var url = d.drills[items[0].index];
          if (url) window.location.href = url;
        }
      }
    });
  });
  // Canvases do not reflow for paper: print shows the tables with their bars instead (CSS).
})();
