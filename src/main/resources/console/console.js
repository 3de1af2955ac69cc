// Credflow console: the little script the pages need. No inline script runs (the content policy
// allows only this file and htmx): htmx's requests carry the CSRF token, selects submit their
// form, Copy buttons copy, Delete asks first, and Authenticate opens the provider's popup.
(function () {
  "use strict";
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.getAttribute("content") : "";

  // A notice shown once after a redirect is not shown again by a reload.
  if (window.location.search.indexOf("notice=") >= 0 && window.history.replaceState) {
    var url = new URL(window.location.href);
    url.searchParams.delete("notice");
    window.history.replaceState(null, "", url.pathname + url.search + url.hash);
  }

  // What the previous page learned just before it moved here (e.g. an Authenticate's outcome).
  var flash = window.sessionStorage && window.sessionStorage.getItem("credflow.flash");
  var flashBox = document.getElementById("flash");
  if (flash && flashBox) {
    window.sessionStorage.removeItem("credflow.flash");
    flashBox.textContent = flash;
    flashBox.hidden = false;
    // The flash says more than the page's own notice of the same event.
    document.querySelectorAll("[data-notice]").forEach(function (n) { n.hidden = true; });
  }

  // A list filtered as you type: [data-filter] names the list; its [data-filter-item]s that do
  // not contain the typed words are hidden.
  document.addEventListener("input", function (e) {
    var selector = e.target.getAttribute && e.target.getAttribute("data-filter");
    if (!selector) { return; }
    var words = e.target.value.toLowerCase().split(/\s+/).filter(Boolean);
    document.querySelectorAll(selector + " [data-filter-item]").forEach(function (item) {
      var text = item.textContent.toLowerCase();
      item.hidden = !words.every(function (w) { return text.indexOf(w) >= 0; });
    });
  });

  // The step editor keeps what was typed while its "+" adds a credential on the way: the values
  // are kept in this tab as they change, and put back when the page comes back with the new
  // credential chosen (?credential=), which the server has already selected.
  var keeper = document.querySelector("[data-keep-form]");
  if (keeper && window.sessionStorage) {
    var formId = keeper.getAttribute("data-keep-form");
    var key = "credflow.keep:" + window.location.pathname;
    var fields = function () {
      return Array.prototype.filter.call(document.querySelectorAll("[form='" + formId + "']"),
        function (el) { return el.name && el.type !== "radio" && el.name !== "_csrf"; });
    };
    if (new URLSearchParams(window.location.search).has("credential")) {
      var kept = null;
      try { kept = JSON.parse(window.sessionStorage.getItem(key) || "null"); } catch (ignored) { kept = null; }
      if (kept) {
        fields().forEach(function (el) {
          if (!(el.name in kept)) { return; }
          if (el.type === "checkbox") { el.checked = kept[el.name] === true; } else { el.value = kept[el.name]; }
        });
      }
    }
    var keep = function () {
      var values = {};
      fields().forEach(function (el) { values[el.name] = el.type === "checkbox" ? el.checked : el.value; });
      window.sessionStorage.setItem(key, JSON.stringify(values));
    };
    keeper.addEventListener("input", keep);
    keeper.addEventListener("change", keep);
    var stepForm = document.getElementById(formId);
    if (stepForm) {
      stepForm.addEventListener("submit", function () { window.sessionStorage.removeItem(key); });
    }
  }

  document.addEventListener("htmx:configRequest", function (e) {
    e.detail.headers["X-CSRF-Token"] = csrf;
  });

  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("select[data-autosubmit]")) {
      e.target.form.submit();
    }
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      e.preventDefault();
    }
  }, true);

  document.addEventListener("click", function (e) {
    var copy = e.target.closest && e.target.closest("[data-copy]");
    if (copy) {
      var source = document.querySelector(copy.getAttribute("data-copy"));
      if (source && navigator.clipboard) {
        navigator.clipboard.writeText(source.textContent.trim()).then(function () {
          copy.textContent = "Copied";
        }, function () {
          copy.textContent = "Select and copy";
        });
      }
      return;
    }
    var button = e.target.closest && e.target.closest("[data-authenticate]");
    if (button) {
      e.preventDefault();
      authenticate(button);
    }
  });

  // The provider's sign-in window is opened now, on the click, so that popup blockers allow it;
  // it is pointed at the provider once Credflow has started the round trip.
  function authenticate(button) {
    var form = button.form;
    var popup = window.open("", "credflow-authenticate", "popup,width=520,height=700");
    var result = document.getElementById("form-result");
    clearErrors(form);
    if (result) { result.textContent = ""; }
    var body = new URLSearchParams(new FormData(form));
    fetch(button.getAttribute("data-authenticate"), {
      method: "POST",
      headers: {"Accept": "application/json", "X-CSRF-Token": csrf},
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      return response.json().then(function (json) { return {ok: response.ok, json: json}; });
    }).then(function (answer) {
      if (!answer.ok) {
        if (popup) { popup.close(); }
        showErrors(form, answer.json.errors || {}, result);
        return;
      }
      wait(answer.json, popup);
    }).catch(function () {
      if (popup) { popup.close(); }
      problem(result, "Credflow could not be reached: check your connection and try again.");
    });
  }

  function wait(started, popup) {
    var panel = document.getElementById("auth-wait");
    var blocked = document.getElementById("auth-blocked");
    var result = document.getElementById("form-result");
    var text = panel.querySelector("[data-wait-text]");
    // How long to wait for the provider (5 minutes), as the page says it.
    var giveUpAfter = parseInt(panel.getAttribute("data-give-up-after"), 10) || 300000;
    var deadline = Date.now() + giveUpAfter;
    var timer = null;
    var finished = false;
    // One question at a time: a message arriving while one is asked waits for its answer, so a
    // round trip is never reported done twice (each done checks the credential once).
    var asking = false;
    blocked.hidden = true;
    if (!popup || popup.closed) {
      // Blocked: the same round trip goes on in this tab, and comes back through the callback.
      var link = blocked.querySelector("[data-same-tab]");
      link.setAttribute("href", started.authorize_url);
      blocked.hidden = false;
    } else {
      popup.location.href = started.authorize_url;
    }
    text.textContent = "Waiting for " + started.provider + "…";
    panel.hidden = false;

    function stop() {
      finished = true;
      if (timer) { clearTimeout(timer); }
      window.removeEventListener("message", onMessage);
      panel.hidden = true;
    }
    function poll() {
      if (finished || asking) { return; }
      if (Date.now() > deadline) {
        stop();
        problem(result, "Gave up after " + span(giveUpAfter) + " without an answer from " +
          started.provider + ". Nothing was saved; start again when you are ready.");
        if (popup && !popup.closed) { popup.close(); }
        return;
      }
      asking = true;
      fetch(started.progress, {
        headers: {"Accept": "application/json"}, credentials: "same-origin"
      }).then(function (r) { return r.json(); }).then(function (p) {
        asking = false;
        if (finished) { return; }
        if (p.status === "done") {
          stop();
          if (popup && !popup.closed) { popup.close(); }
          if (p.message && window.sessionStorage) {
            window.sessionStorage.setItem("credflow.flash", p.message);
          }
          window.location.href = p.href;
        } else if (p.status === "failed") {
          stop();
          problem(result, started.provider + " did not authorize: " + (p.detail || p.code));
        } else {
          timer = setTimeout(poll, 1000);
        }
      }).catch(function () { asking = false; timer = setTimeout(poll, 2000); });
    }
    // The callback page tells its opener at once; the poll stays the source of truth (a popup
    // that reads as closed, or a message lost, is not a failure).
    function onMessage(event) {
      if (event.origin !== window.location.origin) { return; }
      var data = event.data || {};
      if (data.type !== "credflow.authorization" || data.ref !== started.ref) { return; }
      if (timer) { clearTimeout(timer); }
      poll();
    }
    window.addEventListener("message", onMessage);
    panel.querySelector("[data-reopen]").onclick = function () {
      popup = window.open(started.authorize_url, "credflow-authenticate", "popup,width=520,height=700");
      if (!popup) { blocked.hidden = false; }
    };
    panel.querySelector("[data-cancel]").onclick = function () {
      stop();
      if (popup && !popup.closed) { popup.close(); }
      problem(result, "Cancelled: nothing was saved.");
    };
    timer = setTimeout(poll, 1000);
  }

  function span(ms) {
    return ms >= 60000 ? Math.round(ms / 60000) + " minutes" : Math.round(ms / 1000) + " seconds";
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach(function (el) { el.textContent = ""; });
  }

  function showErrors(form, errors, result) {
    var unplaced = [];
    Object.keys(errors).forEach(function (field) {
      var el = document.getElementById("f-" + field.replace(/[^A-Za-z0-9_-]/g, "-") + "-error");
      if (el) { el.textContent = errors[field]; } else { unplaced.push(errors[field]); }
    });
    problem(result, unplaced.length ? unplaced.join("; ") : "Please fix the fields marked below.");
  }

  function problem(result, message) {
    if (!result) { window.alert(message); return; }
    var p = document.createElement("p");
    p.className = "problem";
    p.setAttribute("role", "alert");
    p.textContent = message;
    result.textContent = "";
    result.appendChild(p);
  }
})();
