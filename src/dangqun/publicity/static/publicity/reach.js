// An item's reach by day (ECharts): cumulative opened and confirmed rates of those it was sent
// to. The table beside it holds the figures per unit.
(function () {
  var box = document.getElementById("reach-chart");
  var source = document.getElementById("reach-data");
  if (!box || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["打开率", "确认率"] },
    grid: { left: 44, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: data.labels },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [
      { name: "打开率", type: "line", data: data.opened, color: "#206bc4" },
      { name: "确认率", type: "line", data: data.confirmed, color: "#d63939" },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
