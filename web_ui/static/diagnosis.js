// The dashboard's "calls now" card: ask /api/diagnosis every 10 s and redraw the office's
// state and the findings (their messages come in the page's language from the box's
// page). Text goes in with textContent only.
(function () {
  "use strict";
  var card = document.getElementById("diagnosis");
  var office = document.getElementById("office");
  if (!card || !office) { return; }
  var words = JSON.parse(document.getElementById("diagnosis-words").textContent);

  function draw(d) {
    office.className = "office office-" + d.office.state;
    office.firstElementChild.textContent = d.office.message;
    var list = document.getElementById("findings");
    var fresh = document.createElement("ul");
    fresh.id = "findings";
    fresh.className = "findings";
    d.findings.forEach(function (f) {
      var li = document.createElement("li"), head = document.createElement("strong");
      li.className = "finding finding-" + f.severity;
      li.setAttribute("data-code", f.code);
      head.textContent = (words["diag_severity_" + f.severity] || f.severity) + ":";
      li.appendChild(head);
      li.appendChild(document.createTextNode(" " + f.message));
      fresh.appendChild(li);
    });
    list.parentNode.replaceChild(fresh, list);
    document.getElementById("diag-ok").hidden = d.findings.length > 0;
  }

  function refresh() {
    fetch(card.getAttribute("data-live"), {credentials: "same-origin",
                                           headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && d.office) { draw(d); } })
      .catch(function () { /* the box restarting: keep what is shown */ });
  }

  setInterval(refresh, 10000);
}());
