// Dashboard live updates: ask /api/status every 2 s and redraw the tables; the
// calls' durations count on every second between refreshes. State words come from
// the page's language (the "words" block). Text goes in with textContent only, so a
// caller ID is never read as HTML.
(function () {
  "use strict";
  var root = document.getElementById("dashboard");
  if (!root) { return; }
  var words = JSON.parse(document.getElementById("words").textContent);
  var csrf = root.getAttribute("data-csrf") || "";
  var lastAgents = null;

  function word(kind, value) {
    if (value === null || value === undefined || value === "") { return "-"; }
    return words["live_" + kind + "_" + value] || String(value);
  }

  function now() { return Date.now() / 1000; }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds)), m = Math.floor(s / 60), h = Math.floor(m / 60);
    var ss = ("0" + (s % 60)).slice(-2);
    return h ? h + ":" + ("0" + (m % 60)).slice(-2) + ":" + ss : m + ":" + ss;
  }

  // A duration cell remembers when its call began on this page's clock.
  function startDurations(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("td.duration"), function (td) {
      var d = td.getAttribute("data-duration");
      if (d !== null && d !== "") { td.setAttribute("data-since", String(now() - Number(d))); }
    });
  }

  function tickDurations() {
    Array.prototype.forEach.call(root.querySelectorAll("td.duration[data-since]"), function (td) {
      td.textContent = (td.getAttribute("data-prefix") || "") +
        clock(now() - Number(td.getAttribute("data-since")));
    });
  }

  // Fill a catalogue template: "{n} of 4 bars" with {n: 3}.
  function fmt(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (m, k) {
      return values[k] === undefined ? m : String(values[k]);
    });
  }

  // Signal bars from +CSQ (as web_ui/live_words.py: 2, 10, 15, 20 lights 1..4 bars).
  function barsCell(csq) {
    var td = document.createElement("td"), span = document.createElement("span"), n = null;
    if (typeof csq === "number" && csq >= 0 && csq <= 31) {
      n = [2, 10, 15, 20].filter(function (f) { return csq >= f; }).length;
    }
    var said = n === null ? words.live_no_signal : fmt(words.live_bars, {n: n});
    span.className = "bars";
    span.setAttribute("data-bars", n === null ? "" : String(n));
    span.setAttribute("role", "img");
    span.setAttribute("title", said);
    span.setAttribute("aria-label", said);
    for (var i = 0; i < 4; i++) { span.appendChild(document.createElement("i")); }
    td.appendChild(span);
    return td;
  }

  // A known operator in the page's language (live_op_chinamobile), else as sent.
  function operator(name) {
    if (typeof name !== "string" || !name.trim()) { return ""; }
    return words["live_op_" + name.toLowerCase().replace(/[^0-9a-z]/g, "")] || name.trim();
  }

  function ledName(name) {
    if (words["live_led_" + name]) { return words["live_led_" + name]; }
    var m = /^(LINE|SIG)-(\w+)$/.exec(name);
    return m ? fmt(words["live_led_" + m[1]], {line: m[2]}) : name;
  }

  function ledPattern(p) {
    var m = /^blink (\d+)\/(\d+) ms$/.exec(p);
    if (m) { return fmt(words.live_led_blink, {on: m[1], off: m[2]}); }
    m = /^(\d+) flashes every (\d+) ms$/.exec(p);
    if (m) { return fmt(words.live_led_flashes, {n: m[1], every: Math.floor(Number(m[2]) / 1000)}); }
    return words["live_led_is_" + p] || p;
  }

  function hidden(form, name, value) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
  }

  // The available/unavailable switch of an agent's row: a POST with the CSRF token.
  function availabilitySwitch(a) {
    var td = document.createElement("td"), form = document.createElement("form");
    var button = document.createElement("button");
    form.className = "inline";
    form.method = "post";
    form.action = "/agents/availability";
    hidden(form, "csrf", csrf);
    hidden(form, "agent", a.id);
    hidden(form, "available", a.available ? "0" : "1");
    hidden(form, "back", "/");
    form.appendChild(document.createTextNode((a.available ? words.live_yes : words.live_no) + " "));
    button.type = "submit";
    button.className = "link";
    button.textContent = a.available ? words.live_set_unavailable : words.live_set_available;
    form.appendChild(button);
    td.appendChild(form);
    return td;
  }

  // YYYY-MM-DD of this browser's day, to say "since 10:05" of today without the date.
  function today() {
    var d = new Date();
    return d.getFullYear() + "-" + ("0" + (d.getMonth() + 1)).slice(-2) + "-" +
      ("0" + d.getDate()).slice(-2);
  }

  // An agent's state cell: "unavailable by choice since 10:05" set apart (as the page
  // draws it: pages.agent_state), else the state's word.
  function agentState(a) {
    var td = document.createElement("td"), since = a.unavailable_since, text;
    td.className = "state-" + a.state;
    if (a.state === "unavailable" && typeof since === "string" && since.indexOf("T") > 0) {
      var day = since.slice(0, 10), hhmm = since.slice(11, 16);
      text = words.agent_unavailable_since.replace("{time}", day === today() ? hhmm : day + " " + hhmm);
    } else {
      text = words["agent_" + a.state] || a.state;
    }
    td.textContent = text;
    return td;
  }

  function cell(row, text) {
    var td = document.createElement("td");
    td.textContent = text === null || text === undefined ? "-" : String(text);
    row.appendChild(td);
  }

  // Cells are text, or a finished <td> element (a duration, a switch).
  function fill(id, rows) {
    var body = document.getElementById(id);
    var fresh = document.createElement("tbody");
    fresh.id = id;
    rows.forEach(function (cells) {
      var tr = document.createElement("tr");
      cells.forEach(function (c) {
        if (c instanceof HTMLElement) { tr.appendChild(c); } else { cell(tr, c); }
      });
      fresh.appendChild(tr);
    });
    body.parentNode.replaceChild(fresh, body);
    return fresh;
  }

  // Talking: the time since the answer; not answered yet: how long the caller waits.
  function durationCell(c) {
    var td = document.createElement("td"), seconds = c.duration_s, prefix = "";
    td.className = "duration";
    if (typeof seconds !== "number" && typeof c.waiting_s === "number") {
      seconds = c.waiting_s;
      prefix = fmt(words.live_waiting, {time: ""});
      td.className = "duration waiting";
      td.setAttribute("data-prefix", prefix);
    }
    if (typeof seconds !== "number") {
      td.textContent = "-";
    } else {
      td.setAttribute("data-since", String(now() - seconds));
      td.textContent = prefix + clock(seconds);
    }
    return td;
  }

  // A line the network forwards (a one-line box after hours): to whom, since when.
  function drawForwarding(s) {
    var list = document.getElementById("forwarding");
    if (!list) { return; }
    while (list.firstChild) { list.removeChild(list.firstChild); }
    var all = {};  // the GSM lines, and the analog ones (a one-analog-line box forwards too)
    Object.keys(s.lines || {}).forEach(function (n) {
      if (s.lines[n] && s.lines[n].kind === "fxo") { all[n] = s.lines[n]; }
    });
    Object.keys(s.gsm).forEach(function (n) { all[n] = s.gsm[n]; });
    Object.keys(all).sort().forEach(function (n) {
      var f = all[n].forwarding;
      if (!f) { return; }
      var li = document.createElement("li");
      li.textContent = (words.live_forwarded || "{line}: {to} {since}").replace("{line}", n)
        .replace("{to}", f.to).replace("{since}", String(f.since || "").slice(0, 16).replace("T", " "));
      list.appendChild(li);
    });
  }

  // Each analog line's health (as web_ui/analog_health.py draws it on the page).
  function fxoWord(prefix, value) {
    if (value === null || value === undefined || value === "") { return "-"; }
    return words[prefix + value] || String(value);
  }

  function fxoService(l) {
    if (l.battery === false) { return words.live_fxo_no_battery; }
    if (l.state === "fault") {
      var why = words["live_reason_" + l.reason_code] || l.reason || "";
      return why ? fmt(words.live_fxo_fault_why, {why: why}) : words.live_fxo_fault;
    }
    return l.battery === true ? words.live_fxo_in_service : words.live_fxo_unknown;
  }

  // The line's name, and under it its number, exchange and disconnect method.
  function lineCell(name, l) {
    var td = document.createElement("td"), small = document.createElement("small");
    td.appendChild(document.createTextNode(name));
    td.appendChild(document.createElement("br"));
    small.textContent = (l.number || "-") + " · " + fxoWord("live_fxo_profile_", l.profile) +
      " · " + fxoWord("live_fxo_disc_", l.disconnect);
    td.appendChild(small);
    return td;
  }

  function drawAnalog(s) {
    var card = document.getElementById("analog-card");
    if (!card) { return; }
    var all = s.lines || {}, names = Object.keys(all).sort().filter(function (n) {
      return all[n] && all[n].kind === "fxo";
    });
    card.hidden = names.length === 0;
    var body = fill("analog", names.map(function (n) {
      var l = all[n], ring = typeof l.last_ring === "string" && l.last_ring.indexOf("T") > 0 ?
        l.last_ring.slice(0, 16).replace("T", " ") : words.live_fxo_never;
      return [lineCell(n, l), fxoWord("live_fxo_state_", l.state), fxoService(l),
              fxoWord("live_fxo_polarity_", l.polarity), ring];
    }));
    names.forEach(function (n, i) {  // out of service in red, as the page draws it
      var l = all[n], ok = l.battery === false || l.state === "fault" ? "no" :
        l.battery === true ? "yes" : "unknown";
      body.rows[i].className = "service-" + ok;
    });
  }

  function draw(s) {
    drawForwarding(s);
    document.getElementById("system").textContent = words["sys_" + s.system] || s.system;
    var lines = Object.keys(s.gsm).sort().map(function (n) {
      var g = s.gsm[n];
      return [n, word("line", g.state), barsCell(g.csq),
              operator(g.operator) || word("reg", g.registration), word("sim", g.sim)];
    });
    Object.keys(s.ports).sort().forEach(function (n) {
      lines.push([n, word("port", s.ports[n]), "-", "-", "-"]);
    });
    fill("lines", lines);
    drawAnalog(s);
    fill("calls", s.calls.map(function (c) {
      return [c.caller || words.live_withheld, c.region || "-", c.line || "-",
              word("call", c.state) + (c.recording ? " · " + words.live_recording : ""),
              (c.talking_with || (c.ringing || []).join(", ") || "-") +
              (c.transferred_by ? " (" + fmt(words.live_transferred_by, {who: c.transferred_by}) +
               ")" : ""),
              durationCell(c)];
    }));
    document.getElementById("no-calls").hidden = s.calls.length > 0;
    if (window.drawQueues) { window.drawQueues(s); }  // the hold queues (queue.js)
    if (window.drawWarnings) { window.drawWarnings(s); }  // the owner's warnings (warnings.js)
    var agentsNow = JSON.stringify(s.agents || []);
    if (agentsNow !== lastAgents) {  // redrawn only when changed, so a tap is not lost
      lastAgents = agentsNow;
      fill("agents", (s.agents || []).map(function (a) {
        return [a.name, agentState(a), availabilitySwitch(a), a.answered, a.missed];
      }));
    }
    var leds = document.getElementById("leds");
    while (leds.firstChild) { leds.removeChild(leds.firstChild); }
    Object.keys(s.leds).sort().forEach(function (n) {
      var li = document.createElement("li"), dot = document.createElement("span"), small = document.createElement("small");
      var p = String(s.leds[n]);
      dot.className = "led " + (p.indexOf("solid") === 0 ? "on" : p.indexOf("off") === 0 ? "off" : "blink");
      small.textContent = ledPattern(p);
      li.appendChild(dot);
      li.appendChild(document.createTextNode(" " + ledName(n) + " "));
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
  startDurations(root);
  setInterval(tickDurations, 1000);
  setTimeout(tick, 2000);
})();
