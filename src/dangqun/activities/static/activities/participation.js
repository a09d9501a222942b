// The 12-month participation trend (ECharts): people taking part as bars, the participation rate
// and the volunteer hours as lines. The table below the chart holds the same numbers.
(function () {
  var box = document.getElementById("participation-chart");
  var source = document.getElementById("participation-data");
  if (!box || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var chart = window.echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: ["参与人数", "参与率", "志愿服务时长"] },
    grid: { left: 44, right: 44, top: 40, bottom: 44 },
    xAxis: { type: "category", data: data.labels },
    yAxis: [
      { type: "value", name: "人", minInterval: 1 },
      { type: "value", name: "%", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    ],
    series: [
      { name: "参与人数", type: "bar", data: data.participants, color: "#206bc4" },
      { name: "参与率", type: "line", yAxisIndex: 1, data: data.rates, color: "#d63939" },
      { name: "志愿服务时长", type: "line", data: data.hours, color: "#2fb344" },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
