// Trend charts from the numbers the page already shows (json_script "trend-data").
(function () {
  var el = document.getElementById("trend-data");
  if (!el || typeof Chart === "undefined") return;
  var data = JSON.parse(el.textContent);
  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.animation = false;
  var blue = "#1d4f91", green = "#198754";
  function bar(id, series) {
    new Chart(document.getElementById(id), {
      type: "bar",
      data: { labels: series.labels, datasets: [{ label: data.i18n.count, data: series.counts, backgroundColor: blue, maxBarThickness: 56 }] },
      options: { maintainAspectRatio: false, plugins: { legend: { display: false } },
                 scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  bar("chart-type", data.type);
  bar("chart-stage", data.stage);
  new Chart(document.getElementById("chart-month"), {
    data: {
      labels: data.month.labels,
      datasets: [
        { type: "bar", label: data.i18n.count, data: data.month.counts, backgroundColor: blue, yAxisID: "y", order: 2, maxBarThickness: 56 },
        { type: "line", label: data.i18n.win, data: data.month.win, borderColor: green, backgroundColor: green,
          yAxisID: "y1", spanGaps: true, tension: 0.2, order: 1, pointRadius: 4 }
      ]
    },
    options: {
      maintainAspectRatio: false,
      scales: {
        y: { beginAtZero: true, ticks: { precision: 0 }, position: "left" },
        y1: { beginAtZero: true, max: 100, position: "right", grid: { drawOnChartArea: false } }
      }
    }
  });
  if (data.quiet && document.getElementById("chart-quiet")) {
    new Chart(document.getElementById("chart-quiet"), {
      type: "bar",
      data: {
        labels: data.quiet.labels,
        datasets: [
          { label: data.i18n.count, data: data.quiet.objections, backgroundColor: blue, maxBarThickness: 56 },
          { label: data.i18n.quiet, data: data.quiet.quiet, backgroundColor: "#fd7e14", maxBarThickness: 56 }
        ]
      },
      options: { maintainAspectRatio: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
})();
