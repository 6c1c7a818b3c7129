// The batch overview: one table of letters, sorted, filtered and paged in the browser.
// The rows come from the JSON data block; cells are filled with textContent only.
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("report-data").textContent);
  var columns = data.columns;
  var HREF = 0, RULES = 1, FIRST = 2;  // a row: [page href, [rule numbers], value per column]
  var col = {};
  columns.forEach(function (c, k) { col[c.key] = k; });
  var STATUS_ORDER = { pass: 0, warn: 1, fail: 2 };

  var table = document.getElementById("letters-table");
  var thead = table.querySelector("thead");
  var tbody = table.querySelector("tbody");
  var form = document.querySelector("form.filters");
  var countLine = document.getElementById("table-count");
  var pagerState = document.querySelector(".pager-state");
  var tabs = document.querySelectorAll("[data-view]");

  // what the user can search: every value of the row, lower-cased once
  var haystacks = data.rows.map(function (row) {
    return row.slice(FIRST).map(function (v) { return v == null ? "" : String(v); }).join("\u0001").toLowerCase();
  });

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
    var words = state.q.toLowerCase().split(/\s+/).filter(Boolean);
    var statusKey = FIRST + col.status;
    var rows = [];
    for (var i = 0; i < data.rows.length; i++) {
      var row = data.rows[i];
      if (state.status.length && state.status.indexOf(row[statusKey]) < 0) continue;
      if (rule >= 0 && row[RULES].indexOf(rule) < 0) continue;
      if (words.length && !words.every(function (w) { return haystacks[i].indexOf(w) >= 0; })) continue;
      rows.push(row);
    }
    return rows.sort(compare);
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
      button.textContent = c.label;
      if (state.sort === c.key) {
        th.setAttribute("aria-sort", state.desc ? "descending" : "ascending");
        button.classList.add(state.desc ? "sorted-desc" : "sorted-asc");
      }
      th.appendChild(button);
      tr.appendChild(th);
    });
    thead.replaceChildren(tr);
  }

  function cell(row, c) {
    var td = document.createElement("td");
    var value = row[FIRST + col[c.key]];
    td.className = "col-" + c.kind;
    if (c.kind === "letter") {
      var a = document.createElement("a");
      a.href = row[HREF];
      a.textContent = value;
      td.appendChild(a);
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

  function render() {
    var view = data.views[state.view];
    tabs.forEach(function (tab) { tab.setAttribute("aria-selected", String(tab.dataset.view === state.view)); });
    renderHead(view);
    var rows = visibleRows();
    var pages = Math.max(1, Math.ceil(rows.length / data.pageRows));
    state.page = Math.min(state.page, pages - 1);
    var start = state.page * data.pageRows;
    var fragment = document.createDocumentFragment();
    rows.slice(start, start + data.pageRows).forEach(function (row) {
      var tr = document.createElement("tr");
      tr.className = "status-row-" + row[FIRST + col.status];
      view.forEach(function (k) { tr.appendChild(cell(row, columns[k])); });
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
  }

  function syncForm() {
    form.querySelectorAll("input[name=status]").forEach(function (box) { box.checked = state.status.indexOf(box.value) >= 0; });
    form.elements.rule.value = state.rule;
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
    state.status = []; state.rule = ""; state.q = ""; state.page = 0;
    syncForm();
    render();
  });

  tabs.forEach(function (tab) {
    tab.addEventListener("click", function () {
      state.view = tab.dataset.view;
      if (data.views[state.view].indexOf(col[state.sort]) < 0) { state.sort = "number"; state.desc = false; }
      render();
    });
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
