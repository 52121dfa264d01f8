// kb's search on a clinic's own page, with one tag:
//   <script src="https://kb.example/embed.js" data-site="everett" defer></script>
// It renders a search box with suggestions and results in an open shadow root (the page's CSS can't reach in, and
// this CSS can't leak out), loads its stylesheet from kb's origin, and calls kb's JSON API in the site's scope. No
// inline script or style, no eval, no innerHTML, no cookies or storage: a page's strict Content-Security-Policy
// needs only kb's origin in script-src, style-src and connect-src.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var BASE = new URL(script.src).origin;
  var SITE = script.getAttribute("data-site") || "";
  var SHOWN = Math.min(10, Math.max(1, parseInt(script.getAttribute("data-results") || "5", 10) || 5));
  var LABEL = script.getAttribute("data-label") || "Search our articles";
  var HINT = script.getAttribute("data-placeholder") || "e.g. sciatica, jaw pain, deep tissue massage";
  var DELAY = 200;
  var MIN_CHARS = 2;
  var KINDS = { condition: "Condition", technique: "Treatment", benefit: "Benefit", clinic: "Clinic",
                article: "Article" };
  var ENTITIES = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&#34;": "\"", "&quot;": "\"", "&#39;": "'",
                   "&#x27;": "'" };

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      if (c !== null && c !== undefined) node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }

  function api(path, params) {
    if (SITE) params.site = SITE;
    var query = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    return BASE + path + (query ? "?" + query : "");
  }

  // A kb page in this site's scope: kb's own URLs are site-relative ("/entries/x?site=…").
  function page(url) { return /^\//.test(url || "") ? BASE + url : null; }

  // The snippet is HTML kb escaped, with matches in <mark>: rebuilt as nodes, never parsed as markup.
  function snippet(html) {
    var out = el("p", { "class": "snippet" });
    var marked = false;
    html.split(/(<mark>|<\/mark>)/).forEach(function (part) {
      if (part === "<mark>") { marked = true; return; }
      if (part === "</mark>") { marked = false; return; }
      var text = part.replace(/&(?:amp|lt|gt|quot|#34|#39|#x27);/g, function (e) { return ENTITIES[e]; });
      if (text) out.appendChild(marked ? el("mark", {}, [text]) : document.createTextNode(text));
    });
    return out;
  }

  var mount = el("div", { "class": "kb-search-embed" });
  var target = script.getAttribute("data-target") && document.querySelector(script.getAttribute("data-target"));
  if (target) target.appendChild(mount);
  else if (document.body && document.body.contains(script)) script.parentNode.insertBefore(mount, script.nextSibling);
  else if (document.body) document.body.appendChild(mount);
  else return;
  var root = mount.attachShadow({ mode: "open" });
  root.appendChild(el("link", { rel: "stylesheet", href: BASE + "/static/embed.css" }));

  var input = el("input", { id: "q", type: "search", name: "q", maxlength: "200", autocomplete: "off",
                            spellcheck: "false", placeholder: HINT, role: "combobox", "aria-autocomplete": "list",
                            "aria-expanded": "false", "aria-controls": "suggestions" });
  var list = el("ul", { id: "suggestions", "class": "suggestions", role: "listbox", "aria-label": "Suggestions" });
  list.hidden = true;
  var form = el("form", { "class": "form", role: "search", "aria-label": LABEL }, [
    el("label", { "for": "q" }, [LABEL]),
    el("div", { "class": "row" }, [input, el("button", { type: "submit" }, ["Search"])]),
    list
  ]);
  var status = el("p", { "class": "status", role: "status", "aria-live": "polite" });
  var output = el("div", { "class": "output" });
  root.appendChild(el("div", { "class": "kb", lang: "en" }, [form, status, output]));

  var timer = null;
  var searching = null;
  var suggesting = null;
  var items = [];
  var active = -1;
  var shown = null;

  function closeList() {
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    items = [];
    active = -1;
  }

  function mark(i) {
    active = i;
    Array.prototype.forEach.call(list.children, function (li, n) {
      li.setAttribute("aria-selected", n === i ? "true" : "false");
    });
    if (i >= 0) input.setAttribute("aria-activedescendant", "suggestion-" + i);
    else input.removeAttribute("aria-activedescendant");
  }

  function showSuggestions(suggestions) {
    list.replaceChildren();
    items = suggestions;
    active = -1;
    input.removeAttribute("aria-activedescendant");
    suggestions.forEach(function (s, i) {
      var li = el("li", { id: "suggestion-" + i, role: "option", "aria-selected": "false" },
                  [el("span", { "class": "text" }, [s.text]),
                   el("span", { "class": "kind" }, [KINDS[s.kind] || s.kind])]);
      li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
      list.appendChild(li);
    });
    list.hidden = suggestions.length === 0;
    input.setAttribute("aria-expanded", suggestions.length ? "true" : "false");
  }

  function choose(i) {
    input.value = items[i].text;
    closeList();
    search(input.value.trim());
  }

  function callToAction(site) {
    if (!site || !(site.tel || site.booking)) return null;
    return el("p", { "class": "cta" }, [
      site.tel ? el("a", { "class": "call", href: site.tel }, ["Call " + (site.phone_display || site.phone)]) : null,
      site.booking && /^https?:/.test(site.booking)
        ? el("a", { "class": "book", href: site.booking, rel: "noopener" }, ["Book an appointment"]) : null
    ]);
  }

  function notice(n) {
    if (!n) return null;
    var box = el("div", { "class": "notice notice-" + n.kind }, [el("p", {}, [n.message])]);
    if (n.kind === "emergency") {
      box.setAttribute("role", "alert");
      box.appendChild(el("p", { "class": "calls" }, (n.calls || []).map(function (c) {
        return el("a", { "class": "call", href: c.tel }, ["Call " + c.number + " (" + c.label + ")"]);
      })));
    }
    return box;
  }

  function answer(a, site) {
    if (!a || !a.quote) return null;
    var link = page(a.url);
    return el("section", { "class": "answer", "aria-label": "What the articles say" }, [
      el("blockquote", {}, [a.quote.sentence]),
      el("p", { "class": "source" }, [link ? el("a", { href: link }, [a.quote.title]) : a.quote.title]),
      callToAction(site)
    ]);
  }

  function result(r) {
    var link = page(r.url);
    return el("li", { "class": "result" }, [
      el("p", { "class": "kind" }, [KINDS[r.kind] || r.kind]),
      el("h3", {}, [link ? el("a", { href: link }, [r.name]) : r.name]),
      snippet(r.snippet || "")
    ]);
  }

  function render(data, q) {
    var emergency = data.notice && data.notice.kind === "emergency";
    var parts = [notice(data.notice)];
    if (!emergency) parts.push(answer(data.answer, data.site));
    if (data.results.length && !emergency) {
      parts.push(el("h2", { "class": "visually-hidden" }, ["Results"]));
      parts.push(el("ol", { "class": "results" }, data.results.map(result)));
      var all = page("/search?q=" + encodeURIComponent(q) + (SITE ? "&site=" + encodeURIComponent(SITE) : ""));
      parts.push(el("p", { "class": "more" }, [el("a", { href: all }, [data.total === 1 ? "Open it on the full site" : "All " + data.total + " results"])]));
    }
    if (!data.answer || emergency) parts.push(callToAction(data.site));
    output.replaceChildren.apply(output, parts.filter(Boolean));
    status.textContent = emergency ? "" : data.total + (data.total === 1 ? " result" : " results") + " for " + q;
  }

  function search(q) {
    if (q === shown) return;
    shown = q;
    if (searching) searching.abort();
    if (!q) { output.replaceChildren(); status.textContent = ""; return; }
    var controller = new AbortController();
    searching = controller;
    fetch(api("/api/search", { q: q, per_page: SHOWN }), { signal: controller.signal, credentials: "omit" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) { if (searching === controller) render(data, q); })
      .catch(function (err) {
        if (err.name === "AbortError") return;
        output.replaceChildren();
        status.textContent = "Search is not available right now. Please try again later.";
        shown = null;
      });
  }

  function suggest(q) {
    if (suggesting) suggesting.abort();
    if (q.length < MIN_CHARS) { closeList(); return; }
    var controller = new AbortController();
    suggesting = controller;
    fetch(api("/api/suggest", { q: q }), { signal: controller.signal, credentials: "omit" })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (data) { if (suggesting === controller && input.value.trim() === q) showSuggestions(data.suggestions); })
      .catch(function () { /* suggestions are a convenience: the search still answers */ });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      suggest(q);
      search(q);
    }, DELAY);
  });

  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown" && items.length) {
      e.preventDefault();
      mark((active + 1) % items.length);
    } else if (e.key === "ArrowUp" && items.length) {
      e.preventDefault();
      mark(active <= 0 ? items.length - 1 : active - 1);
    } else if (e.key === "Enter" && active >= 0) {
      e.preventDefault();
      choose(active);
    } else if (e.key === "Escape") {
      if (!list.hidden) closeList();
      else { input.value = ""; search(""); }
    }
  });

  input.addEventListener("blur", function () { setTimeout(closeList, 150); });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    closeList();
    shown = null;
    search(input.value.trim());
  });
})();
