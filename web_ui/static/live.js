// Dashboard live updates: ask /api/status every 2 s and redraw the tables.
// Text goes in with textContent only, so a caller ID is never read as HTML.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) { return; }
  var words = JSON.parse(document.getElementById("words").textContent);

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "-" : String(text);
    row.appendChild(td);
  }

  function fill(id, rows) {
    var body = document.getElementById(id);
    var fresh = document.createElement("tbody");
    fresh.id = id;
    rows.forEach(function (cells) {
      var tr = document.createElement("tr");
      cells.forEach(function (c) { cell(tr, c); });
      fresh.appendChild(tr);
    });
    body.parentNode.replaceChild(fresh, body);
  }

  function draw(s) {
    document.getElementById("system").textContent = words["sys_" + s.system] || s.system;
    var lines = Object.keys(s.gsm).sort().map(function (n) {
      var g = s.gsm[n];
      return [n, g.state, g.csq, g.operator || g.registration, g.sim];
    });
    Object.keys(s.ports).sort().forEach(function (n) { lines.push([n, s.ports[n], "-", "-", "-"]); });
    fill("lines", lines);
    fill("calls", s.calls.map(function (c) {
      return [c.what, c.state, (c.parties || c.legs || []).join(", ")];
    }));
    document.getElementById("no-calls").hidden = s.calls.length > 0;
    fill("agents", (s.agents || []).map(function (a) {
      return [a.name, words["agent_" + a.state] || a.state, a.answered, a.missed];
    }));
    var leds = document.getElementById("leds");
    while (leds.firstChild) { leds.removeChild(leds.firstChild); }
    Object.keys(s.leds).sort().forEach(function (n) {
      var li = document.createElement("li"), dot = document.createElement("span"), small = document.createElement("small");
      var p = String(s.leds[n]);
      dot.className = "led " + (p.indexOf("solid") === 0 ? "on" : p.indexOf("off") === 0 ? "off" : "blink");
      small.textContent = s.leds[n];
      li.appendChild(dot);
      li.appendChild(document.createTextNode(" " + n + " "));
      li.appendChild(small);
      leds.appendChild(li);
    });
  }

  function tick() {
    fetch(root.getAttribute("data-live"), {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (s) { if (s) { draw(s); } })
      .catch(function () {})
      .then(function () { setTimeout(tick, 2000); });
  }
  setTimeout(tick, 2000);
})();
