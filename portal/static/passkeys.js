// Passkeys (WebAuthn): adding one on "Mijn account" and logging in with one. The server makes the
// options and checks the answer (portal/passkeys); this file only carries them between the server and
// the browser's navigator.credentials. Every sentence shown comes from the page (data-message-*), in
// the reader's language. Without this file (or without passkeys in the browser) the parts stay hidden.
(function () {
  "use strict";
  if (window.__passkeysLoaded) {
    return;  // the page may include this file more than once
  }
  window.__passkeysLoaded = true;

  // A passkey belongs to a domain name: opened by an IP address (a test set-up) the browser refuses one.
  function supported() {
    var host = window.location.hostname;
    var byAddress = /^[0-9.]+$/.test(host) || host.indexOf(":") >= 0 || host.charAt(0) === "[";
    return !!(window.PublicKeyCredential && navigator.credentials && window.fetch && window.isSecureContext) && !byAddress;
  }

  function toBytes(base64url) {
    var base64 = base64url.replace(/-/g, "+").replace(/_/g, "/");
    var padded = base64 + "===".slice((base64.length + 3) % 4);
    var binary = atob(padded);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) {
      bytes[i] = binary.charCodeAt(i);
    }
    return bytes.buffer;
  }

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) {
      binary += String.fromCharCode(bytes[i]);
    }
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function post(url, csrf, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": csrf},
      body: JSON.stringify(body || {})
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return {ok: response.ok, data: data};
      });
    });
  }

  function show(box, message) {
    box.textContent = message;
    box.hidden = false;
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    (options.excludeCredentials || []).forEach(function (credential) {
      credential.id = toBytes(credential.id);
    });
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    (options.allowCredentials || []).forEach(function (credential) {
      credential.id = toBytes(credential.id);
    });
    return options;
  }

  function registrationJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        attestationObject: toBase64url(response.attestationObject),
        transports: response.getTransports ? response.getTransports() : []
      }
    };
  }

  function assertionJSON(credential) {
    var response = credential.response;
    return {
      id: credential.id,
      rawId: toBase64url(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || undefined,
      clientExtensionResults: credential.getClientExtensionResults ? credential.getClientExtensionResults() : {},
      response: {
        clientDataJSON: toBase64url(response.clientDataJSON),
        authenticatorData: toBase64url(response.authenticatorData),
        signature: toBase64url(response.signature),
        userHandle: response.userHandle ? toBase64url(response.userHandle) : null
      }
    };
  }

  // The browser's refusal in words: cancelled or timed out, an existing passkey, or anything else.
  function browserProblem(box, error) {
    var name = error && error.name;
    if (name === "NotAllowedError" || name === "AbortError") {
      show(box, box.closest("[data-message-cancelled]").dataset.messageCancelled);
    } else if (name === "InvalidStateError" && box.closest("[data-message-exists]")) {
      show(box, box.closest("[data-message-exists]").dataset.messageExists);
    } else {
      show(box, box.closest("[data-message-failed]").dataset.messageFailed);
    }
  }

  // One passkey ceremony, for adding one and for logging in with one: the server's options, the
  // browser's part (`browserStep`), the answer sent back (`answer`), then where the server says. A
  // refusal shows in `box`; the button works again and `focusAfter` gets the focus.
  function ceremony(root, box, button, options, browserStep, answer, focusAfter) {
    button.disabled = true;
    box.hidden = true;
    var csrf = root.dataset.csrf;
    post(root.dataset.optionsUrl, csrf, options).then(function (result) {
      if (!result.ok) {
        throw {server: result.data.error || root.dataset.messageFailed};
      }
      return browserStep(result.data).catch(function (error) {
        throw {browser: error};
      });
    }).then(function (credential) {
      return post(root.dataset.verifyUrl, csrf, answer(credential));
    }).then(function (result) {
      if (!result.ok) {
        throw {server: result.data.error || root.dataset.messageFailed};
      }
      window.location.assign(result.data.redirect);
    }).catch(function (problem) {
      button.disabled = false;
      if (problem && problem.server) {
        show(box, problem.server);
      } else {
        browserProblem(box, problem && problem.browser);
      }
      focusAfter.focus();
    });
  }

  function setUpAdding(root) {
    var form = root.querySelector("form");
    var box = root.querySelector("[data-passkey-error]");
    var input = form.querySelector("input[name='name']");
    var button = form.querySelector("button[type='submit']");
    root.querySelector("[data-passkey-unsupported]").hidden = true;
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (button.disabled) {
        return;  // one ceremony at a time: a double click adds one passkey
      }
      var name = input.value;
      ceremony(root, box, button, {name: name}, function (data) {
        return navigator.credentials.create({publicKey: creationOptions(data)});
      }, function (credential) {
        return {name: name, credential: registrationJSON(credential), next: root.dataset.next};
      }, input);
    });
  }

  function setUpLogin(root) {
    var box = root.querySelector("[data-passkey-error]");
    var button = root.querySelector("button");
    root.hidden = false;
    button.addEventListener("click", function () {
      if (button.disabled) {
        return;
      }
      ceremony(root, box, button, {}, function (data) {
        return navigator.credentials.get({publicKey: requestOptions(data)});
      }, function (credential) {
        return {credential: assertionJSON(credential), next: root.dataset.next};
      }, box);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (!supported()) {
      return;
    }
    document.querySelectorAll("[data-passkey-add]").forEach(setUpAdding);
    document.querySelectorAll("[data-passkey-login]").forEach(setUpLogin);
  });
})();
