// Reports per month and platform, drawn by the vendored Chart.js from JSON the server embedded.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var holder = document.getElementById("chart-data");
    var canvas = document.getElementById("reports-chart");
    if (!holder || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(holder.textContent);
    var palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
    data.datasets.forEach(function (d, i) { d.backgroundColor = palette[i % palette.length]; });
    window.deskChart = new Chart(canvas, {
      type: "bar",
      data: data,
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,  // the box in desk.css sets the height; the width follows the page
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  });
})();
