// The site's search box (jiceng site): any community, street, district or unit by part of its
// name or its id, opening its page (a community or unit: its street's page, at its row).
// Names are data: shown with textContent, never parsed as HTML.
(function () {
  "use strict";
  var index = window.JICENG_INDEX || [];
  var input = document.getElementById("site-search");
  var box = document.getElementById("site-results");
  if (!input || !box) { return; }
  var keys = index.map(function (e) { return (e[0] + " " + e[1]).toLowerCase(); });
  var LIMIT = 40;
  function find(q) {
    var found = [];
    for (var i = 0; i < index.length; i++) { if (keys[i].indexOf(q) >= 0) { found.push(index[i]); } }
    return found;
  }
  function show() {
    var q = input.value.trim().toLowerCase();
    box.textContent = "";
    if (!q) { box.hidden = true; return []; }
    var found = find(q);
    found.slice(0, LIMIT).forEach(function (e) {
      var a = document.createElement("a");
      a.href = e[4];
      a.textContent = e[0];
      var small = document.createElement("small");
      small.textContent = e[2] + " · " + e[1] + (e[3] ? " · " + e[3] : "");
      a.appendChild(small);
      box.appendChild(a);
    });
    if (!found.length || found.length > LIMIT) {
      var note = document.createElement("div"); note.className = "none";
      note.textContent = found.length ? "… 另有 " + (found.length - LIMIT) + " 个 more"
                                      : "没有找到 nothing found";
      box.appendChild(note);
    }
    box.hidden = false;
    return found;
  }
  input.addEventListener("input", show);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      var found = show();
      if (found.length) { window.location.href = found[0][4]; }
    } else if (event.key === "Escape") { input.value = ""; show(); }
  });
  document.addEventListener("click", function (event) {
    if (!box.contains(event.target) && event.target !== input) { box.hidden = true; }
  });
  window.jicengSiteSearch = find;
})();
