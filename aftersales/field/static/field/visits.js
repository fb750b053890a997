// Check-in and check-out forms fill the phone's position when the browser allows it; the
// visit is recorded without coordinates when it does not (they are optional).
(function () {
  "use strict";
  function fill(form) {
    var status = form.querySelector("[data-geo-status]");
    var lat = form.querySelector("input[name$='-lat']");
    var lng = form.querySelector("input[name$='-lng']");
    if (!lat || !lng || !navigator.geolocation) { return; }
    if (status) { status.textContent = status.dataset.locating || ""; }
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      if (status) { status.textContent = status.dataset.located || ""; }
    }, function () {
      if (status) { status.textContent = status.dataset.unavailable || ""; }
    }, { enableHighAccuracy: true, timeout: 8000, maximumAge: 60000 });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-geo]").forEach(fill);
  });
})();
