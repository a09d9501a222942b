// The radar's children as a bar chart (ECharts): branches that met every rule and those with
// findings, per organisation. The numbers come from the page (json_script); the table below
// holds the same numbers for screen readers and for printing.
(function () {
  var box = document.getElementById("radar-chart");
  var source = document.getElementById("radar-data");
  if (!box || !source || !window.echarts) return;
  var rows = JSON.parse(source.textContent);
  var chart = window.echarts.init(box);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
    legend: { top: 0 },
    grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", minInterval: 1 },
    yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
    series: [
      { name: "全部达标", type: "bar", stack: "branches", color: "#2fb344", data: rows.map(function (r) { return r.green; }) },
      { name: "需要关注", type: "bar", stack: "branches", color: "#f76707", data: rows.map(function (r) { return r.branches - r.green; }) },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
