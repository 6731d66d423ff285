/* framing report: draws the plotly figures from their JSON blocks, offers PNG/SVG/CSV downloads,
   sorts tables and filters/paginates the concordance. No network, no eval, no innerHTML. */
(function () {
  "use strict";

  function csvCell(v) {
    if (v === null || v === undefined) return "";
    var s = String(v);
    return /[",\r\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  }

  function download(filename, text, type) {
    var blob = new Blob(["\ufeff" + text], { type: type });
    var url = URL.createObjectURL(blob);
    var a = document.createElement("a");
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  function toCsv(data) {
    var lines = [data.columns.map(csvCell).join(",")];
    data.rows.forEach(function (r) { lines.push(r.map(csvCell).join(",")); });
    return lines.join("\r\n") + "\r\n";
  }

  function drawFigure(fig) {
    var holder = document.getElementById(fig.getAttribute("data-spec"));
    var plot = fig.querySelector(".plot");
    if (!holder || !plot || fig.getAttribute("data-drawn")) return;
    var spec = JSON.parse(holder.textContent);
    var name = spec.filename || fig.id;
    var layout = spec.figure.layout || {};
    var compact = window.matchMedia && window.matchMedia("(max-width: 700px)").matches;
    if (compact) {  // phone: smaller type, legend below; the download buttons replace the modebar
      layout.font = Object.assign({}, layout.font, { size: 10 });
      if (layout.title) layout.title.font = Object.assign({}, layout.title.font, { size: 12 });
      if (layout.legend) layout.legend = Object.assign({}, layout.legend, { font: { size: 10 } });
      if (layout.margin) layout.margin = Object.assign({}, layout.margin, { l: 30, r: 8 });
    }
    var config = {
      responsive: true,
      displaylogo: false,
      displayModeBar: !compact,
      toImageButtonOptions: { format: "png", filename: name, scale: 2 },
      modeBarButtonsToRemove: ["select2d", "lasso2d"],
      modeBarButtonsToAdd: [{
        name: "downloadSvg",
        title: "Download plot as SVG",
        icon: Plotly.Icons.disk,
        click: function (gd) { Plotly.downloadImage(gd, { format: "svg", filename: name }); }
      }]
    };
    fig.setAttribute("data-drawn", "1");
    Plotly.newPlot(plot, spec.figure.data, layout, config);
    fig.querySelectorAll("button[data-action]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        var action = btn.getAttribute("data-action");
        if (action === "csv") download(name + ".csv", toCsv(spec.csv), "text/csv;charset=utf-8");
        else Plotly.downloadImage(plot, { format: action, filename: name, scale: action === "png" ? 2 : 1 });
      });
    });
  }

  function drawFigures() {
    if (typeof Plotly === "undefined") {
      document.querySelectorAll("figure.chart .plot").forEach(function (p) {
        p.textContent = "The chart library (assets/plotly.min.js) did not load; the data is in the table and CSV below.";
      });
      return;
    }
    var figs = Array.prototype.slice.call(document.querySelectorAll("figure.chart"));
    // draw in small batches so that the page stays responsive on long reports
    (function next(i) {
      figs.slice(i, i + 4).forEach(drawFigure);
      if (i + 4 < figs.length) setTimeout(function () { next(i + 4); }, 0);
      else document.documentElement.setAttribute("data-figures-drawn", String(figs.length));
    })(0);
  }

  function sortTables() {
    document.querySelectorAll("table.sortable").forEach(function (table) {
      var heads = table.querySelectorAll("thead th");
      heads.forEach(function (th, col) {
        var btn = document.createElement("button");
        btn.type = "button";
        btn.className = "sort";
        btn.textContent = th.textContent;
        btn.title = "Sort by " + th.textContent;
        th.textContent = "";
        th.appendChild(btn);
        btn.addEventListener("click", function () {
          var asc = th.getAttribute("aria-sort") !== "ascending";
          heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          var num = th.classList.contains("num");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[col] ? a.cells[col].textContent : "";
            var y = b.cells[col] ? b.cells[col].textContent : "";
            if (num) {
              var nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
              if (isNaN(nx)) return 1;
              if (isNaN(ny)) return -1;
              return asc ? nx - ny : ny - nx;
            }
            return asc ? x.localeCompare(y) : y.localeCompare(x);
          });
          rows.forEach(function (r) { body.appendChild(r); });
          if (table.getAttribute("data-folded") === "1") {  // a folded table keeps showing its first rows
            var fold = parseInt(table.getAttribute("data-fold"), 10) || 10;
            Array.prototype.forEach.call(body.rows, function (r, i) { r.hidden = i >= fold; });
          }
        });
      });
    });
  }

  // Long tables show their first rows and a button that shows the rest (and folds them again).
  function foldTables() {
    document.querySelectorAll("table[data-fold]").forEach(function (table) {
      var fold = parseInt(table.getAttribute("data-fold"), 10) || 10;
      var body = table.tBodies[0];
      if (!body || body.rows.length <= fold) return;
      var n = body.rows.length;
      var btn = document.createElement("button");
      btn.type = "button";
      btn.className = "fold-toggle";
      btn.setAttribute("aria-controls", table.id);
      function apply(open) {
        Array.prototype.forEach.call(body.rows, function (r, i) { r.hidden = !open && i >= fold; });
        btn.setAttribute("aria-expanded", open ? "true" : "false");
        btn.textContent = open ? "Show the first " + fold + " rows only" : "Show all " + n + " rows";
        table.setAttribute("data-folded", open ? "0" : "1");
      }
      btn.addEventListener("click", function () { apply(table.getAttribute("data-folded") === "1"); });
      var wrap = table.closest(".table-wrap") || table;
      wrap.parentNode.insertBefore(btn, wrap.nextSibling);
      apply(false);
    });
  }

  // Links from the summary's and the comparison's sentences to the concordance lines behind them.
  function kwicLinks() {
    document.querySelectorAll("a[data-kwic-outlet]").forEach(function (a) {
      a.addEventListener("click", function () {
        // data-kwic-side: a side of the declared comparison (a group of outlets, or one outlet of a pair)
        var fields = { outlet: a.getAttribute("data-kwic-outlet"), lexicon: "", side: a.getAttribute("data-kwic-side") || "",
                       category: a.getAttribute("data-kwic-category") || "", entry: a.getAttribute("data-kwic-entry") || "" };
        document.querySelectorAll("#kwic-filters select").forEach(function (s) {
          var want = fields[s.getAttribute("data-field")] || "";
          var has = Array.prototype.some.call(s.options, function (o) { return o.value === want; });
          s.value = has ? want : "";
        });
        var first = document.getElementById("kwic-outlet");
        if (first) first.dispatchEvent(new Event("change"));
      });
    });
  }

  function kwic() {
    var table = document.getElementById("kwic-table");
    if (!table) return;
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var size = parseInt(table.getAttribute("data-page-size"), 10) || 25;
    var selects = Array.prototype.slice.call(document.querySelectorAll("#kwic-filters select"));
    var status = document.getElementById("kwic-status");
    var pageLabel = document.getElementById("kwic-page");
    var prev = document.getElementById("kwic-prev");
    var next = document.getElementById("kwic-next");
    var page = 0;
    var matching = rows;

    function filter() {
      var want = selects.map(function (s) { return [s.getAttribute("data-field"), s.value, s.hasAttribute("data-multi")]; });
      matching = rows.filter(function (r) {
        return want.every(function (w) {
          var v = r.getAttribute("data-" + w[0]);
          if (!w[1]) return true;
          // data-multi: the row holds several values separated by "|"
          return w[2] ? ("|" + (v || "") + "|").indexOf("|" + w[1] + "|") >= 0 : v === w[1];
        });
      });
      page = 0;
      show();
    }

    function show() {
      var pages = Math.max(1, Math.ceil(matching.length / size));
      page = Math.min(Math.max(page, 0), pages - 1);
      var lo = page * size, hi = lo + size;
      rows.forEach(function (r) { r.hidden = true; });
      matching.slice(lo, hi).forEach(function (r) { r.hidden = false; });
      status.textContent = matching.length === 0
        ? "No line matches these filters in the embedded sample."
        : "Lines " + (lo + 1) + "–" + Math.min(hi, matching.length) + " of " + matching.length +
          (matching.length === rows.length ? "" : " matching (of " + rows.length + " embedded)");
      pageLabel.textContent = "page " + (page + 1) + " of " + pages;
      prev.disabled = page === 0;
      next.disabled = page >= pages - 1;
    }

    // "#kwic/<lexicon>/<entry>" (the lexicon tables' entry links): the lines of that entry
    function fromHash() {
      var parts = decodeURIComponent(window.location.hash || "").split("/");
      if (parts[0] !== "#kwic" || parts.length !== 3) return;
      var want = {outlet: "", category: "", lexicon: parts[1], entry: parts[2]};
      selects.forEach(function (s) { s.value = want[s.getAttribute("data-field")] || ""; });
      filter();
      var entry = document.getElementById("kwic-entry");
      if (entry && entry.value !== parts[2]) {
        status.textContent = "No line of the entry “" + parts[2] + "” is in the embedded sample; the data folder's matches table has every hit.";
      }
      var section = document.getElementById("kwic");
      if (section) section.scrollIntoView();
    }
    window.addEventListener("hashchange", fromHash);

    selects.forEach(function (s) { s.addEventListener("change", filter); });
    document.getElementById("kwic-filters").addEventListener("reset", function () { setTimeout(filter, 0); });
    document.getElementById("kwic-filters").addEventListener("submit", function (e) { e.preventDefault(); });
    prev.addEventListener("click", function () { page -= 1; show(); });
    next.addEventListener("click", function () { page += 1; show(); });
    filter();
    fromHash();
  }

  // a chart drawn inside a closed <details> gets its size when the details open
  function resizeOnOpen() {
    document.addEventListener("toggle", function (e) {
      if (!e.target.open || typeof Plotly === "undefined") return;
      e.target.querySelectorAll("figure.chart[data-drawn] .plot").forEach(function (p) { Plotly.Plots.resize(p); });
    }, true);
  }

  function start() {
    resizeOnOpen();
    sortTables();
    foldTables();
    kwic();
    kwicLinks();
    drawFigures();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
