// The completion rate per organisation (ECharts horizontal bars, so names stay readable on a
// phone) and the 学时 per member as a second series. The table below holds the same numbers.
(function () {
  var box = document.getElementById("overview-chart");
  var source = document.getElementById("overview-data");
  if (!box || !source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  box.style.height = Math.max(160, data.labels.length * 36 + 70) + "px";
  var chart = window.echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0, data: ["完成率", "人均学时"] },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: [
      { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      { type: "value", show: false },
    ],
    yAxis: {
      type: "category",
      inverse: true,
      data: data.labels,
      axisLabel: { width: 110, overflow: "truncate" },
    },
    series: [
      { name: "完成率", type: "bar", data: data.rates, color: "#206bc4" },
      { name: "人均学时", type: "bar", xAxisIndex: 1, data: data.per_member, color: "#2fb344" },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
