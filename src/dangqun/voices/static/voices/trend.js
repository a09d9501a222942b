// The 12-month trend of the three rates as a line chart (ECharts), fed by the page's JSON endpoint.
// The current month is not over (its voices are still being handled and rated): it is drawn as a
// dashed segment labelled "截至今日", never as a fall. The table below the chart holds the same
// numbers for screen readers and for printing.
(function () {
  var box = document.getElementById("trend-chart");
  if (!box || !window.echarts) return;
  var RATES = [
    ["满意率", "satisfaction_rate", "#d63939"],
    ["解决率", "resolution_rate", "#2fb344"],
    ["响应率", "response_rate", "#206bc4"],
  ];
  fetch(box.dataset.url, { credentials: "same-origin" })
    .then(function (response) { return response.json(); })
    .then(function (data) {
      var months = data.months;
      var last = months.length - 1;
      var partial = last >= 0 && months[last].partial;
      var percent = function (key) {
        return months.map(function (m) { return m[key] === null ? null : Math.round(m[key] * 1000) / 10; });
      };
      var series = [];
      RATES.forEach(function (rate) {
        var values = percent(rate[1]);
        var whole = values.slice();
        if (partial) whole[last] = null;
        series.push({ name: rate[0], type: "line", data: whole, connectNulls: false, color: rate[2] });
        if (partial) {
          var soFar = values.map(function (v, i) { return i >= last - 1 ? v : null; });
          series.push({
            name: rate[0], type: "line", data: soFar, connectNulls: false, color: rate[2],
            lineStyle: { type: "dashed" }, symbol: "emptyCircle",
          });
        }
      });
      var labels = months.map(function (m, i) {
        return partial && i === last ? m.label + "\n（" + data.so_far.label + "）" : m.label;
      });
      // One line per rate: the solid and the dashed series of a rate meet at last month's point.
      var tooltip = function (points) {
        var seen = {};
        var lines = [String(points[0].axisValueLabel).replace("\n", "")];
        points.forEach(function (p) {
          if (seen[p.seriesName]) return;
          if (p.value === null || p.value === undefined) return;
          seen[p.seriesName] = true;
          lines.push(p.marker + p.seriesName + " " + p.value + "%");
        });
        return lines.join("<br>");
      };
      var chart = window.echarts.init(box);
      chart.setOption({
        tooltip: { trigger: "axis", formatter: tooltip },
        legend: { top: 0, data: RATES.map(function (r) { return r[0]; }) },
        grid: { left: 40, right: 16, top: 40, bottom: 44 },
        xAxis: { type: "category", data: labels },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: series,
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
})();
