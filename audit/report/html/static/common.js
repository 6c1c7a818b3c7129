// Shared by every page of the report: light/dark theme, the keyboard help, and the reviewer's
// decisions, kept in the browser (localStorage, keyed by the report's id) so that a reload or
// another page of the same report sees them. Works from file:// with no server.
(function () {
  "use strict";

  var THEME_KEY = "letter-audit.theme";
  var root = document.documentElement;
  var reportId = document.body.dataset.report || "";
  var storeKey = "letter-audit.review." + reportId;

  function load(key, fallback) {
    try {
      var text = localStorage.getItem(key);
      return text ? JSON.parse(text) : fallback;
    } catch (e) { return fallback; }  // storage off, or a damaged entry
  }

  function save(key, value) {
    try { localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }

  // --- the review: {letters: {href: {reviewed}}, findings: {fingerprint: {decision, note, ...}}, reviewer}
  function review() {
    var value = load(storeKey, null);
    if (!value || typeof value !== "object") value = {};
    value.letters = value.letters || {};
    value.findings = value.findings || {};
    return value;
  }

  // A change that cannot be stored (the browser's storage for the report is full, or off) is
  // never dropped in silence: the page says so, and shows what is stored.
  function updateReview(change) {
    var value = review();
    change(value);
    if (save(storeKey, value)) { storageProblem(false); return value; }
    storageProblem(true);
    return null;
  }

  var problemBox = null;
  function storageProblem(on) {
    if (!on) { if (problemBox) problemBox.hidden = true; return; }
    if (!problemBox) {
      problemBox = document.createElement("p");
      problemBox.className = "storage-error";
      problemBox.id = "storage-error";
      problemBox.setAttribute("role", "alert");
      var main = document.getElementById("main") || document.body;
      main.insertBefore(problemBox, main.firstChild);
    }
    problemBox.textContent = "Not saved: this browser's storage for the report is full or turned off, so the last " +
      "decision was not kept. Export your decisions (CSV) from the report's index page, then clear the storage of " +
      "older reports (or use letter-audit serve, which keeps decisions in a database).";
    problemBox.hidden = false;
  }

  // A TOML basic string: JSON's quoting, with DEL escaped and lone surrogates (which neither
  // TOML nor UTF-8 can hold) replaced, as audit/report/escape.py toml_string writes them.
  function tomlString(text) {
    var clean = String(text).replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(^|[^\uD800-\uDBFF])[\uDC00-\uDFFF]/g,
                                       function (match, before) { return (before || "") + "\uFFFD"; });
    return JSON.stringify(clean).replace(/\x7f/g, "\\u007f");
  }

  // A spreadsheet must never read a cell as a formula (OWASP: prefix a quote). The rule is the
  // Python writers' own (audit/report/escape.py CSV_RULE), handed over in the page's data.
  function csvCell(value) {
    var text = value === null || value === undefined ? "" : String(value);
    var rule = data.csv;
    if (text && rule.formulaStart.indexOf(text[0]) >= 0 && !new RegExp("^(?:" + rule.number + ")$").test(text)) {
      text = "'" + text;
    }
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  var block = document.getElementById("page-data") || document.getElementById("report-data");
  var data = block ? JSON.parse(block.textContent) : {};

  // The accepted findings as a baseline file: each entry as the report wrote it (audit/baseline.py),
  // in the order a baseline file keeps them. `staleness(fp)`, when given, says why a decision is
  // stale ("" when its finding is in this report): a stale acceptance is left out, since the
  // baseline is for the findings this report shows and suppresses nothing that is gone.
  function baselineText(value, staleness) {
    var accepted = Object.keys(value.findings).filter(function (fp) { return !staleness || !staleness(fp); }).map(function (fp) {
      var d = value.findings[fp];
      // a decision imported from a CSV, whose letter page has not been opened since: its entry
      // from what the CSV says (a baseline matches by fingerprint; the other keys are for people)
      if (d.decision === "accept" && !d.baseline && d.key) {
        d = Object.assign({}, d, { baseline: ["[[finding]]", "fingerprint = " + tomlString(fp), "rule = " + tomlString(d.rule),
          "letter = " + tomlString(d.key), "file = " + tomlString(d.source || d.path), "note = " + tomlString(d.message)].join("\n"),
          order: [d.key.toLowerCase(), d.source || d.path, d.rule, d.message, fp].join("\x1f") });
      }
      return d;
    }).filter(function (d) { return d.decision === "accept" && d.baseline; });
    accepted.sort(function (a, b) { return a.order < b.order ? -1 : a.order > b.order ? 1 : 0; });
    return data.baselineHead + accepted.map(function (d) {
      var entry = d.baseline.replace(/\n*$/, "\n");  // the reviewer's note is the entry's reason
      var who = d.reviewer || value.reviewer;
      if (who) entry += "accepted_by = " + tomlString(who) + "\n";
      if (d.at) entry += "accepted_at = " + tomlString(d.at) + "\n";
      if (d.note) entry += "reason = " + tomlString(d.note) + "\n";
      return "\n" + entry;
    }).join("");
  }

  function decisionsCsv(value, staleness) {
    // the fingerprint lets `letter-audit review import` load the decisions into a database
    // and a row per letter ticked Reviewed (no fingerprint): a report can import them again.
    // A stale decision stays in the record, its `stale` cell saying why it is not counted here.
    var rows = [["path", "rule", "line", "message", "decision", "note", "reviewer", "decided_at", "fingerprint", "letter",
                 "text_hash", "stale"]];
    Object.keys(value.findings).forEach(function (fp) {
      var d = value.findings[fp];
      if (!d.decision) return;
      rows.push([d.source || d.path, d.rule, d.line, d.message, d.decision === "accept" ? "accepted" : "needs fix",
                 d.note || "", d.reviewer || value.reviewer || "", d.at || "", fp, d.letter || "", "",
                 staleness ? staleness(fp) : ""]);
    });
    Object.keys(value.letters).forEach(function (href) {
      var l = value.letters[href];
      if (!l.reviewed) return;
      rows.push([l.source || l.path || href, "", "", "", "reviewed", "", l.reviewer || value.reviewer || "", l.at || "", "", href,
                 l.text || "", ""]);
    });
    return rows.map(function (row) { return row.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }

  function download(name, text, type) {
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], { type: type }));
    link.download = name;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 0);
  }

  // --- theme: the system's preference unless the reader chose
  var themeButton = document.getElementById("theme-button");
  function systemDark() { return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches; }
  function applyTheme(theme) {
    if (theme) root.dataset.theme = theme; else delete root.dataset.theme;
    var dark = theme ? theme === "dark" : systemDark();
    if (themeButton) {
      themeButton.setAttribute("aria-pressed", String(dark));
      themeButton.textContent = dark ? "Light" : "Dark";
      themeButton.title = dark ? "Switch to the light theme" : "Switch to the dark theme";
    }
  }
  var chosen = null;
  try { chosen = localStorage.getItem(THEME_KEY); } catch (e) { chosen = null; }
  applyTheme(chosen === "dark" || chosen === "light" ? chosen : null);
  if (themeButton) themeButton.addEventListener("click", function () {
    var dark = root.dataset.theme ? root.dataset.theme === "dark" : systemDark();
    var next = dark ? "light" : "dark";
    try { localStorage.setItem(THEME_KEY, next); } catch (e) { /* the choice lasts this page only */ }
    applyTheme(next);
  });

  // --- keyboard help, built on demand (pages stay small)
  var KEYS = {
    letter: [["j / k", "next / previous finding"], ["a", "accept the current finding"],
             ["x", "the current finding needs a fix"], ["r", "mark the letter reviewed"],
             ["[ / ]", "previous / next letter (as the index filters and sorts them)"], ["u", "back to the index"],
             ["?", "show or hide this list"]],
    index: [["j / k", "next / previous row"], ["Enter", "open the row's letter"],
            ["u", "the next row with undecided findings"], ["/", "search"], ["?", "show or hide this list"]]
  };
  var keysButton = document.getElementById("keys-button");
  var panel = null;
  function toggleKeys(show) {
    if (!panel) {
      panel = document.createElement("div");
      panel.className = "keys-panel";
      panel.id = "keys-panel";
      panel.setAttribute("role", "dialog");
      panel.setAttribute("aria-labelledby", "keys-title");
      var title = document.createElement("h2");
      title.id = "keys-title";
      title.textContent = "Keyboard";
      var table = document.createElement("table");
      var keys = document.body.classList.contains("letter-page") ? KEYS.letter : KEYS.index;
      keys.forEach(function (pair) {
        var tr = table.insertRow();
        var th = document.createElement("th");
        th.scope = "row";
        pair[0].split(" / ").forEach(function (key, k) {
          if (k) th.appendChild(document.createTextNode(" / "));
          var kbd = document.createElement("kbd");
          kbd.textContent = key;
          th.appendChild(kbd);
        });
        tr.appendChild(th);
        tr.insertCell().textContent = pair[1];
      });
      var close = document.createElement("button");
      close.type = "button";
      close.textContent = "Close";
      close.addEventListener("click", function () { toggleKeys(false); });
      panel.append(title, table, close);
      panel.hidden = true;
      document.body.appendChild(panel);
    }
    var open = show === undefined ? panel.hidden : show;
    panel.hidden = !open;
    if (keysButton) keysButton.setAttribute("aria-expanded", String(open));
    if (open) panel.querySelector("button").focus();
    else if (keysButton) keysButton.focus();
  }
  if (keysButton) keysButton.addEventListener("click", function () { toggleKeys(); });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event)) return;
    if (event.key === "?") { event.preventDefault(); toggleKeys(); }
    else if (event.key === "Escape" && panel && !panel.hidden) toggleKeys(false);
  });

  function typing(event) {
    var tag = (event.target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable;
  }

  window.LetterAudit = {
    data: data, reportId: reportId, load: load, save: save, review: review, updateReview: updateReview,
    baselineText: baselineText, decisionsCsv: decisionsCsv, csvCell: csvCell, download: download, typing: typing,
    orderKey: "letter-audit.order." + reportId
  };
})();
