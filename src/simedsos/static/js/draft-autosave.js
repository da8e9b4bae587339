/* Draft editor autosave: nothing typed is lost.
 *
 * Every keystroke is copied to localStorage under the item id and the draft version it was
 * typed on; a few seconds after typing stops, and when a field loses focus, the form is
 * posted (htmx) to the autosave address with that version. The server refuses a save based
 * on an older version (another tab saved): the message is shown and the typed text stays.
 * A closed tab or an expired session leaves the copy in localStorage; reopening the editor
 * offers to restore it when it differs from what the server holds.
 */
// Deferred like htmx but loaded before it: start once every deferred script has run.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";

  var form = document.getElementById("draft-form");
  if (!form || !window.htmx) return;

  var itemId = form.dataset.itemId;
  var prefix = "simedsos:draft:" + itemId + ":";
  var url = form.dataset.autosaveUrl;
  var status = document.getElementById("autosave-status");
  var baseInput = form.querySelector("input[name=base_version]");
  var banner = document.getElementById("restore-banner");

  var dirty = false;
  var inFlight = null;
  var timer = null;
  // "stale" (another tab saved) and "expired" (signed out) stop saving until reloaded.
  var blocked = null;

  function storage() {
    try {
      return window.localStorage;
    } catch (e) {
      return null; // private mode or disabled: the server autosave still runs
    }
  }

  function textFields() {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.name !== "base_version" &&
        (el.tagName === "TEXTAREA" || el.type === "text");
    });
  }

  function values() {
    var out = {};
    textFields().forEach(function (el) { out[el.name] = el.value; });
    return out;
  }

  function sameValues(a, b) {
    var keys = Object.keys(a).concat(Object.keys(b));
    return keys.every(function (k) { return (a[k] || "") === (b[k] || ""); });
  }

  function key(version) {
    return prefix + (version === undefined ? baseInput.value : version);
  }

  function storeLocal() {
    var store = storage();
    if (!store) return;
    try {
      store.setItem(key(), JSON.stringify({
        version: Number(baseInput.value), savedAt: Date.now(), values: values()
      }));
    } catch (e) { /* storage full: the server autosave still runs */ }
  }

  function localRecords() {
    var store = storage();
    var out = [];
    if (!store) return out;
    for (var i = 0; i < store.length; i++) {
      var k = store.key(i);
      if (k && k.indexOf(prefix) === 0) {
        try {
          var rec = JSON.parse(store.getItem(k));
          if (rec && rec.values) { rec.key = k; out.push(rec); }
        } catch (e) { /* a broken entry is ignored */ }
      }
    }
    return out;
  }

  function forgetUpTo(version) {
    var store = storage();
    if (!store) return;
    localRecords().forEach(function (rec) {
      if (Number(rec.version) < version) store.removeItem(rec.key);
    });
  }

  // The same markup as the server's status partial (_autosave_status.html).
  function show(message, state) {
    var span = document.createElement("span");
    span.className = "autosave-state autosave-" + state;
    span.dataset.state = state;
    if (state !== "dirty") span.setAttribute("role", "alert");
    span.textContent = message;
    status.replaceChildren(span);
    form.dataset.state = state;
  }

  function enabled() {
    return form.dataset.autosave !== "off" && !blocked;
  }

  function schedule() {
    if (timer) clearTimeout(timer);
    var wait = parseInt(form.dataset.autosaveMs || "4000", 10);
    timer = setTimeout(save, wait);
  }

  function save() {
    if (timer) { clearTimeout(timer); timer = null; }
    if (!dirty || !enabled()) return Promise.resolve(false);
    if (inFlight) {
      return inFlight.then(function () { return save(); });
    }
    dirty = false;
    form.dataset.state = "saving";
    inFlight = htmx.ajax("POST", url, {
      source: form, target: "#autosave-status", swap: "innerHTML"
    }).then(function () {
      inFlight = null;
      return form.dataset.state === "saved";
    }, function () {
      inFlight = null;
      return false;
    });
    return inFlight;
  }

  form.addEventListener("htmx:beforeSwap", function (evt) {
    var xhr = evt.detail.xhr;
    var landed = xhr.responseURL || "";
    // A login page after a redirect, or a refused (403) request: the session is gone.
    if (xhr.status === 403 || (landed && landed.indexOf(url) === -1)) {
      evt.detail.shouldSwap = false;
      blocked = "expired";
      dirty = true;
      show(form.dataset.msgExpired, "expired");
    }
  });

  form.addEventListener("htmx:afterRequest", function (evt) {
    var xhr = evt.detail.xhr;
    if (!xhr || form.dataset.state === "expired") return;
    if (xhr.status === 200) {
      var version = parseInt(xhr.getResponseHeader("X-Draft-Version") || "", 10);
      if (!isNaN(version)) {
        baseInput.value = String(version);
        forgetUpTo(version);
        if (dirty) storeLocal(); // typed while the save was on its way
      }
      form.dataset.state = dirty ? "dirty" : "saved";
    } else if (xhr.status === 409) {
      blocked = "stale";
      dirty = true;
      form.dataset.state = "stale";
    } else if (xhr.status === 401) {
      blocked = "expired";
      dirty = true;
      form.dataset.state = "expired";
    } else {
      dirty = true;
      form.dataset.state = "error";
    }
  });

  form.addEventListener("htmx:sendError", function () {
    dirty = true;
    show(form.dataset.msgOffline, "offline");
    schedule(); // try again later; the text is in localStorage meanwhile
  });

  form.addEventListener("input", function () {
    dirty = true;
    storeLocal();
    if (enabled()) {
      if (form.dataset.state !== "saving") show(form.dataset.msgUnsaved, "dirty");
      schedule();
    }
  });

  form.addEventListener("focusout", function () {
    if (dirty) save();
  });

  // Handing the draft over: save what is typed first, so the frozen revision is what shows.
  // While saving is blocked (another tab saved, or signed out) go to the final-check page
  // instead, which shows what the server holds.
  var submitForm = document.getElementById("submit-form");
  if (submitForm) {
    submitForm.addEventListener("submit", function (evt) {
      if (blocked) {
        evt.preventDefault();
        window.location.href = submitForm.dataset.checkUrl;
        return;
      }
      if (!dirty || !enabled()) return;
      evt.preventDefault();
      save().then(function (ok) {
        if (ok) submitForm.submit();
      });
    });
  }
  // Going to the final-check page: save first too, so it shows what was typed.
  var toCheck = document.getElementById("to-final-check");
  if (toCheck) {
    toCheck.addEventListener("click", function (evt) {
      if (!dirty || !enabled()) return;
      evt.preventDefault();
      save().then(function (ok) {
        if (ok) window.location.href = toCheck.href;
      });
    });
  }

  // On opening: is there text typed here that the server does not have?
  var server = values();
  var candidate = null;
  localRecords().forEach(function (rec) {
    if (sameValues(rec.values, server)) {
      storage().removeItem(rec.key);
    } else if (!candidate || rec.savedAt > candidate.savedAt) {
      candidate = rec;
    }
  });
  if (candidate && banner) {
    banner.hidden = false;
    document.getElementById("restore-yes").addEventListener("click", function () {
      textFields().forEach(function (el) {
        if (Object.prototype.hasOwnProperty.call(candidate.values, el.name)) {
          el.value = candidate.values[el.name];
        }
      });
      banner.hidden = true;
      localRecords().forEach(function (rec) {
        if (rec.key !== key()) storage().removeItem(rec.key);
      });
      dirty = true;
      storeLocal();
      form.dispatchEvent(new Event("input", { bubbles: true })); // refresh the preview
      save();
    });
    document.getElementById("restore-no").addEventListener("click", function () {
      localRecords().forEach(function (rec) { storage().removeItem(rec.key); });
      banner.hidden = true;
    });
  }
  form.dataset.state = "ready";
});
