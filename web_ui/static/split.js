// Percentage split editor: shows each member's share as a bar and the total, live.
// The box refuses a total other than 100 when the form is saved; this only shows it early.
(function () {
  "use strict";
  var colours = ["#0b6bcb", "#2f9e55", "#f0a500", "#8e44ad", "#d35400", "#16a085", "#7f8c8d"];
  function update(form) {
    var strategy = form.querySelector(".strategy").value;
    var split = form.querySelector(".split");
    var bar = split.querySelector(".bar"), total = split.querySelector(".total");
    while (bar.firstChild) { bar.removeChild(bar.firstChild); }
    if (strategy !== "percentage") { split.hidden = true; return; }
    split.hidden = false;
    var sum = 0;
    form.querySelector(".members").value.split("\n").forEach(function (line, i) {
      var m = line.trim().split(/[\s,%]+/);
      var share = parseInt(m[1], 10);
      if (!m[0] || isNaN(share)) { return; }
      sum += share;
      var part = document.createElement("span");
      part.style.width = Math.max(0, Math.min(share, 100)) + "%";
      part.style.background = colours[i % colours.length];
      part.title = m[0] + " " + share + "%";
      bar.appendChild(part);
    });
    total.textContent = sum + "%";
    total.className = "total" + (sum === 100 ? "" : " bad");
  }
  document.querySelectorAll("form.group").forEach(function (form) {
    form.addEventListener("input", function () { update(form); });
    update(form);
  });
})();
