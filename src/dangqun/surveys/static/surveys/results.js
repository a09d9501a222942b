// A survey's results (ECharts): each question's distribution, the units' 综合满意率 and the
// trend across waves. The tables beside them hold the same numbers.
(function () {
  var source = document.getElementById("results-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];
  function bars(box, labels, values, max, suffix) {
    box.style.height = Math.max(140, labels.length * 30 + 50) + "px";
    var chart = window.echarts.init(box);
    chart.setOption({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", max: max, axisLabel: { formatter: "{value}" + suffix } },
      yAxis: { type: "category", inverse: true, data: labels, axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", data: values, color: "#206bc4" }],
    });
    charts.push(chart);
  }
  data.questions.forEach(function (q) {
    var box = document.getElementById("chart-q" + q.id);
    if (box) bars(box, q.labels, q.counts, null, "");
  });
  var units = document.getElementById("chart-units");
  if (units && data.units.labels.length) bars(units, data.units.labels, data.units.rates, 100, "%");
  var trend = document.getElementById("chart-trend");
  if (trend && data.trend.labels) {
    trend.style.height = "260px";
    var chart = window.echarts.init(trend);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { top: 0, type: "scroll" },
      grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: "category", data: data.trend.labels },
      yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      series: data.trend.series.map(function (s) {
        return { name: s.name, type: "line", data: s.data, connectNulls: false };
      }),
    });
    charts.push(chart);
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
