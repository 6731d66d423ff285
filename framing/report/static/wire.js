/* "Same story, different words": filter the side-by-side copies by outlet and kind of edit. */
(function () {
  "use strict";
  function start() {
    var form = document.getElementById("wire-filters");
    if (!form) return;
    var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
    var pairs = Array.prototype.slice.call(document.querySelectorAll("#wire-pairs .wire-pair"));
    var status = document.getElementById("wire-status");
    function filter() {
      var outlet = document.getElementById("wire-outlet").value;
      var kind = document.getElementById("wire-kind").value;
      var shown = 0;
      pairs.forEach(function (p) {
        var kinds = (p.getAttribute("data-kinds") || "").split(" ");
        var ok = (!outlet || p.getAttribute("data-outlet") === outlet) && (!kind || kinds.indexOf(kind) >= 0);
        p.hidden = !ok;
        if (ok) shown += 1;
      });
      status.textContent = shown + " of " + pairs.length + " copies";
    }
    selects.forEach(function (s) { s.addEventListener("change", filter); });
    form.addEventListener("reset", function () { setTimeout(filter, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
