// The batch overview: one table of letters, sorted, filtered and paged in the browser.
// The rows come from the JSON data block; cells are filled with textContent only.
(function () {
  "use strict";

  var LA = window.LetterAudit;
  var data = LA.data;
  var columns = data.columns;
  var HREF = 0, RULES = 1, MESSAGES = 2, PRINTS = 3, FIRST = 4;  // a row: [page href, [rule numbers], [messages],
                                                                  // [its findings' fingerprints], value per column]
  var col = {};
  columns.forEach(function (c, k) { col[c.key] = k; });
  var STATUS_ORDER = { pass: 0, warn: 1, fail: 2 };
  var MAX_CHIPS = 3;

  var table = document.getElementById("letters-table");
  var thead = table.querySelector("thead");
  var tbody = table.querySelector("tbody");
  var form = document.querySelector("form.filters");
  var countLine = document.getElementById("table-count");
  var pagerState = document.querySelector(".pager-state");
  var tabs = document.querySelectorAll("[data-view]");

  // what the user can search: every value of the row, its rules and first message, lower-cased once
  var haystacks = data.rows.map(function (row) {
    var rules = row[RULES].map(function (k) { return data.rules[k]; });
    return row.slice(FIRST).map(function (v) { return v == null ? "" : String(v); })
      .concat(rules, row[MESSAGES]).join("\u0001").toLowerCase();
  });
  // Decisions are kept by fingerprint, and a re-run into the same folder (or an import) may bring
  // decisions on findings this report does not have: those are stale, listed apart, counted nowhere.
  var letterOf = Object.create(null);  // fingerprint -> href of the letter whose finding it is
  data.rows.forEach(function (row) { row[PRINTS].forEach(function (fp) { letterOf[fp] = row[HREF]; }); });
  var held = Object.create(null);  // the findings the run's baseline accepted: not shown, so not decided here
  (data.heldPrints || []).forEach(function (fp) { held[fp] = true; });
  function staleness(fp) {
    if (letterOf[fp]) return "";
    return held[fp] ? "finding accepted by the run's baseline" : "finding not in this report";
  }

  var reviewState = LA.review();
  var perLetter = {};  // href -> {accept, fix}
  var stale = [];  // [fingerprint, decision] of the stale decisions
  var staleShown = false;
  function tally() {
    reviewState = LA.review();
    perLetter = {};
    stale = [];
    Object.keys(reviewState.findings).forEach(function (fp) {
      var d = reviewState.findings[fp];
      if (!d.decision) return;
      var href = letterOf[fp];
      if (!href) { stale.push([fp, d]); return; }
      var t = perLetter[href] = perLetter[href] || { accept: 0, fix: 0 };
      t[d.decision] = (t[d.decision] || 0) + 1;
    });
    staleShown = false;
  }
  tally();
  var REVIEW_FILTERS = ["undecided", "todo", "done", "fix", "accepted"];

  // search: words and "quoted phrases" anywhere; field:value, field:>50 (< > <= >= =),
  // rule:id and status:word
  function parseQuery(q) {
    var terms = [], pattern = /(?:([A-Za-z_][\w-]*):("[^"]*"|\S*))|"([^"]*)"?|(\S+)/g, m;
    while ((m = pattern.exec(q)) !== null) {
      if (m[1] !== undefined) {
        var value = m[2].replace(/^"|"$/g, "");
        terms.push({ key: m[1].toLowerCase(), value: value });
      } else {
        var text = (m[3] !== undefined ? m[3] : m[4]).toLowerCase();
        if (text) terms.push({ text: text });
      }
    }
    return terms;
  }

  function fieldColumn(key) {
    if (col.hasOwnProperty("field:" + key)) return col["field:" + key];
    for (var k = 0; k < columns.length; k++) {
      if (columns[k].label.toLowerCase().replace(/ /g, "_") === key) return k;
    }
    return -1;
  }

  function matchesTerm(row, i, term) {
    if (term.text !== undefined) return haystacks[i].indexOf(term.text) >= 0;
    var value = term.value.toLowerCase();
    if (term.key === "rule") {
      return row[RULES].some(function (k) { return data.rules[k].indexOf(value) >= 0; });
    }
    if (term.key === "status") return String(row[FIRST + col.status]) === value;
    var k = fieldColumn(term.key);
    if (k < 0) return haystacks[i].indexOf((term.key + ":" + value)) >= 0;
    var cell = row[FIRST + k];
    if (cell === null || cell === undefined) return false;
    var comparison = /^(<=|>=|<|>|=)\s*(-?[\d.,]+)%?$/.exec(value);
    if (comparison && typeof cell === "number") {
      var n = parseFloat(comparison[2].replace(/,/g, ""));
      switch (comparison[1]) {
        case "<": return cell < n;
        case ">": return cell > n;
        case "<=": return cell <= n;
        case ">=": return cell >= n;
        default: return cell === n;
      }
    }
    return String(cell).toLowerCase().indexOf(value) >= 0;
  }

  function findingsOf(row) {
    return ["error", "warning", "info"].reduce(function (sum, key) { return sum + (row[FIRST + col[key]] || 0); }, 0);
  }

  function reviewOf(row) {
    var letter = reviewState.letters[row[HREF]] || {};
    var tally = perLetter[row[HREF]] || { accept: 0, fix: 0 };
    var text = row[FIRST + col.text];  // a tick given to an earlier text of the letter no longer counts
    var undecided = Math.max(0, findingsOf(row) - (tally.accept || 0) - (tally.fix || 0));
    return { reviewed: !!letter.reviewed && (!letter.text || !text || letter.text === text), tally: tally,
             undecided: undecided };
  }

  function matchesReview(row) {
    if (!state.review) return true;
    var r = reviewOf(row);
    if (state.review === "undecided") return r.undecided > 0;
    if (state.review === "todo") return !r.reviewed;
    if (state.review === "done") return r.reviewed;
    if (state.review === "fix") return r.tally.fix > 0;
    return r.tally.accept > 0;
  }

  var state = readHash();

  function readHash() {
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var view = params.get("view") === "fields" ? "fields" : "letters";
    var sort = params.get("sort");
    return {
      view: view,
      sort: sort !== null && col.hasOwnProperty(sort) ? sort : "number",
      desc: params.get("desc") === "1",
      status: (params.get("status") || "").split(",").filter(function (s) { return STATUS_ORDER.hasOwnProperty(s); }),
      rule: data.rules.indexOf(params.get("rule")) >= 0 ? params.get("rule") : "",
      q: params.get("q") || "",
      review: REVIEW_FILTERS.indexOf(params.get("review")) >= 0 ? params.get("review") : "",
      page: Math.max(0, parseInt(params.get("page") || "1", 10) - 1 || 0)
    };
  }

  function writeHash() {
    var params = new URLSearchParams();
    if (state.view !== "letters") params.set("view", state.view);
    if (state.sort !== "number") params.set("sort", state.sort);
    if (state.desc) params.set("desc", "1");
    if (state.status.length) params.set("status", state.status.join(","));
    if (state.rule) params.set("rule", state.rule);
    if (state.q) params.set("q", state.q);
    if (state.review) params.set("review", state.review);
    if (state.page) params.set("page", String(state.page + 1));
    var hash = params.toString();
    history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search);
  }

  function sortValue(row, key) {
    var value = row[FIRST + col[key]];
    if (key === "status") return STATUS_ORDER[value];
    return value;
  }

  function compare(a, b) {
    // missing values last whichever way the column is sorted; ties keep batch order
    var x = sortValue(a, state.sort), y = sortValue(b, state.sort);
    var missingX = x === null || x === undefined || x === "", missingY = y === null || y === undefined || y === "";
    if (missingX || missingY) {
      if (missingX && missingY) return a[FIRST] - b[FIRST];
      return missingX ? 1 : -1;
    }
    var order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true, sensitivity: "base" });
    if (order === 0) return a[FIRST] - b[FIRST];
    return state.desc ? -order : order;
  }

  function visibleRows() {
    var rule = state.rule ? data.rules.indexOf(state.rule) : -1;
    var terms = parseQuery(state.q);
    var statusKey = FIRST + col.status;
    var rows = [];
    for (var i = 0; i < data.rows.length; i++) {
      var row = data.rows[i];
      if (state.status.length && state.status.indexOf(row[statusKey]) < 0) continue;
      if (rule >= 0 && row[RULES].indexOf(rule) < 0) continue;
      if (!matchesReview(row)) continue;
      if (terms.length && !terms.every(function (t) { return matchesTerm(row, i, t); })) continue;
      rows.push(row);
    }
    return rows.sort(compare);
  }

  function labelOf(c) {
    return (c.views && c.views[state.view]) || c.label;
  }

  function renderHead(view) {
    var tr = document.createElement("tr");
    view.forEach(function (k) {
      var c = columns[k];
      var th = document.createElement("th");
      th.scope = "col";
      th.className = "col-" + c.kind;
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.sort = c.key;
      button.textContent = labelOf(c);
      if (state.sort === c.key) {
        th.setAttribute("aria-sort", state.desc ? "descending" : "ascending");
        button.classList.add(state.desc ? "sorted-desc" : "sorted-asc");
      }
      th.appendChild(button);
      tr.appendChild(th);
      if (c.key === "status" && state.view === "letters") {  // the review beside the status: in sight
        var review = document.createElement("th");
        review.scope = "col";
        review.className = "col-review";
        review.textContent = "Review";
        tr.appendChild(review);
      }
    });
    thead.replaceChildren(tr);
  }

  function reviewCell(row) {
    var td = document.createElement("td");
    var r = reviewOf(row);
    td.className = "col-review progress-cell" + (r.reviewed ? " done" : "");
    td.dataset.label = "Review";
    var parts = [];
    if (r.undecided) parts.push(r.undecided + " undecided");
    if (r.reviewed) parts.push("✓ reviewed");
    if (r.tally.accept) parts.push(r.tally.accept + " accepted");
    if (r.tally.fix) parts.push(r.tally.fix + " to fix");
    td.textContent = parts.length ? parts.join(" · ") : "–";
    return td;
  }

  function cell(row, c) {
    var td = document.createElement("td");
    var value = row[FIRST + col[c.key]];
    td.className = "col-" + c.kind;
    td.dataset.label = labelOf(c);
    if (c.kind === "key") {
      var link = document.createElement("a");
      link.href = row[HREF];
      link.className = "row-link";
      link.textContent = value || "(no " + c.label.toLowerCase() + ")";
      td.appendChild(link);
      if (state.view === "letters") {  // the file under its key: the letter's two names together
        var file = document.createElement("span");
        file.className = "file-name";
        file.textContent = row[FIRST + col.letter];
        td.appendChild(file);
      }
    } else if (c.kind === "letter") {
      if (!(col.hasOwnProperty("key") && state.view === "letters")) {
        var name = document.createElement("a");
        name.href = row[HREF];
        name.className = "row-link file-name";
        name.textContent = value;
        td.appendChild(name);
      }
      if (state.view === "letters" && row[RULES].length) {
        var chips = document.createElement("span");
        chips.className = "chips";
        var names = row[RULES].map(function (k) { return data.rules[k]; });
        var shown = names.length > MAX_CHIPS ? names.slice(0, MAX_CHIPS - 1) : names;  // a row stays two lines high
        shown.concat(names.length > shown.length ? ["+" + (names.length - shown.length) + " more"] : []).forEach(function (text) {
          var chip = document.createElement("span");
          chip.className = "rule-chip";
          chip.textContent = text;
          if (text.charAt(0) === "+") chip.title = names.slice(shown.length).join(", ");
          chips.appendChild(document.createTextNode(" "));
          chips.appendChild(chip);
        });
        td.appendChild(chips);
      }
      if (state.view === "letters" && row[MESSAGES].length) {
        var message = document.createElement("span");
        message.className = "first-message";
        message.textContent = row[MESSAGES][0] + (row[MESSAGES].length > 1 ? " (+" + (row[MESSAGES].length - 1) + " more)" : "");
        message.title = row[MESSAGES].join("\n");
        td.appendChild(message);
      }
    } else if (c.kind === "status") {
      var badge = document.createElement("span");
      badge.className = "status status-" + value;
      badge.textContent = value;
      td.appendChild(badge);
    } else if (value === null || value === undefined) {
      td.classList.add("none");
    } else {
      td.textContent = (c.kind === "number" ? value.toLocaleString("en-GB") : String(value)) + c.unit;
      if (c.kind === "number" && value === 0 && (c.key === "error" || c.key === "warning" || c.key === "info")) td.classList.add("zero");
    }
    return td;
  }

  var printing = false;  // a print-out holds every row the filter keeps, not one page of them

  function render() {
    var view = data.views[state.view];
    tabs.forEach(function (tab) {
      var selected = tab.dataset.view === state.view;
      tab.setAttribute("aria-selected", String(selected));
      tab.tabIndex = selected ? 0 : -1;
      if (selected) document.getElementById("table-panel").setAttribute("aria-labelledby", tab.id);
    });
    document.getElementById("table-panel").classList.toggle("view-fields", state.view === "fields");
    renderHead(view);
    var rows = visibleRows();
    var pages = Math.max(1, Math.ceil(rows.length / data.pageRows));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * data.pageRows;
    var fragment = document.createDocumentFragment();
    (printing ? rows : rows.slice(start, start + data.pageRows)).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.className = "status-row-" + row[FIRST + col.status];
      tr.dataset.undecided = String(reviewOf(row).undecided);
      view.forEach(function (k) {
        tr.appendChild(cell(row, columns[k]));
        if (k === col.status && state.view === "letters") tr.appendChild(reviewCell(row));
      });
      fragment.appendChild(tr);
    });
    tbody.replaceChildren(fragment);
    var total = data.rows.length;
    countLine.textContent = rows.length === total
      ? total.toLocaleString("en-GB") + " letter" + (total === 1 ? "" : "s")
      : rows.length.toLocaleString("en-GB") + " of " + total.toLocaleString("en-GB") + " letters match";
    pagerState.textContent = rows.length
      ? "rows " + (start + 1).toLocaleString("en-GB") + "–" + Math.min(start + data.pageRows, rows.length).toLocaleString("en-GB") +
        " · page " + (state.page + 1) + " of " + pages
      : "no rows";
    document.querySelector("[data-page=prev]").disabled = state.page === 0;
    document.querySelector("[data-page=next]").disabled = state.page >= pages - 1;
    writeHash();
    // a letter page's Previous / Next follow this order
    var filtered = rows.length !== total;
    LA.save(LA.orderKey, { hrefs: rows.map(function (row) { return row[HREF]; }), filtered: filtered, hash: location.hash });
    showProgress();
    current = -1;
  }

  window.addEventListener("beforeprint", function () { printing = true; render(); });
  window.addEventListener("afterprint", function () { printing = false; render(); });

  function showProgress() {
    var reviewed = data.rows.filter(function (row) { return reviewOf(row).reviewed; }).length;
    var accepted = 0, fixes = 0, undecided = 0;
    Object.keys(perLetter).forEach(function (href) { accepted += perLetter[href].accept || 0; fixes += perLetter[href].fix || 0; });
    showStale();
    data.rows.forEach(function (row) { undecided += reviewOf(row).undecided; });
    document.getElementById("undecided-count").textContent = undecided.toLocaleString("en-GB");
    document.getElementById("review-count").textContent = reviewed.toLocaleString("en-GB") + " / " + data.rows.length.toLocaleString("en-GB");
    document.getElementById("review-label").textContent = "letters reviewed · " + accepted + " finding" + (accepted === 1 ? "" : "s") +
      " accepted · " + fixes + " need" + (fixes === 1 ? "s" : "") + " a fix";
    document.getElementById("review-summary").textContent = reviewed + " of " + data.rows.length + " letters reviewed; " +
      accepted + " finding" + (accepted === 1 ? "" : "s") + " accepted, " + fixes + " marked as needing a fix" +
      (stale.length ? "; " + stale.length + " stale decision" + (stale.length === 1 ? "" : "s") + " not counted (listed below)" : "") +
      ". Decisions are kept in this browser for this report.";
  }

  var STALE_SHOWN = 100;  // of a long list, the first; the CSV export holds them all
  function showStale() {
    if (staleShown) return;
    staleShown = true;
    var box = document.getElementById("stale-decisions");
    box.hidden = !stale.length;
    document.getElementById("stale-title").textContent = "Stale decisions (" + stale.length.toLocaleString("en-GB") + ")";
    var list = document.createDocumentFragment();
    stale.slice().sort(function (a, b) {  // by letter, then line
      return String(a[1].source || a[1].path || "").localeCompare(String(b[1].source || b[1].path || "")) ||
        (Number(a[1].line) || 0) - (Number(b[1].line) || 0);
    }).slice(0, STALE_SHOWN).forEach(function (entry) {
      var d = entry[1];
      var item = document.createElement("li");
      var path = document.createElement("span");
      path.className = "path";
      path.textContent = (d.source || d.path || "(no path)") + (d.line ? ":" + d.line : "");
      var rule = document.createElement("code");
      rule.textContent = d.rule || "(no rule)";
      var why = document.createElement("span");
      why.className = "why";
      why.textContent = " — " + (d.decision === "accept" ? "accepted" : "needs fix") + (d.note ? " (" + d.note + ")" : "") +
        "; " + staleness(entry[0]);
      item.append(path, " ", rule, " ", d.message || "", why);
      list.appendChild(item);
    });
    if (stale.length > STALE_SHOWN) {
      var more = document.createElement("li");
      more.textContent = "and " + (stale.length - STALE_SHOWN).toLocaleString("en-GB") + " more (the CSV export lists them all)";
      list.appendChild(more);
    }
    document.getElementById("stale-list").replaceChildren(list);
  }

  document.getElementById("clear-stale").addEventListener("click", function () {
    var gone = stale.map(function (entry) { return entry[0]; });
    var stored = LA.updateReview(function (value) { gone.forEach(function (fp) { delete value.findings[fp]; }); });
    document.getElementById("stale-result").textContent = stored
      ? "Cleared " + gone.length + " stale decision" + (gone.length === 1 ? "" : "s") + "."
      : "Not cleared: the browser's storage for this report is full or turned off.";
    tally();
    render();
  });

  function syncForm() {
    form.querySelectorAll("input[name=status]").forEach(function (box) { box.checked = state.status.indexOf(box.value) >= 0; });
    form.elements.rule.value = state.rule;
    form.elements.review.value = state.review;
    if (form.elements.q.value !== state.q) form.elements.q.value = state.q;
  }

  thead.addEventListener("click", function (event) {
    var button = event.target.closest("button[data-sort]");
    if (!button) return;
    var key = button.dataset.sort;
    state.desc = state.sort === key ? !state.desc : columns[col[key]].kind === "number" || key === "status";
    if (key === "number" && state.sort !== key) state.desc = false;
    state.sort = key;
    state.page = 0;
    render();
  });

  form.addEventListener("change", function (event) {
    if (event.target.name === "status") {
      state.status = Array.prototype.filter.call(form.querySelectorAll("input[name=status]"), function (b) { return b.checked; })
        .map(function (b) { return b.value; });
    } else if (event.target.name === "rule") {
      state.rule = event.target.value;
    } else if (event.target.name === "review") {
      state.review = event.target.value;
    }
    state.page = 0;
    render();
  });

  var typing = null;
  form.elements.q.addEventListener("input", function () {
    clearTimeout(typing);
    typing = setTimeout(function () { state.q = form.elements.q.value.trim(); state.page = 0; render(); }, 120);
  });

  form.addEventListener("submit", function (event) { event.preventDefault(); });
  form.addEventListener("reset", function (event) {
    event.preventDefault();
    state.status = []; state.rule = ""; state.q = ""; state.review = ""; state.page = 0;
    syncForm();
    render();
  });

  function chooseTab(tab) {
    state.view = tab.dataset.view;
    if (data.views[state.view].indexOf(col[state.sort]) < 0) { state.sort = "number"; state.desc = false; }
    render();
  }
  tabs.forEach(function (tab, k) {
    tab.addEventListener("click", function () { chooseTab(tab); });
    tab.addEventListener("keydown", function (event) {  // arrow keys move between tabs (ARIA tabs pattern)
      if (event.key !== "ArrowRight" && event.key !== "ArrowLeft") return;
      var other = tabs[(k + (event.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
      other.focus();
      chooseTab(other);
    });
  });

  // tiles and chart bars filter the table: show it
  document.querySelectorAll(".tile[href], .chart-label").forEach(function (link) {
    link.addEventListener("click", function () {
      setTimeout(function () { document.getElementById("letters").scrollIntoView({ block: "start" }); }, 0);
    });
  });

  // export the decisions
  var reviewer = document.getElementById("reviewer");
  reviewer.value = reviewState.reviewer || "";
  reviewer.addEventListener("change", function () {
    LA.updateReview(function (value) { value.reviewer = reviewer.value.trim(); });
  });
  document.getElementById("export-baseline").addEventListener("click", function () {
    LA.download("letter-audit-baseline.toml", LA.baselineText(LA.review(), staleness), "application/toml");
  });
  document.getElementById("export-csv").addEventListener("click", function () {
    LA.download("letter-audit-decisions.csv", LA.decisionsCsv(LA.review(), staleness), "text/csv");
  });
  document.getElementById("import-file").addEventListener("change", function (event) {
    var file = event.target.files[0];
    if (!file) return;
    file.text().then(function (text) {
      document.getElementById("import-result").textContent = importDecisions(text);
      tally();
      render();
    }).catch(function (error) {
      document.getElementById("import-result").textContent = "Not imported: " + error.message;
    });
    event.target.value = "";
  });
  window.addEventListener("storage", function () { tally(); render(); });
  // --- import: a decisions CSV this report (or an earlier one of the same letters) exported.
  // Findings are known by fingerprint, letters by their path; rows about letters this report
  // does not have are counted and left out.
  function parseCsv(text) {
    var rows = [], row = [], cell = "", quoted = false;
    text = text.replace(/^\ufeff/, "");
    for (var i = 0; i < text.length; i++) {
      var c = text[i];
      if (quoted) {
        if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (c === '"') quoted = false;
        else cell += c;
      } else if (c === '"') quoted = true;
      else if (c === ",") { row.push(cell); cell = ""; }
      else if (c === "\n" || c === "\r") {
        if (c === "\r" && text[i + 1] === "\n") i++;
        row.push(cell); rows.push(row); row = []; cell = "";
      } else cell += c;
    }
    if (cell || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }

  function plain(text) {  // a cell less the quote that kept a spreadsheet from reading a formula
    return /^'[=+\-@\t\r]/.test(text || "") ? text.slice(1) : text || "";
  }

  var hrefByPath = null;
  function hrefOf(path) {
    if (!hrefByPath) {
      hrefByPath = {};
      data.rows.forEach(function (row) { hrefByPath[row[FIRST + col.letter]] = row; });
    }
    var parts = path.split("/");
    for (var k = 0; k < parts.length; k++) {  // the report shows paths within the folder the letters share
      var row = hrefByPath[parts.slice(k).join("/")];
      if (row) return row;
    }
    return null;
  }

  function importDecisions(text) {
    var rows = parseCsv(text);
    var head = rows.shift() || [];
    var at = {};
    head.forEach(function (name, k) { at[name.trim()] = k; });
    if (at.fingerprint === undefined || at.decision === undefined || at.path === undefined) {
      return "Not imported: the file is not a decisions CSV exported from a letter-audit report (it needs the columns path, decision and fingerprint).";
    }
    var decisions = 0, ticks = 0, elsewhere = 0, unreadable = 0, gone = 0;
    var stored = LA.updateReview(function (value) {
      rows.forEach(function (cells) {
        if (cells.length === 1 && !cells[0]) return;  // a blank line
        function get(name) { return at[name] === undefined ? "" : plain(cells[at[name]]); }
        var decision = { "accepted": "accept", "needs fix": "fix", "needs-fix": "fix", "reviewed": "reviewed" }[get("decision").trim().toLowerCase()];
        var row = hrefOf(get("path"));
        var href = row && row[HREF];
        if (!decision) { unreadable++; return; }
        if (!href) { elsewhere++; return; }
        if (decision === "reviewed") {
          value.letters[href] = { reviewed: true, source: get("path"), reviewer: get("reviewer"), at: get("decided_at"),
                                  text: get("text_hash") };
          ticks++;
          return;
        }
        var fp = get("fingerprint").trim();
        if (!fp) { unreadable++; return; }
        var old = value.findings[fp] || {};
        value.findings[fp] = {
          decision: decision, note: get("note"), letter: href, path: old.path || get("path"), source: get("path"),
          rule: get("rule"), line: Number(get("line")) || old.line, message: get("message"),
          reviewer: get("reviewer"), at: get("decided_at"), baseline: old.baseline, order: old.order,
          key: col.hasOwnProperty("key") && row[FIRST + col.key] || get("path").split("/").pop()
        };
        decisions++;
        if (staleness(fp)) gone++;
      });
    });
    if (!stored) return "Not imported: the browser's storage for this report is full.";
    return "Imported " + decisions + " decision" + (decisions === 1 ? "" : "s") +
      (gone ? " (" + gone + (gone === 1 ? " on a finding" : " on findings") + " this report does not have: listed as stale)" : "") +
      " and " + ticks + " Reviewed tick" +
      (ticks === 1 ? "" : "s") + (elsewhere ? "; " + elsewhere + " row" + (elsewhere === 1 ? " is" : "s are") +
      " about letters this report does not have (left out)" : "") +
      (unreadable ? "; " + unreadable + " row" + (unreadable === 1 ? "" : "s") + " could not be read" : "") + ".";
  }

  // row keys: j / k move through the rows, Enter opens one, u goes to the next with undecided findings
  var current = -1;
  function moveTo(index) {
    var rows = tbody.querySelectorAll("tr");
    if (!rows.length) return;
    current = Math.max(0, Math.min(index, rows.length - 1));
    rows.forEach(function (tr, k) { tr.classList.toggle("is-current", k === current); });
    var link = rows[current].querySelector("a.row-link");
    if (link) link.focus({ preventScroll: true });
    rows[current].scrollIntoView({ block: "nearest" });
  }
  function nextUndecided() {
    var rows = tbody.querySelectorAll("tr");
    for (var k = 1; k <= rows.length; k++) {
      var index = (current + k) % rows.length;
      if (rows[index].dataset.undecided !== "0") { moveTo(index); return; }
    }
  }
  // the skip link leads to the first letter: one Tab and Enter from the top of the page
  var skip = document.querySelector(".skip");
  if (skip) {
    skip.textContent = "Skip to the letters";
    skip.addEventListener("click", function (event) {
      if (!tbody.rows.length) return;
      event.preventDefault();
      moveTo(0);
    });
  }
  tbody.addEventListener("focusin", function (event) {
    var tr = event.target.closest("tr");
    if (tr) current = Array.prototype.indexOf.call(tbody.rows, tr);
  });
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || LA.typing(event)) return;
    if (event.key === "/") { event.preventDefault(); form.elements.q.focus(); }
    else if (event.key === "j") { event.preventDefault(); moveTo(current + 1); }
    else if (event.key === "k") { event.preventDefault(); moveTo(current < 0 ? 0 : current - 1); }
    else if (event.key === "u") { event.preventDefault(); nextUndecided(); }
    else if (event.key === "Enter" && current >= 0 && !event.target.closest("a, button")) {
      var link = tbody.rows[current] && tbody.rows[current].querySelector("a.row-link");
      if (link) { event.preventDefault(); link.click(); }
    }
  });

  document.querySelector(".pager").addEventListener("click", function (event) {
    var button = event.target.closest("button[data-page]");
    if (!button) return;
    state.page += button.dataset.page === "next" ? 1 : -1;
    render();
    table.scrollIntoView({ block: "start" });
  });

  // links in the overview (#status=fail, #rule=...) and a hand-edited address
  window.addEventListener("hashchange", function () {
    state = readHash();
    syncForm();
    render();
  });

  syncForm();
  render();
})();
