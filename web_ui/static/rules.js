// The plan editor on the Rules page: an exit's choices show each step's id as it is
// typed, and a step that ends the call (busy, announcement, hang up) hides its exits.
// The form works the same without it (the ids show after the next button press).
(function () {
  "use strict";
  var form = document.getElementById("plan-form");
  if (!form) { return; }
  var endings = (form.getAttribute("data-endings") || "").split(" ");
  function refresh() {
    var ids = [];
    form.querySelectorAll(".step-id").forEach(function (input) { ids.push(input.value.trim()); });
    form.querySelectorAll("select.step-exit option").forEach(function (option) {
      if (option.value === "") { return; }
      var n = parseInt(option.value, 10);
      option.textContent = (n + 1) + ". " + (ids[n] || "?");
    });
    form.querySelectorAll("fieldset.step").forEach(function (step) {
      var action = step.querySelector(".step-do").value;
      step.querySelector(".exits").hidden = endings.indexOf(action) >= 0;
    });
  }
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  refresh();
})();
