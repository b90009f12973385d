// app.js - a little help on the pages, none of it needed: every page works
// without it.
//  - Countdowns: an element with data-left (the milliseconds left when the
//    page was made; negative when late) keeps showing the time left, as the
//    server writes it ("5 h 20 min left", "late by 10 min").
//  - Confirmations: a form with data-confirm asks its question before it is
//    sent, and is not sent when the answer is no.
(function () {
  "use strict";
  var loaded = Date.now();

  function words(ms) {
    var late = ms < 0;
    var m = Math.floor(Math.abs(ms) / 60000);
    var span = m >= 60 ? Math.floor(m / 60) + " h " + (m % 60) + " min" : m + " min";
    return late ? "late by " + span : span + " left";
  }

  function tick() {
    var gone = Date.now() - loaded;
    var all = document.querySelectorAll("[data-left]");
    for (var i = 0; i < all.length; i++) {
      var left = Number(all[i].getAttribute("data-left"));
      if (!isNaN(left)) {
        all[i].textContent = words(left - gone);
      }
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });
  tick();
  window.setInterval(tick, 20000);
}());
