// The 12-month trend of the three rates as a line chart (ECharts), fed by the page's JSON endpoint.
// The table below the chart holds the same numbers for screen readers and for printing.
(function () {
  var box = document.getElementById("trend-chart");
  if (!box || !window.echarts) return;
  fetch(box.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var months = data.months;
      var percent = function (key) {
        return months.map(function (m) { return m[key] === null ? null : Math.round(m[key] * 1000) / 10; });
      };
      var chart = window.echarts.init(box);
      chart.setOption({
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null ? "—" : v + "%"; } },
        legend: { top: 0 },
        grid: { left: 40, right: 16, top: 40, bottom: 30 },
        xAxis: { type: "category", data: months.map(function (m) { return m.label; }) },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: [
          { name: "满意率", type: "line", data: percent("satisfaction_rate"), connectNulls: false },
          { name: "解决率", type: "line", data: percent("resolution_rate"), connectNulls: false },
          { name: "响应率", type: "line", data: percent("response_rate"), connectNulls: false },
        ],
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
})();
