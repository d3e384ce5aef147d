// Meeting mode (§5): each tap on "order to leave" is queued with its own token and sent; when the
// phone has no connection the taps wait (also across a reload) and are sent once it returns. The
// server stores each token once, so a tap sent twice counts once. Without this script the buttons
// are plain form posts.
(function () {
  "use strict";
  var KEY = "veilig-bestuur-meeting-orders";
  var sending = false;

  function load() {
    try { return JSON.parse(window.localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function save(queue) {
    try { window.localStorage.setItem(KEY, JSON.stringify(queue)); } catch (e) { /* private mode: memory only */ }
  }
  function newToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function offline(show) {
    var note = document.querySelector("[data-offline]");
    if (note) { note.hidden = !show; }
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
  function cardFor(item) {
    return document.querySelector('[data-disrupter="' + item.disrupter + '"]');
  }
  function flush() {
    if (sending) { return; }
    var queue = load();
    if (!queue.length) { offline(false); return; }
    sending = true;
    var item = queue[0];
    var body = new URLSearchParams();
    if (item.csrf) { body.set("csrf_token", item.csrf); }
    body.set("token", item.token);
    fetch(item.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      sending = false;
      var rest = load().filter(function (other) { return other.token !== item.token; });
      save(rest);
      if (response.ok) {
        response.json().then(function (data) { show(cardFor(item), data.orders, data.trespass); });
      }
      offline(false);
      flush();
    }, function () {
      sending = false;
      offline(true);  // kept in the queue; sent again when the connection returns
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
  window.addEventListener("online", flush);
  document.addEventListener("DOMContentLoaded", flush);
}());
