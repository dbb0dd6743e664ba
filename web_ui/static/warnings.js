// The dashboard's warnings card: redrawn from each /api/status live.js fetches
// (status.warnings: each with its message in the page's language and a link).
(function () {
  "use strict";
  var words = JSON.parse(document.getElementById("warning-words").textContent);

  function item(w) {
    var li = document.createElement("li"), link = document.createElement("a");
    li.className = "finding finding-" + w.severity;
    li.setAttribute("data-code", w.code);
    li.appendChild(document.createTextNode(w.message + " "));
    link.href = w.link;
    link.textContent = w.code === "notices_failed" ? words.outbox : words.voicemail;
    li.appendChild(link);
    if (w.code === "voicemail_unheard_deleted") { li.appendChild(dismiss()); }
    return li;
  }

  function dismiss() {  // the same form the page draws
    var form = document.createElement("form"), csrf = document.createElement("input"),
      button = document.createElement("button"), dash = document.getElementById("dashboard");
    form.className = "inline";
    form.method = "post";
    form.action = "/warnings/voicemail/dismiss";
    csrf.type = "hidden";
    csrf.name = "csrf";
    csrf.value = dash ? dash.getAttribute("data-csrf") : "";
    button.className = "link";
    button.type = "submit";
    button.textContent = words.dismiss;
    form.appendChild(csrf);
    form.appendChild(button);
    return form;
  }

  window.drawWarnings = function (s) {
    var list = document.getElementById("warnings"), card = document.getElementById("warnings-card");
    if (!list || !card) { return; }
    var now = JSON.stringify(s.warnings || []);
    if (list.getAttribute("data-drawn") === now) { return; }  // unchanged: left as it is
    list.setAttribute("data-drawn", now);
    while (list.firstChild) { list.removeChild(list.firstChild); }
    (s.warnings || []).forEach(function (w) { list.appendChild(item(w)); });
    card.hidden = !(s.warnings || []).length;
  };
})();
