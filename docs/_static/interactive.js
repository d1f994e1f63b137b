/* minigrad's interactive figures (docs/_ext/interactive): draw each figure's JSON spec
   with plotly, and redraw the traces a slider changes. The data was computed when the
   site was built and is in the page; only plotly itself is fetched, from this site.
   Follows furo's light/dark theme. */
(function () {
  "use strict";

  var NARROW = 560; // px: below this the panels stack (phones)

  function isDark() {
    var t = document.body.dataset.theme;
    if (t === "dark") return true;
    if (t === "light") return false;
    return window.matchMedia("(prefers-color-scheme: dark)").matches;
  }

  function merge(target, extra) {
    Object.keys(extra || {}).forEach(function (k) {
      var v = extra[k];
      if (v && typeof v === "object" && !Array.isArray(v) && target[k] &&
          typeof target[k] === "object") {
        merge(target[k], v);
      } else {
        target[k] = v;
      }
    });
    return target;
  }

  function themed(layout) {
    var dark = isDark();
    var fg = dark ? "#d0d0d0" : "#222222";
    var grid = dark ? "#3a3a3a" : "#e6e6e6";
    layout.paper_bgcolor = "rgba(0,0,0,0)";
    layout.plot_bgcolor = "rgba(0,0,0,0)";
    layout.font = merge(layout.font || {}, { color: fg });
    Object.keys(layout).forEach(function (k) {
      if (/^[xy]axis\d*$/.test(k)) {
        merge(layout[k], { gridcolor: grid, zerolinecolor: grid, linecolor: fg,
                           tickcolor: fg });
      }
    });
    return layout;
  }

  function setup(figure) {
    var spec = JSON.parse(figure.querySelector("script.mg-data").textContent);
    var plot = figure.querySelector(".mg-plot");
    var inputs = Array.prototype.slice.call(figure.querySelectorAll("input[type=range]"));
    var verdicts = figure.querySelectorAll(".mg-verdict");
    var narrow = null;

    function layout() {
      var l = JSON.parse(JSON.stringify(spec.layout));
      narrow = plot.clientWidth < NARROW;
      if (narrow) merge(l, spec.narrow);
      return themed(l);
    }

    function update() {
      var at = inputs.map(function (i) { return +i.value; });
      inputs.forEach(function (input, c) {
        input.nextElementSibling.textContent = spec.controls[c].values[at[c]];
      });
      spec.groups.forEach(function (group, g) {
        var flat = 0;
        group.controls.forEach(function (c) {
          flat = flat * spec.controls[c].values.length + at[c];
        });
        var rows = group.table[flat];
        // a row without x keeps the trace's x (e.g. the step numbers)
        Plotly.restyle(plot, { x: rows.map(function (r, k) {
                                 return r.x || plot.data[group.traces[k]].x; }),
                               y: rows.map(function (r) { return r.y; }) },
                       group.traces);
        verdicts[g].textContent = group.text[flat];
      });
      figure.dataset.state = at.join(",");
    }

    Plotly.newPlot(plot, spec.data, layout(), {
      responsive: true, displaylogo: false, scrollZoom: false,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"],
    }).then(function () {
      inputs.forEach(function (input) { input.addEventListener("input", update); });
      update();
      figure.classList.add("mg-ready");
    });

    function relayout() { Plotly.relayout(plot, layout()); }
    new MutationObserver(relayout).observe(document.body,
      { attributes: true, attributeFilter: ["data-theme"] });
    window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", relayout);
    window.addEventListener("resize", function () {
      if ((plot.clientWidth < NARROW) !== narrow) relayout();
    });
  }

  // plotly (4.8 MB, 1.4 MB compressed) is fetched from this site's _static/ only when a
  // figure comes near the screen, so the page itself loads as fast as any other.
  var here = document.currentScript ? document.currentScript.src : "";
  var PLOTLY = here.replace(/interactive\.js(\?.*)?$/, "plotly/plotly.min.js");
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) return Promise.resolve();
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = PLOTLY;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  function start() {
    var figures = document.querySelectorAll("figure.mg-interactive");
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        loadPlotly().then(function () { setup(entry.target); });
      });
    }, { rootMargin: "600px 0px" });
    figures.forEach(function (figure) { observer.observe(figure); });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
