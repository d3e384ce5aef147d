// Meeting mode (§5): each tap on "order to leave" is queued with its own token and sent; when the
// phone has no connection the taps wait (also across a reload) and are sent once it returns. The
// server stores each token once, so a tap sent twice counts once. A tap the server did not take
// (the form expired, or the session ended) stays in the queue: reloading the page sends it with the
// page's fresh form token. Without this script the buttons are plain form posts.
(function () {
  "use strict";
  var KEY = "veilig-bestuur-meeting-orders";
  var RETRY_MS = 5000;
  var sending = false;
  var stuck = false;  // the server refused a tap until the page is reloaded: do not send it again and again

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) {
    try { window.localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode: memory only */ }
  }
  function forget(token) {
    save(load().filter(function (other) { return other.token !== token; }));
  }
  function newToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function note(name, show) {
    var element = document.querySelector("[data-" + name + "]");
    if (element) { element.hidden = !show; }
  }
  function pageCsrf() {
    // The form token of this page: after a reload it is fresh, where a queued tap's own may have expired.
    var field = document.querySelector('[data-queue-order] [name="csrf_token"]');
    return field ? field.value : "";
  }
  function show(card, orders, trespass) {
    if (!card) { return; }
    var counter = card.querySelector("[data-orders]");
    counter.setAttribute("data-orders", String(orders));
    counter.textContent = counter.getAttribute("data-text").replace("{n}", String(orders));
    if (trespass || orders >= Number(counter.getAttribute("data-after"))) {
      card.querySelector("[data-trespass]").hidden = false;
    }
  }
  function waiting(disrupter) {  // taps for this person not yet stored by the server
    return load().filter(function (item) { return item.disrupter === disrupter; }).length;
  }
  function cardFor(item) {
    return document.querySelector('[data-disrupter="' + item.disrupter + '"]');
  }
  function flush() {
    if (sending || stuck) { return; }
    var queue = load();
    if (!queue.length) { note("offline", false); return; }
    sending = true;
    var item = queue[0];
    var body = new URLSearchParams();
    body.set("csrf_token", pageCsrf() || item.csrf || "");
    body.set("token", item.token);
    fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      note("offline", false);
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (response.ok && json) {
        return response.json().then(function (data) {
          forget(item.token);
          sending = false;
          // The server's count leaves out the taps still waiting on this phone: they are added, so an
          // answer that arrives after later taps never sets the count back.
          show(cardFor(item), data.orders + waiting(item.disrupter), data.trespass);
          flush();
        });
      }
      sending = false;
      if (response.status === 409 || response.status === 404) {
        forget(item.token);  // the record is closed or the disrupter gone: this tap has nowhere to go
        flush();
      } else {
        stuck = true;  // expired form or session (a 400, or a redirect to the login page): kept for a reload
        note("resend", true);
      }
    }).catch(function () {
      sending = false;
      note("offline", true);  // kept in the queue; sent again when the connection returns
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-queue-order]") || !window.fetch) { return; }
    event.preventDefault();
    var card = form.closest("[data-disrupter]");
    var csrf = form.querySelector('[name="csrf_token"]');
    var queue = load();
    queue.push({
      url: form.action,
      csrf: csrf ? csrf.value : "",
      token: form.querySelector('[name="token"]').value,
      disrupter: card.getAttribute("data-disrupter")
    });
    save(queue);
    form.querySelector('[name="token"]').value = newToken();  // the next tap is a new order
    var counter = card.querySelector("[data-orders]");
    show(card, Number(counter.getAttribute("data-orders")) + 1, false);
    flush();
  });
  function start() {
    // The page shows what the server stored; taps still waiting on this phone (also from before a
    // reload) are added to it.
    Array.prototype.forEach.call(document.querySelectorAll("[data-disrupter]"), function (card) {
      var counter = card.querySelector("[data-orders]");
      var queued = waiting(card.getAttribute("data-disrupter"));
      if (counter && queued) { show(card, Number(counter.getAttribute("data-orders")) + queued, false); }
    });
    flush();
  }
  window.addEventListener("online", flush);
  window.setInterval(flush, RETRY_MS);  // also when the phone never says it is back online
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
