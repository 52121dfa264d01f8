// Front-desk lookup: results as you type, keyboard only, and an answer to copy that quotes its sources.
// The server renders the live region (templates/_staff_live.html); this script re-fetches it as you type,
// so the page works without JavaScript and there is one renderer.
(function () {
  "use strict";
  var input = document.querySelector("[data-staff-input]");
  var live = document.querySelector("[data-staff-live]");
  if (!input || !live) return;
  var DELAY = 120;
  var timer = null;
  var shown = input.value.trim(); // the query the live region shows
  var pending = null;

  function wire() {
    var copy = live.querySelector("[data-copy]");
    if (copy) {
      copy.hidden = false;
      copy.addEventListener("click", doCopy);
    }
  }

  function navItems() {
    return Array.prototype.slice.call(live.querySelectorAll("[data-nav]"));
  }

  function say(text) {
    var note = live.querySelector("[data-copied]");
    if (note) note.textContent = text;
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    var back = document.activeElement;
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    area.remove();
    if (back && back.focus) back.focus();
    return ok;
  }

  function doCopy() {
    var copy = live.querySelector("[data-copy]");
    if (!copy) return;
    var text = copy.getAttribute("data-copy-text") || "";
    var done = function () { say("Copied to the clipboard"); };
    var failed = function () { say(fallbackCopy(text) ? "Copied to the clipboard" : "Could not copy: select the answer and copy it"); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  function show(html, q) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector("[data-staff-live]");
    if (!fresh) throw new Error("no live region in the response");
    live.replaceChildren.apply(live, Array.from(fresh.childNodes).map(function (n) { return document.adoptNode(n); }));
    shown = q;
    wire();
    var summary = live.querySelector("[data-staff-summary]");
    var status = document.querySelector("[data-staff-status]");
    if (summary && status) status.textContent = summary.textContent;
  }

  function lookup() {
    var q = input.value.trim();
    if (q === shown && !pending) return;
    var site = document.documentElement.getAttribute("data-site");
    var params = [];
    if (q) params.push("q=" + encodeURIComponent(q));
    if (site) params.push("site=" + encodeURIComponent(site));  // the lookup stays in the page's site
    var url = "/staff" + (params.length ? "?" + params.join("&") : "");
    history.replaceState(null, "", url);
    if (pending) pending.abort();
    var controller = new AbortController();
    pending = controller;
    live.setAttribute("aria-busy", "true");
    fetch(url, { signal: controller.signal, headers: { Accept: "text/html" } })
      .then(function (r) {
        return r.text().then(function (body) {
          if (!r.ok && r.status !== 400) throw new Error("lookup failed: " + r.status);
          return body;
        });
      })
      .then(function (body) { if (input.value.trim() === q) show(body, q); })
      .catch(function (err) {
        if (err.name === "AbortError") return;
        live.replaceChildren();
        var p = document.createElement("p");
        p.className = "notice notice-error";
        p.setAttribute("role", "alert");
        p.textContent = "The lookup did not answer. Press Enter to try again.";
        live.appendChild(p);
        shown = null;
      })
      .finally(function () {
        if (pending === controller) { pending = null; live.removeAttribute("aria-busy"); }
      });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(lookup, DELAY);
  });

  input.form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    var q = input.value.trim();
    var first = navItems()[0];
    if (q === shown && first) first.focus(); else { shown = null; lookup(); }
  });

  function typing(e) {
    var t = e.target;
    return t !== input && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName));
  }

  function focusBox() {
    input.focus();
    input.select();
  }

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
    var inBox = document.activeElement === input;
    var items = navItems();
    var i = items.indexOf(document.activeElement);
    if (e.key === "/" && !inBox) {
      e.preventDefault();
      focusBox();
    } else if (e.key === "ArrowDown" && items.length && (inBox || i >= 0)) {
      e.preventDefault();
      items[inBox ? 0 : Math.min(i + 1, items.length - 1)].focus();
    } else if (e.key === "ArrowUp" && i >= 0) {
      e.preventDefault();
      if (i === 0) input.focus(); else items[i - 1].focus();
    } else if ((e.key === "c" || e.key === "C") && !inBox && !e.shiftKey) {
      e.preventDefault();
      doCopy();
    } else if (e.key === "Escape" && !inBox) {
      e.preventDefault();
      focusBox();
    }
  });

  // Focus the box whenever the page is shown, including coming back to it from an entry.
  window.addEventListener("pageshow", function () {
    if (document.activeElement !== input) input.focus();
    var end = input.value.length;
    input.setSelectionRange(end, end);
  });
  wire();
})();
