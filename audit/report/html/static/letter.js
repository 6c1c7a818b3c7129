// A letter page: layout and boilerplate folding, moving through the findings, linked quotations,
// and the reviewer's decisions (Accept / Needs fix, a note, Reviewed), kept by common.js.
(function () {
  "use strict";

  var LA = window.LetterAudit;
  var data = LA.data;
  var LAYOUT_KEY = "letter-audit.layout", FOLD_KEY = "letter-audit.fold";
  var overlay = document.getElementById("overlay");
  var layoutButtons = document.querySelectorAll("[data-layout]");
  var foldButton = document.getElementById("fold-toggle");
  var comments = Array.prototype.slice.call(document.querySelectorAll(".comment:not(.accepted)"));
  var byId = {};
  (data.findings || []).forEach(function (f) { byId[f.id] = f; });
  var current = -1;

  function pref(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  function setPref(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* this page only */ } }

  // --- layout: side by side shows the template beside the letter, under labelled columns; the
  // template's side is built on demand from the letter's (pages stay small): each value is the
  // one the template expects, the letter's own unless a finding settles another (should read)
  var expected = {};  // field -> {value, written}: from the findings that settle one value
  (data.findings || []).forEach(function (f) {
    if (f.shouldRead && f.shouldRead.field) expected[f.shouldRead.field] = f.shouldRead;
  });

  function templateSide(row) {
    var side = document.createElement("p");
    side.className = "tmpl";
    var text = letterSide(row);
    if (text && !/kind-(extra|duplicate|artifact|unmatched|belongs)/.test(row.className)) {
      Array.prototype.forEach.call(text.childNodes, function (node) {
        if (node.nodeName === "MARK" && node.title) {
          var value = document.createElement("span");
          var settled = expected[node.title];
          var differs = settled && node.textContent.trim() === settled.written;
          value.className = "slot" + (differs ? " slot-differs" : "");
          value.title = node.title + (differs ? ": the letter has “" + settled.written + "”" : "");
          value.dataset.field = node.title;
          value.textContent = differs ? settled.value : node.textContent;
          side.appendChild(value);
        } else {
          side.appendChild(node.cloneNode(true));
        }
      });
    }
    row.insertBefore(side, text);
  }

  function sideLabels() {
    var head = document.createElement("p");
    head.className = "side-head";
    [["Template", "with the values it expects"], ["Letter", "as written"]].forEach(function (pair) {
      var label = document.createElement("span");
      var strong = document.createElement("strong");
      strong.textContent = pair[0];
      label.append(strong, " " + pair[1]);
      head.appendChild(label);
    });
    overlay.insertBefore(head, overlay.firstChild);
  }

  function letterSide(row) { return row.querySelector(":scope > p:not(.tmpl)"); }
  function rows() { return overlay ? overlay.querySelectorAll(":scope > div") : []; }

  function setLayout(layout) {
    if (!overlay) return;
    if (layout === "side") {
      if (!overlay.querySelector(":scope > .side-head")) sideLabels();
      rows().forEach(function (row) {
        if (!row.querySelector(".tmpl")) templateSide(row);
      });
    }
    overlay.classList.toggle("layout-side", layout === "side");
    overlay.classList.toggle("layout-inline", layout !== "side");
    layoutButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.layout === layout));
    });
  }

  layoutButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      setLayout(button.dataset.layout);
      setPref(LAYOUT_KEY, button.dataset.layout);
    });
  });

  // --- hide matching boilerplate: runs of two or more matching paragraphs with no finding fold
  // into one line that unfolds on click
  function fold(on) {
    if (!overlay) return;
    overlay.querySelectorAll(".fold").forEach(function (button) { button.remove(); });
    overlay.querySelectorAll(":scope > div.folded").forEach(function (row) { row.classList.remove("folded"); });
    if (foldButton) foldButton.setAttribute("aria-pressed", String(on));
    if (!on) return;
    var run = [];
    function close() {
      if (run.length >= 2) {
        var rows = run;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "fold";
        button.textContent = "⋯ " + rows.length + " matching paragraphs ⋯";
        button.setAttribute("aria-label", "Show " + rows.length + " matching paragraphs");
        rows.forEach(function (row) { row.classList.add("folded"); });
        button.addEventListener("click", function () {
          rows.forEach(function (row) { row.classList.remove("folded"); });
          button.remove();
        });
        overlay.insertBefore(button, rows[0]);
      }
      run = [];
    }
    rows().forEach(function (row) {
      var quiet = !/kind-/.test(row.className);
      if (quiet && !row.querySelector(".comment")) run.push(row); else close();
    });
    close();
  }
  if (foldButton) foldButton.addEventListener("click", function () {
    var on = foldButton.getAttribute("aria-pressed") !== "true";
    fold(on);
    setPref(FOLD_KEY, on ? "1" : "0");
  });

  // --- moving through the findings
  function reveal(element) {
    var row = element.closest && element.closest(".overlay > div.folded");
    if (row) fold(false);
  }

  function flash(target) {
    document.querySelectorAll(".is-highlighted").forEach(function (el) { el.classList.remove("is-highlighted"); });
    if (!target) return;
    reveal(target);
    void target.offsetWidth;  // restart the animation when the same place is chosen twice
    target.classList.add("is-highlighted");
  }

  function select(index) {
    if (!comments.length) return;
    current = (index + comments.length) % comments.length;
    var comment = comments[current];
    comments.forEach(function (other) { other.classList.toggle("is-current", other === comment); });
    reveal(comment);
    comment.focus({ preventScroll: true });
    comment.scrollIntoView({ block: "center", behavior: "instant" });
    flash(comment);
    history.replaceState(null, "", "#" + comment.id);
  }

  // the element a URL fragment names; a fragment that is not valid percent-encoding
  // (#%E0%A4%A, typed or pasted) is taken as it stands instead of stopping the script
  function byFragment(fragment) {
    var id = fragment;
    try { id = decodeURIComponent(fragment); } catch (error) { /* URIError: keep it raw */ }
    return document.getElementById(id);
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[href^='#']");
    if (!link || link.classList.contains("skip")) return;
    var target = byFragment(link.getAttribute("href").slice(1));
    if (!target) return;
    event.preventDefault();
    var index = comments.indexOf(target);
    if (index >= 0) { select(index); return; }
    reveal(target);
    target.scrollIntoView({ block: "center", behavior: "instant" });
    flash(target);
    if (link.classList.contains("quote")) linkField(link.dataset.field, true);
    history.replaceState(null, "", "#" + target.id);
  });

  // --- quotations of the fields a finding calls into question: focusing one shows them all
  var related = {};  // field -> the fields named by the same findings
  document.querySelectorAll(".comment").forEach(function (comment) {
    var fields = Array.prototype.map.call(comment.querySelectorAll(".quote[data-field]"), function (q) { return q.dataset.field; });
    fields.forEach(function (field) {
      related[field] = related[field] || {};
      fields.forEach(function (other) { related[field][other] = true; });
    });
  });
  function linkField(field, on) {
    document.querySelectorAll("mark.is-linked").forEach(function (mark) { mark.classList.remove("is-linked"); });
    if (!on || !field) return;
    var group = related[field] || {};
    group[field] = true;
    document.querySelectorAll("mark.wrong, mark.involved").forEach(function (mark) {
      if (group[mark.title]) mark.classList.add("is-linked");
    });
  }
  ["focusin", "mouseover"].forEach(function (type) {
    document.addEventListener(type, function (event) {
      var mark = event.target.closest && event.target.closest("mark.wrong, mark.involved");
      if (mark) linkField(mark.title, true);
    });
  });
  document.addEventListener("focusout", function (event) {
    if (event.target.matches && event.target.matches("mark.wrong, mark.involved")) linkField(null, false);
  });

  // --- the review
  var reviewed = document.getElementById("reviewed");
  var progress = document.getElementById("review-progress");

  function decide(comment, decision) {
    var finding = byId[comment.id];
    if (!finding) return;
    var note = comment.querySelector(".review-note input");
    LA.updateReview(function (value) {
      var old = value.findings[finding.fingerprint] || {};
      var chosen = decision === undefined ? old.decision : (old.decision === decision ? "" : decision);
      var changed = chosen !== old.decision;
      value.findings[finding.fingerprint] = {
        decision: chosen || "", note: note ? note.value : old.note || "",
        reviewer: changed || !old.reviewer ? value.reviewer || "" : old.reviewer,
        at: changed || !old.at ? new Date().toISOString().replace(/\.\d+Z$/, "Z") : old.at,
        letter: data.letter, path: data.path, source: data.source, rule: finding.rule, line: finding.line,
        message: finding.message, baseline: finding.baseline, order: finding.order
      };
    });
    showDecisions();
  }

  function reviewControls(comment) {
    var box = document.createElement("div");
    box.className = "review";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Decision on finding " + comment.id.slice(1));
    [["accept", "Accept"], ["fix", "Needs fix"]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "decision decision-" + pair[0];
      button.dataset.decision = pair[0];
      button.textContent = pair[1];
      button.setAttribute("aria-pressed", "false");
      button.addEventListener("click", function () { decide(comment, pair[0]); });
      box.appendChild(button);
    });
    var label = document.createElement("label");
    label.className = "review-note";
    label.textContent = "Note ";
    var input = document.createElement("input");
    input.type = "text";
    input.maxLength = 500;
    input.placeholder = "why (optional)";
    var typingPause = null;  // saved when typing pauses, not only when the field is left: never lost on reload
    input.addEventListener("input", function () {
      clearTimeout(typingPause);
      typingPause = setTimeout(function () { decide(comment, undefined); }, 400);
    });
    input.addEventListener("change", function () { clearTimeout(typingPause); decide(comment, undefined); });
    label.appendChild(input);
    box.appendChild(label);
    comment.appendChild(box);
  }

  function showDecisions() {
    var value = LA.review();
    var decided = 0, fixes = 0;
    comments.forEach(function (comment) {
      var finding = byId[comment.id];
      var d = finding && value.findings[finding.fingerprint] || {};
      comment.dataset.decision = d.decision || "";
      comment.querySelectorAll("button.decision").forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.decision === d.decision));
      });
      var note = comment.querySelector(".review-note input");
      if (note && document.activeElement !== note) note.value = d.note || "";
      if (d.decision) decided++;
      if (d.decision === "fix") fixes++;
    });
    var letter = value.letters[data.letter] || {};
    var earlier = !!letter.reviewed && !!letter.text && !!data.text && letter.text !== data.text;
    if (reviewed) {
      reviewed.checked = !!letter.reviewed && !earlier;  // a tick is for the text that was reviewed
      var said = document.getElementById("reviewed-earlier");
      if (said) said.hidden = !earlier;
    }
    if (progress && comments.length) {
      progress.textContent = decided + " of " + comments.length + " finding" + (comments.length === 1 ? "" : "s") +
        " decided" + (fixes ? ", " + fixes + " need" + (fixes === 1 ? "s" : "") + " a fix" : "") +
        (letter.reviewed && !earlier ? " · letter reviewed" : "");
    }
  }

  comments.forEach(reviewControls);
  // decisions imported on the index know their findings by fingerprint only: this page completes them
  var stored = LA.review().findings;
  if ((data.findings || []).some(function (f) { return stored[f.fingerprint] && !stored[f.fingerprint].baseline; })) {
    LA.updateReview(function (value) {
      data.findings.forEach(function (f) {
        var d = value.findings[f.fingerprint];
        if (d && !d.baseline) { d.baseline = f.baseline; d.order = f.order; d.letter = data.letter; d.path = data.path; }
      });
    });
  }
  if (reviewed) {
    reviewed.closest("label").hidden = false;
    reviewed.addEventListener("change", function () {
      LA.updateReview(function (value) {
        value.letters[data.letter] = { reviewed: reviewed.checked, source: data.source, reviewer: value.reviewer || "",
                                       text: data.text,
                                       at: new Date().toISOString().replace(/\.\d+Z$/, "Z") };
      });
      showDecisions();
    });
  }
  window.addEventListener("storage", showDecisions);  // another tab of the same report

  // --- Previous / Next follow the index's current filter and sort when it has one
  var home = document.querySelector(".letter-nav a:not([rel])");  // the index, with its filter
  var order = LA.load(LA.orderKey, null);
  var prev = document.getElementById("prev-letter"), next = document.getElementById("next-letter");
  if (home && order && typeof order.hash === "string" && /^#[\w%=&.:,+~-]*$/.test(order.hash)) {
    home.href = home.getAttribute("href") + order.hash;  // back to the index as it was filtered
  }
  if (order && Array.isArray(order.hrefs)) {
    var here = order.hrefs.indexOf(data.letter);
    if (here >= 0) {
      setNeighbour(prev, order.hrefs[here - 1]);
      setNeighbour(next, order.hrefs[here + 1]);
      var position = document.getElementById("position");
      if (position) position.textContent = "Letter " + (here + 1) + " of " + order.hrefs.length +
        (order.filtered ? " (as filtered on the index)" : "");
    }
  }
  function setNeighbour(link, href) {
    if (!link) return;
    if (href) {
      link.href = "../" + href;  // hrefs are relative to the report folder
      link.removeAttribute("aria-disabled");
      link.removeAttribute("title");
    } else {
      link.removeAttribute("href");
      link.setAttribute("aria-disabled", "true");
    }
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || LA.typing(event)) return;
    var comment = comments[current];
    if (event.key === "j" || event.key === "n") { event.preventDefault(); select(current + 1); }
    else if (event.key === "k" || event.key === "p") { event.preventDefault(); select(current < 0 ? comments.length - 1 : current - 1); }
    else if (event.key === "a" && comment) { event.preventDefault(); decide(comment, "accept"); }
    else if (event.key === "x" && comment) { event.preventDefault(); decide(comment, "fix"); }
    else if (event.key === "r" && reviewed) { event.preventDefault(); reviewed.click(); }
    else if (event.key === "[" && prev && prev.href) { event.preventDefault(); location.href = prev.href; }
    else if (event.key === "]" && next && next.href) { event.preventDefault(); location.href = next.href; }
    else if (event.key === "u" && home) { event.preventDefault(); location.href = home.href; }
  });
  document.addEventListener("focusin", function (event) {
    var comment = event.target.closest && event.target.closest(".comment:not(.accepted)");
    if (comment) current = comments.indexOf(comment);
  });

  var layout = pref(LAYOUT_KEY);
  setLayout(layout === "side" ? "side" : "inline");
  if (pref(FOLD_KEY) === "1") fold(true);
  showDecisions();
  if (location.hash.length > 1) {
    var start = byFragment(location.hash.slice(1));
    if (start) {
      var index = comments.indexOf(start);
      if (index >= 0) select(index); else { reveal(start); start.scrollIntoView({ block: "center" }); flash(start); }
    }
  }
})();
