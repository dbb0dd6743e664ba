// The analog line's form (views/analog_lines.tpl): when the exchange profile changes, the
// disconnect choice "the exchange's usual: ..." names the new profile's usual method
// (each profile's words are on the option as data-usual-<profile>).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("select[name$='_profile']"), function (sel) {
    var line = sel.name.replace(/_profile$/, "");
    var method = document.querySelector("select[name='" + line + "_disconnect']");
    if (!method) { return; }
    var usual = method.querySelector("option[value='default']");
    sel.addEventListener("change", function () {
      var words = usual && usual.getAttribute("data-usual-" + sel.value);
      if (words) { usual.textContent = words; }
    });
  });
})();
