// The dashboard's hold queue table: redrawn from each /api/status live.js fetches
// (status.queues: per queue, the callers waiting in order). Waiting times count on
// with live.js's durations (td.duration[data-since]).
(function () {
  "use strict";
  var words = JSON.parse(document.getElementById("words").textContent);

  function td(text) {
    var cell = document.createElement("td");
    cell.textContent = text;
    return cell;
  }

  window.drawQueues = function (s) {
    var body = document.getElementById("queued");
    if (!body) { return; }
    var fresh = document.createElement("tbody"), count = 0;
    fresh.id = "queued";
    (s.queues || []).forEach(function (q) {
      (q.waiting || []).forEach(function (w) {
        var tr = document.createElement("tr"), wait = td("-");
        var who = (w.caller || words.live_withheld) + (w.vip ? " · " + words.live_queue_vip : "");
        [q.queue, String(w.position), who, w.region || "-",
          words["live_queue_" + w.state] || w.state].forEach(function (t) {
          tr.appendChild(td(t));
        });
        wait.className = "duration";
        wait.setAttribute("data-since", String(Date.now() / 1000 - (w.waiting_s || 0)));
        tr.appendChild(wait);
        fresh.appendChild(tr);
        count += 1;
      });
    });
    body.parentNode.replaceChild(fresh, body);
    document.getElementById("no-queued").hidden = count > 0;
  };
})();
