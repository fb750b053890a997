/* The dashboard's charts: drawn with ECharts from the numbers the page embeds
   (#dashboard-data, written by the server with json_script). Each chart's table and
   downloads are plain HTML beside it, so nothing here is needed to read the numbers. */
(function () {
  "use strict";

  const PALETTE = ["#1d5fa8", "#2e9d6a", "#e0a030", "#8a5cc2", "#d2553f", "#3aa7c9", "#7f8c8d", "#c2185b"];

  function valueAxis(spec) {
    if (spec.percent) {
      return { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } };
    }
    return { type: "value", minInterval: 1 };
  }

  function option(spec) {
    const many = spec.series.length > 1;
    const base = {
      color: PALETTE,
      animation: false,
      tooltip: { trigger: spec.kind === "pie" ? "item" : "axis", confine: true },
    };
    if (spec.kind === "pie") {
      base.legend = { type: "scroll", bottom: 0 };
      base.series = [{
        type: "pie",
        radius: ["35%", "62%"],
        center: ["50%", "45%"],
        label: { formatter: "{b}: {c}" },
        data: spec.categories.map((name, i) => ({ name: name, value: spec.series[0].data[i] })),
      }];
      return base;
    }
    if (many) base.legend = { top: 0, type: "scroll" };
    base.grid = { left: 8, right: 16, top: many ? 36 : 12, bottom: 8, containLabel: true };
    const categories = { type: "category", data: spec.categories };
    if (spec.kind === "hbar") {
      categories.inverse = true;  // the first row of the table on top
      base.xAxis = valueAxis(spec);
      base.yAxis = categories;
    } else {
      categories.axisLabel = { hideOverlap: true };
      base.xAxis = categories;
      base.yAxis = valueAxis(spec);
    }
    base.series = spec.series.map((s) => ({
      name: s.name,
      type: spec.kind === "line" ? "line" : "bar",
      data: s.data,
      stack: s.stack,
      itemStyle: s.color ? { color: s.color } : undefined,
      barMaxWidth: 28,
      connectNulls: false,
    }));
    if (spec.percent) {
      base.tooltip.valueFormatter = (v) => (v === null || v === undefined ? "–" : v + "%");
    }
    return base;
  }

  function draw() {
    const source = document.getElementById("dashboard-data");
    if (!source || !window.echarts) return;
    const data = JSON.parse(source.textContent);
    const locale = (document.documentElement.lang || "").startsWith("zh") ? "ZH" : "EN";
    const drawn = [];
    document.querySelectorAll("[data-chart]").forEach((el) => {
      const spec = data.charts[el.dataset.chart];
      if (!spec || !spec.categories.length) return;
      if (spec.kind === "hbar") {
        // One readable row per category: a list of 20 engineers needs more room than 3 rows.
        el.style.height = Math.max(180, spec.categories.length * 26 + 70) + "px";
      }
      const chart = window.echarts.init(el, null, { locale: locale });
      chart.setOption(option(spec));
      if (spec.links && spec.links.some(Boolean)) {
        // A click opens the requests behind the number (the table's links do the same by
        // keyboard).
        chart.on("click", (params) => {
          const url = spec.links[params.dataIndex];
          if (url) window.location.assign(url);
        });
      }
      drawn.push(chart);
    });
    let pending = 0;
    window.addEventListener("resize", () => {
      window.clearTimeout(pending);
      pending = window.setTimeout(() => drawn.forEach((c) => c.resize()), 150);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
