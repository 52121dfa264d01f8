// As-you-type suggestions for the patient search box (an ARIA 1.2 combobox); the page works without this script.
(function () {
  "use strict";
  var input = document.querySelector("[data-suggest]");
  var list = document.getElementById("suggestions");
  if (!input || !list) return;
  var KINDS = { condition: "Condition", technique: "Treatment", benefit: "Benefit", clinic: "Clinic" };
  var DELAY = 100;
  var MIN_CHARS = 2;
  var timer = null;
  var active = -1;
  var items = [];
  var pending = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-controls", list.id);
  input.setAttribute("aria-expanded", "false");

  function close() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
    items = [];
  }

  function render(suggestions) {
    list.replaceChildren();
    items = suggestions;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    suggestions.forEach(function (s, i) {
      var li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var text = document.createElement("span");
      text.className = "text";
      text.textContent = s.text;
      var kind = document.createElement("span");
      kind.className = "kind badge badge-" + s.kind;
      kind.textContent = KINDS[s.kind] || s.kind;
      li.append(text, " ", kind);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
  }

  function highlight(i) {
    var options = list.querySelectorAll("[role=option]");
    options.forEach(function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
    active = i;
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", options[i].id);
      options[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function choose(i) {
    input.value = items[i].text;
    close();
    input.form.requestSubmit();
  }

  function fetchSuggestions() {
    var q = input.value.trim();
    if (q.length < MIN_CHARS) { close(); return; }
    if (pending) pending.abort();
    var controller = new AbortController();
    pending = controller;
    var site = document.documentElement.getAttribute("data-site");  // suggestions from the page's site only
    fetch("/api/suggest?q=" + encodeURIComponent(q) + (site ? "&site=" + encodeURIComponent(site) : ""),
          { signal: controller.signal })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (input.value.trim() === q && document.activeElement === input) render(data.suggestions); })
      .catch(function (err) { if (err.name !== "AbortError") close(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(fetchSuggestions, DELAY);
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !list.hidden) { e.preventDefault(); close(); return; }
    if (list.hidden || !items.length) return;
    if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1 >= items.length ? 0 : active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active <= 0 ? items.length - 1 : active - 1); }
    else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
  });

  input.addEventListener("blur", close);

  // "/" focuses the search box from anywhere on the page, as on the front-desk page.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    if (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName)) return;
    e.preventDefault();
    input.focus();
    input.select();
  });
})();
