// 员工满意度指数 (ECharts): a unit's index per quarter as a line with its number of responses as
// bars (how much to trust it), 群众呼声's 满意率 and 解决率 beside it, and the units compared in
// one quarter. The tables on the page hold the same numbers.
(function () {
  var source = document.getElementById("index-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];
  var trendBox = document.getElementById("chart-trend");
  if (trendBox) {
    var t = data.trend;
    trendBox.style.height = "280px";
    var series = [
      { name: "满意度指数", type: "line", data: t.index, yAxisIndex: 0, connectNulls: false, label: { show: true } },
      { name: "答卷数", type: "bar", data: t.responses, yAxisIndex: 1, color: "#c8d3e1", barMaxWidth: 24 },
    ];
    if (t.voices) {
      series.push({ name: "呼声满意率", type: "line", data: t.satisfaction, yAxisIndex: 0, lineStyle: { type: "dashed" } });
      series.push({ name: "呼声解决率", type: "line", data: t.resolution, yAxisIndex: 0, lineStyle: { type: "dotted" } });
    }
    var chart = window.echarts.init(trendBox);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: t.labels, axisLabel: { interval: 0, rotate: t.labels.length > 4 ? 40 : 0 } },
      yAxis: [
        { type: "value", min: 0, max: 100 },
        { type: "value", splitLine: { show: false } },
      ],
      series: series,
    });
    charts.push(chart);
  }
  var unitsBox = document.getElementById("chart-units");
  if (unitsBox && data.units.labels.length) {
    unitsBox.style.height = Math.max(140, data.units.labels.length * 30 + 50) + "px";
    var bars = window.echarts.init(unitsBox);
    bars.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100 },
      yAxis: { type: "category", inverse: true, data: data.units.labels, axisLabel: { width: 110, overflow: "truncate" } },
      series: [{ type: "bar", data: data.units.index, color: "#206bc4", label: { show: true, position: "right" } }],
    });
    charts.push(bars);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
