// A letter page: the inline / side-by-side switch and keyboard navigation through findings.
(function () {
  "use strict";

  var LAYOUT_KEY = "letter-audit.layout";
  var overlay = document.getElementById("overlay");
  var layoutButtons = document.querySelectorAll("[data-layout]");
  var links = Array.prototype.slice.call(document.querySelectorAll(".finding-link"));
  var status = document.getElementById("current-finding");
  var current = -1;

  function setLayout(layout) {
    if (!overlay) return;
    overlay.classList.toggle("layout-side", layout === "side");
    overlay.classList.toggle("layout-inline", layout !== "side");
    layoutButtons.forEach(function (button) {
      button.setAttribute("aria-pressed", String(button.dataset.layout === layout));
    });
    try { localStorage.setItem(LAYOUT_KEY, layout); } catch (e) { /* storage may be off for file:// */ }
  }

  function highlight(target) {
    document.querySelectorAll(".is-highlighted").forEach(function (el) { el.classList.remove("is-highlighted"); });
    if (!target) return;
    // restart the flash animation when the same place is chosen twice
    target.classList.remove("is-highlighted");
    void target.offsetWidth;
    target.classList.add("is-highlighted");
    target.scrollIntoView({ block: "center", behavior: "instant" });
  }

  function select(index) {
    if (!links.length) return;
    current = (index + links.length) % links.length;
    var link = links[current];
    links.forEach(function (other) { other.parentNode.classList.toggle("is-current", other === link); });
    highlight(document.getElementById(link.dataset.target));
    history.replaceState(null, "", "#" + link.dataset.target);
    var finding = link.parentNode;
    status.textContent = "Finding " + (current + 1) + " of " + links.length + ": " +
      finding.querySelector(".rule").textContent + " (line " + finding.querySelector(".line").textContent.replace("line ", "") + ")";
  }

  layoutButtons.forEach(function (button) {
    button.addEventListener("click", function () { setLayout(button.dataset.layout); });
  });

  links.forEach(function (link, index) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      select(index);
    });
  });

  // a link from a margin marker or the fields table: highlight where it leads
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.marker, .field-table a");
    if (!link) return;
    var id = link.getAttribute("href").slice(1);
    var target = document.getElementById(id);
    if (!target) return;
    event.preventDefault();
    if (link.classList.contains("marker")) {
      var index = links.findIndex(function (l) { return l.parentNode.id === id; });
      target.scrollIntoView({ block: "center" });
      links.forEach(function (l) { l.parentNode.classList.toggle("is-current", l.parentNode === target); });
      if (index >= 0) current = index;
      highlight(target);
    } else {
      highlight(target);
      history.replaceState(null, "", "#" + id);
    }
  });

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var tag = (event.target.tagName || "").toLowerCase();
    if (tag === "input" || tag === "textarea" || tag === "select" || event.target.isContentEditable) return;
    if (event.key === "j" || event.key === "n") { event.preventDefault(); select(current + 1); }
    else if (event.key === "k" || event.key === "p") { event.preventDefault(); select(current < 0 ? links.length - 1 : current - 1); }
  });

  var saved = null;
  try { saved = localStorage.getItem(LAYOUT_KEY); } catch (e) { saved = null; }
  setLayout(saved === "side" ? "side" : "inline");

  if (location.hash.length > 1) {
    var start = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (start) highlight(start);
  }
})();
