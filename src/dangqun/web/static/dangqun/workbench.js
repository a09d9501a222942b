// The 工作台's small charts (ECharts). Each card's figures come in a <script type="application/json">
// written by the page (json_script), named by the chart box's data-chart attribute. When the last
// period is still running (partial_last), it is drawn apart as "so far" (dashed, hollow), never as
// a fall to 0. A slow card arrives after the page (HTMX, hx-trigger="load"): its chart is drawn
// when HTMX has put it in place (htmx:load), each box once.
(function () {
  if (!window.echarts) return;
  function draw(root) {
  var boxes = root.querySelectorAll("[data-chart]");
  Array.prototype.forEach.call(boxes, function (box) {
    if (box.dataset.drawn) return;
    var source = document.getElementById(box.dataset.chart);
    if (!source) return;
    box.dataset.drawn = "1";
    var data = JSON.parse(source.textContent);
    var labels = data.labels.slice();
    var last = labels.length - 1;
    if (data.partial_last && last >= 0) labels[last] = labels[last] + "（至今）";
    var unit = data.unit || "";
    var series = [];
    data.series.forEach(function (s) {
      if (data.kind === "bar") {
        series.push({
          name: s.name, type: "bar",
          data: s.data.map(function (v, i) {
            if (!data.partial_last || i !== last) return v;
            return { value: v, itemStyle: { opacity: 0.4 } };  // so far: pale
          }),
        });
        return;
      }
      var whole = s.data.map(function (v, i) { return data.partial_last && i === last ? null : v; });
      series.push({ name: s.name, type: "line", data: whole, connectNulls: false });
      if (data.partial_last && last > 0) {
        var sofar = s.data.map(function (v, i) { return i >= last - 1 ? v : null; });
        series.push({
          name: s.name, type: "line", data: sofar, connectNulls: false,
          lineStyle: { type: "dashed" }, symbol: "emptyCircle", tooltip: { show: false },
        });
      }
    });
    var chart = window.echarts.init(box);
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } },
      legend: { top: 0, data: data.series.map(function (s) { return s.name; }) },
      grid: { left: 36, right: 8, top: 36, bottom: 24 },
      xAxis: { type: "category", data: labels, axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", min: 0, minInterval: unit === "%" ? 0 : 1, axisLabel: { formatter: "{value}" + unit } },
      series: series,
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
  }
  draw(document);
  document.addEventListener("htmx:load", function (event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.querySelectorAll) draw(elt.parentNode || elt);
  });
})();
