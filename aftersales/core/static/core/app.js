// AfterSales: keyboard shortcuts and small helpers. Everything works without it.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    var typing = target && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" ||
      target.tagName === "SELECT" || target.isContentEditable);
    if (event.key === "/" && !typing) {
      var search = document.getElementById("global-search");
      if (search) { event.preventDefault(); search.focus(); }
    }
    if (event.key === "Escape") {
      document.querySelectorAll("details[open]").forEach(function (d) { d.open = false; });
    }
  });
  // Close an open menu when clicking elsewhere.
  document.addEventListener("click", function (event) {
    document.querySelectorAll(".tools details[open]").forEach(function (d) {
      if (!d.contains(event.target)) { d.open = false; }
    });
  });
  // A form submitted once stays submitted: no double registration on a slow network.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset.submitted) { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    window.setTimeout(function () { delete form.dataset.submitted; }, 4000);
  });
  // Ctrl+Enter sends the composer or the form being typed in.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey) && event.target.form) {
      event.preventDefault();
      event.target.form.requestSubmit();
    }
  });
})();
