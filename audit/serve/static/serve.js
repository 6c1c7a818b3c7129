// The worksheet served by `letter-audit serve`: records this reviewer's decisions and shows
// everyone else's as they are made (the server is polled every second).
(function () {
  "use strict";

  var meta = document.querySelector("meta[name=csrf-token]");
  var csrf = meta ? meta.content : "";
  var lastId = Number(document.body.dataset.lastId || 0);
  var status = document.getElementById("live-status");
  var POLL_MS = 1000;

  function say(text) { if (status) status.textContent = text; }

  function requestId() {
    var bytes = new Uint8Array(12);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function post(url, body) {
    return fetch(url, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) throw new Error(data.error || response.statusText);
        return data;
      });
    });
  }

  function stateText(d) {
    if (!d || d.state === "undecided") return "Undecided";
    var what = d.state === "accepted" ? "Accepted" : "Needs a fix";
    return what + " — " + d.reviewer + ", " + d.decided_at + (d.on_earlier_text ? " (decided on an earlier text of this letter)" : "");
  }

  function showFinding(d) {
    var item = document.querySelector('.finding[data-fingerprint="' + CSS.escape(d.target) + '"]');
    if (!item) return;
    item.classList.remove("state-accepted", "state-needs-fix");
    if (d.state !== "undecided") item.classList.add("state-" + d.state);
    item.querySelector(".state").textContent = stateText(d);
    item.querySelectorAll(".actions button").forEach(function (button) {
      if (button.dataset.state !== "undecided") button.setAttribute("aria-pressed", String(button.dataset.state === d.state));
    });
    var note = item.querySelector(".note");
    if (note && document.activeElement !== note) note.value = d.note || "";
  }

  function showLetter(d) {
    var box = document.querySelector('.reviewed-box[data-letter="' + CSS.escape(d.target) + '"]');
    if (!box) return;
    var reviewed = d.reviewed_now !== undefined ? d.reviewed_now : d.state === "reviewed";
    box.querySelector("input").checked = reviewed;
    box.querySelector(".reviewed-by").textContent = reviewed ? "by " + d.reviewer + ", " + d.decided_at : "";
  }

  function show(d) { if (d.kind === "finding") showFinding(d); else showLetter(d); }

  function decide(item, state) {
    var note = item.querySelector(".note");
    var body = { decisions: [{ fingerprint: item.dataset.fingerprint, state: state, note: note ? note.value : "",
                               request_id: requestId() }] };
    return post("/api/decisions", body).then(function (data) {
      data.decisions.forEach(function (d) { lastId = Math.max(lastId, d.id); show(d); });
      say("Saved.");
    }).catch(function (error) { say("Not saved: " + error.message); });
  }

  // --- a letter page: Accept / Needs fix / Undecided, notes, Reviewed
  document.querySelectorAll(".finding").forEach(function (item) {
    var note = item.querySelector(".note");
    var timer = null;
    item.querySelectorAll(".actions button").forEach(function (button) {
      button.addEventListener("click", function () {
        clearTimeout(timer);  // the decision carries the note: no second save of it
        timer = null;
        decide(item, button.dataset.state);
      });
    });
    if (!note) return;
    function saveNote() {
      clearTimeout(timer);
      timer = null;
      var pressed = item.querySelector('.actions button[aria-pressed="true"]');
      decide(item, pressed ? pressed.dataset.state : "undecided");
    }
    note.addEventListener("input", function () {  // saved when typing pauses: never lost on reload
      clearTimeout(timer);
      timer = setTimeout(saveNote, 600);
    });
    note.addEventListener("blur", function (event) {
      var toButton = event.relatedTarget && event.relatedTarget.closest && event.relatedTarget.closest(".actions");
      if (timer && toButton !== item.querySelector(".actions")) saveNote();  // a decision button carries it
    });
  });

  var reviewedBox = document.querySelector(".reviewed-box");
  if (reviewedBox) reviewedBox.querySelector("input").addEventListener("change", function (event) {
    post("/api/decisions", { decisions: [{ letter: reviewedBox.dataset.letter, request_id: requestId(),
                                          state: event.target.checked ? "reviewed" : "unreviewed" }] })
      .then(function (data) { data.decisions.forEach(function (d) { lastId = Math.max(lastId, d.id); showLetter(d); }); say("Saved."); })
      .catch(function (error) { event.target.checked = !event.target.checked; say("Not saved: " + error.message); });
  });

  // --- the index: bulk decisions on the filter, named by their count and confirmed
  var WORDS = { accepted: "Accept", "needs-fix": "Mark as needing a fix", undecided: "Take back the decisions on" };
  document.querySelectorAll(".bulk-button").forEach(function (button) {
    button.addEventListener("click", function () {
      var count = Number(button.dataset.count);
      if (!window.confirm(WORDS[button.dataset.state] + " all " + count + " findings matching " +
                          JSON.stringify(button.dataset.q) + "?")) return;
      post("/api/bulk", { q: button.dataset.q, state: button.dataset.state, count: count })
        .then(function (data) { say(data.decided + " findings decided."); window.location.reload(); })
        .catch(function (error) { say("Not done: " + error.message); });
    });
  });

  function showProgress(progress) {
    if (!progress) return;
    document.querySelectorAll("[data-progress]").forEach(function (el) {
      var value = progress[el.dataset.progress];
      if (value !== undefined) el.textContent = value;
    });
  }

  function showRows(letters) {
    Object.keys(letters || {}).forEach(function (path) {
      var row = document.querySelector('#letters-table tr[data-path="' + CSS.escape(path) + '"]');
      if (!row) return;
      row.querySelector(".undecided").textContent = letters[path].undecided;
      if (!letters[path].reviewed) row.querySelector(".reviewed").textContent = "";
      else if (!row.querySelector(".reviewed").textContent) row.querySelector(".reviewed").textContent = "✓";
    });
  }

  // --- keys: on the index j / k move through the rows, Enter opens one, u goes to the next row
  // with undecided findings; on a letter j / k move through the findings, [ / ] to the previous
  // and next letter, u back to the index as it was filtered
  var INDEX_KEY = "letter-audit.serve.index";
  function typing(event) {
    var tag = (event.target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
  }
  var table = document.getElementById("letters-table");
  var current = -1;
  function items() {
    return table ? Array.prototype.slice.call(table.tBodies[0].rows) : Array.prototype.slice.call(document.querySelectorAll(".finding"));
  }
  function moveTo(index) {
    var all = items();
    if (!all.length) return;
    current = Math.max(0, Math.min(index, all.length - 1));
    all.forEach(function (item, k) { item.classList.toggle("is-current", k === current); });
    var target = table ? all[current].querySelector("a") : all[current];
    if (target) target.focus({ preventScroll: true });
    all[current].scrollIntoView({ block: "nearest" });
  }
  function nextUndecided() {
    var all = items();
    for (var k = 1; k <= all.length; k++) {
      var index = (current + k) % all.length;
      var cell = all[index].querySelector(".undecided");
      if (cell && cell.textContent.trim() !== "0") { moveTo(index); return; }
    }
    say("No letter in this list has an undecided finding.");
  }
  if (table) {
    try { sessionStorage.setItem(INDEX_KEY, location.search); } catch (e) { /* back to the whole index */ }
    table.addEventListener("focusin", function (event) {
      var row = event.target.closest("tbody tr");
      if (row) current = items().indexOf(row);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    var link;
    if (event.key === "j") { event.preventDefault(); moveTo(current + 1); }
    else if (event.key === "k") { event.preventDefault(); moveTo(current < 0 ? 0 : current - 1); }
    else if (event.key === "u" && table) { event.preventDefault(); nextUndecided(); }
    else if (event.key === "u") {
      event.preventDefault();
      var search = "";
      try { search = sessionStorage.getItem(INDEX_KEY) || ""; } catch (e) { search = ""; }
      window.location.href = "/" + (/^\?[^#]*$/.test(search) ? search : "");
    }
    else if (event.key === "Enter" && table && current >= 0 && !event.target.closest("a, button")) {
      link = items()[current].querySelector("a");
      if (link) { event.preventDefault(); link.click(); }
    }
    else if ((event.key === "[" || event.key === "]") && !table) {
      link = document.querySelector(event.key === "[" ? "a[rel=prev]" : "a[rel=next]");
      if (link) { event.preventDefault(); link.click(); }
    }
  });

  // --- everyone else's decisions
  function poll() {
    fetch("/api/changes?since=" + lastId, { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (data) {
          data.decisions.forEach(show);
          showProgress(data.progress);
          showRows(data.letters);
          lastId = Math.max(lastId, data.last_id);
        }
      })
      .catch(function () { say("The server does not answer; retrying."); })
      .then(function () { setTimeout(poll, POLL_MS); });
  }
  if (document.getElementById("reviewer-name")) setTimeout(poll, POLL_MS);
})();
