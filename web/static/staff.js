// Front-desk lookup: instant results as you type, keyboard only, copy an answer that quotes its sources.
(function () {
  "use strict";
  const input = document.querySelector("[data-staff-input]");
  const live = document.getElementById("staff-live");
  if (!input || !live) return;
  let timer = null;
  let last = null;
  let answerText = "";

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function copyText(data) {
    const a = data.answer;
    if (!a) return "";
    const lines = [a.text];
    if (a.quote) lines.push("“" + a.quote.sentence + "” — " + a.quote.title);
    (a.sources || []).slice(0, 3).forEach(function (s) {
      lines.push("Source: " + s.title + (s.url ? " <" + s.url + ">" : " (" + s.path + ")"));
    });
    return lines.join("\n");
  }

  function render(data) {
    live.replaceChildren();
    if (data.notice) {
      const n = el("section", { "class": "notice notice-" + data.notice.kind, role: data.notice.kind === "emergency" ? "alert" : "status" });
      n.appendChild(el("p", {}, data.notice.message));
      live.appendChild(n);
    }
    if (data.corrected_query) {
      const p = el("p", { "class": "did-you-mean" }, "Did you mean ");
      p.appendChild(el("a", { href: "/staff?q=" + encodeURIComponent(data.corrected_query) }, data.corrected_query));
      p.appendChild(document.createTextNode("?"));
      live.appendChild(p);
    }
    answerText = copyText(data);
    if (data.answer) {
      const a = data.answer;
      const box = el("section", { "class": "answer", "aria-label": "Answer" });
      box.appendChild(el("p", { "class": "answer-text", "data-answer-text": "" }, a.text));
      if (a.quote) box.appendChild(el("blockquote", { "data-answer-quote": "" }, "“" + a.quote.sentence + "” — " + a.quote.title));
      (a.clinics || []).forEach(function (c) {
        const line = el("p", { "class": "clinic-line" });
        line.appendChild(el("a", { href: "/entries/" + c.id }, c.name));
        if (c.phone) { line.appendChild(document.createTextNode(" · ")); line.appendChild(el("a", { "class": "tel", href: "tel:" + c.phone }, c.phone_display || c.phone)); }
        if (c.address) line.appendChild(document.createTextNode(" · " + c.address));
        box.appendChild(line);
      });
      live.appendChild(box);
      const copy = el("button", { type: "button", "class": "copy", "data-copy": "" }, "Copy answer with sources (c)");
      copy.addEventListener("click", doCopy);
      live.appendChild(copy);
    }
    live.appendChild(el("h2", {}, data.total + " result" + (data.total === 1 ? "" : "s")));
    const list = el("ol", { "class": "staff-results", "data-staff-results": "" });
    data.results.forEach(function (r) {
      const li = el("li");
      li.appendChild(el("a", { href: r.url }, r.name));
      li.appendChild(document.createTextNode(" "));
      li.appendChild(el("span", { "class": "badge badge-" + r.kind }, r.kind));
      if (r.contact && r.contact.phones && r.contact.phones.length) {
        li.appendChild(document.createTextNode(" · "));
        li.appendChild(el("a", { "class": "tel", href: "tel:" + r.contact.phones[0].value }, r.contact.phones[0].value));
      }
      const snip = el("div", { "class": "snippet" });
      snip.innerHTML = r.snippet; // server-escaped article text with <mark> only
      li.appendChild(snip);
      list.appendChild(li);
    });
    live.appendChild(list);
  }

  function doCopy() {
    if (!answerText) return;
    const done = function () {
      const note = live.querySelector(".copied") || el("span", { "class": "copied", role: "status" });
      note.textContent = "Copied";
      const btn = live.querySelector("[data-copy]");
      if (btn) btn.after(note);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(answerText).then(done, done);
    } else { done(); }
  }

  function lookup() {
    const q = input.value.trim();
    if (q === last) return;
    last = q;
    history.replaceState(null, "", q ? "/staff?q=" + encodeURIComponent(q) : "/staff");
    if (!q) { live.replaceChildren(); return; }
    fetch("/api/search?per_page=8&q=" + encodeURIComponent(q))
      .then(function (r) { return r.json(); })
      .then(function (data) { if (input.value.trim() === q && data.results) render(data); })
      .catch(function () {});
  }

  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 150); });
  input.form.addEventListener("submit", function (e) {
    const first = live.querySelector("[data-staff-results] a");
    if (first && input.value.trim() === last) { e.preventDefault(); first.focus(); }
  });

  function links() { return Array.prototype.slice.call(live.querySelectorAll("[data-staff-results] > li > a:first-child")); }

  document.addEventListener("keydown", function (e) {
    const inInput = document.activeElement === input;
    if (e.key === "/" && !inInput) { e.preventDefault(); input.focus(); input.select(); return; }
    const items = links();
    const i = items.indexOf(document.activeElement);
    if (e.key === "ArrowDown" && items.length) {
      e.preventDefault();
      items[inInput ? 0 : Math.min(i + 1, items.length - 1)].focus();
    } else if (e.key === "ArrowUp" && i >= 0) {
      e.preventDefault();
      if (i === 0) input.focus(); else items[i - 1].focus();
    } else if (e.key === "c" && !inInput) {
      e.preventDefault();
      doCopy();
    } else if (e.key === "Escape") {
      input.focus();
    }
  });

  const copy = live.querySelector("[data-copy]");
  if (copy) {
    copy.hidden = false;
    copy.addEventListener("click", doCopy);
    fetch("/api/search?per_page=8&q=" + encodeURIComponent(input.value.trim()))
      .then(function (r) { return r.json(); }).then(function (d) { answerText = copyText(d); last = input.value.trim(); });
  }
  input.focus();
})();
