/* The dashboard's charts (Apache ECharts, admin/static/vendor). The numbers come from the
   page's data-overview attribute: no inline script, no other origin (CSP). */
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root || !window.echarts) { return; }
  var data = JSON.parse(root.getAttribute("data-overview"));
  var months = data.months.map(function (m) { return m.slice(2).replace("-", "/"); });
  var charts = [];
  // Tooltips as plain text: ECharts' default HTML markers carry inline styles, which the
  // Content-Security-Policy refuses.
  var tooltip = { trigger: "axis", renderMode: "richText" };

  function draw(id, option) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
  }

  function stacked(groups) {
    return Object.keys(groups).map(function (name) {
      return { name: name, type: "bar", stack: "all", data: groups[name], emphasis: { focus: "series" } };
    });
  }

  function empty(groups) { return Object.keys(groups).length === 0; }

  function monthly(id, groups, kind) {
    draw(id, {
      tooltip: tooltip,
      legend: { type: "scroll", top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 30 },
      xAxis: { type: "category", data: months },
      yAxis: { type: "value", minInterval: 1 },
      title: empty(groups) ? { text: "近一年没有报告", left: "center", top: "middle",
                               textStyle: { color: "#888", fontSize: 14 } } : undefined,
      series: kind === "line" ? Object.keys(groups).map(function (name) {
        return { name: name, type: "line", data: groups[name] };
      }) : stacked(groups)
    });
  }

  monthly("chart-category", data.cases.category, "bar");
  monthly("chart-township", data.cases.township, "line");
  monthly("chart-status", data.cases.status, "bar");

  var acc = data.acceptance;
  draw("chart-acceptance", {
    tooltip: tooltip,
    legend: { top: 0 },
    grid: { left: 40, right: 40, top: 40, bottom: 30 },
    xAxis: { type: "category", data: months },
    yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
    series: [
      { name: "应受理", type: "bar", data: acc.due, itemStyle: { color: "#c8d6cf" } },
      { name: "按时受理", type: "bar", data: acc.on_time, itemStyle: { color: "#2f6f4f" } },
      { name: "按时受理率", type: "line", yAxisIndex: 1, connectNulls: false,
        data: acc.due.map(function (n, i) { return n ? Math.round(100 * acc.on_time[i] / n) : null; }) }
    ]
  });

  var places = data.children.villages;
  var villagesEl = document.getElementById("chart-villages");
  if (villagesEl) { villagesEl.style.height = Math.max(360, 26 * places.length + 70) + "px"; }
  draw("chart-villages", {
    tooltip: tooltip,
    legend: { top: 0 },
    grid: { left: 110, right: 16, top: 40, bottom: 20 },
    title: places.length ? undefined : { text: "没有留守儿童登记", left: "center", top: "middle",
                                         textStyle: { color: "#888", fontSize: 14 } },
    yAxis: { type: "category", inverse: true,
             data: places.map(function (p) { return p.township ? p.township + " " + p.village : p.village; }) },
    xAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "留守儿童", type: "bar", data: places.map(function (p) { return p.left_behind; }), itemStyle: { color: "#2f6f4f" } },
      { name: "超过一个月未联系", type: "bar", data: places.map(function (p) { return p.contact_overdue; }), itemStyle: { color: "#e0a030" } },
      { name: "超过一个季度未走访", type: "bar", data: places.map(function (p) { return p.home_visit_overdue; }), itemStyle: { color: "#b00020" } }
    ]
  });

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  root.setAttribute("data-rendered", String(charts.length));
}());
