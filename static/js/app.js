/* Small progressive enhancements: live countdowns, announcements and focus after htmx swaps. */
(function () {
  "use strict";

  // The server's clock when it rendered the page: countdowns use it, so a client whose
  // clock is wrong (or a test with frozen time) still counts from the server's "now".
  var serverNow = Date.parse(document.documentElement.getAttribute("data-server-now") || "");
  var offset = isNaN(serverNow) ? 0 : serverNow - Date.now();

  function plural(n, word) { return n + " " + word + (n === 1 ? "" : "s"); }

  function describe(ms) {
    var overdue = ms < 0;
    var minutes = Math.floor(Math.abs(ms) / 60000);
    var days = Math.floor(minutes / 1440), hours = Math.floor((minutes % 1440) / 60), mins = minutes % 60;
    var text;
    if (days > 0) text = plural(days, "day") + " " + plural(hours, "hour");
    else if (hours > 0) text = plural(hours, "hour") + " " + plural(mins, "minute");
    else text = plural(mins, "minute");
    return overdue ? "overdue by " + text : "in " + text;
  }

  function tick() {
    var now = Date.now() + offset;
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-countdown"));
      if (isNaN(due)) return;
      el.textContent = describe(due - now);
      el.classList.toggle("app-countdown--overdue", due < now);
      el.classList.toggle("app-countdown--soon", due >= now && due - now < 3 * 3600000);
    });
  }

  function announce(text) {
    var region = document.getElementById("app-announcer");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    window.setInterval(tick, 15000);
    document.body.addEventListener("app:announce", function (e) {
      announce(e.detail && (e.detail.value || e.detail));
    });
    // A 400 carries the form again with its errors (the GOV.UK pattern): swap it in like a 200.
    document.body.addEventListener("htmx:beforeSwap", function (e) {
      if (e.detail.xhr && e.detail.xhr.status === 400) {
        e.detail.shouldSwap = true;
        e.detail.isError = false;
      }
    });
    // "Select every document shown" (the library): a box with data-select-all="name" ticks or
    // clears every box of that name; listening on the body keeps it working after htmx swaps.
    document.body.addEventListener("change", function (e) {
      var name = e.target.getAttribute("data-select-all");
      if (!name) return;
      document.querySelectorAll('input[name="' + name + '"]').forEach(function (box) { box.checked = e.target.checked; });
    });
    // After a row is swapped, put focus back on its button so keyboard users keep their place.
    document.body.addEventListener("htmx:afterSwap", function (e) {
      var target = e.detail.elt && e.detail.elt.id ? document.getElementById(e.detail.elt.id) : null;
      var focusable = target && target.querySelector("[data-focus-after-swap]");
      if (focusable) focusable.focus();
      tick();
    });
  });
})();
