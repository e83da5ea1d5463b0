(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("jiceng-data").textContent);
  function tip(text) {            // names are data: shown as text, never parsed as HTML
    var div = document.createElement("div");
    div.textContent = text;
    return div;
  }
  var byId = {};
  data.nodes.forEach(function (n) {
    byId[n.id] = {info: n.info, styles: n.styles, problem: n.problem, anchor: n.anchor,
                  kind: n.kind, name: n.info.name, key: (n.info.name + " " + n.id).toLowerCase(),
                  link: n.link};
    n.title = tip(n.tip); delete n.tip; delete n.info;
  });
  data.edges.forEach(function (e, i) { e.id = "e" + i; e.title = tip(e.tip); delete e.tip; });
  var nodes = new vis.DataSet(data.nodes);
  var edges = new vis.DataSet(data.edges);
  var network = new vis.Network(document.getElementById("network"),
                                {nodes: nodes, edges: edges}, data.options);
  network.once("afterDrawing", function () {
    network.fit({animation: false});  // the whole map in view, now that the canvas is laid out,
    network.moveTo({scale: network.getScale() * 0.92});  // with a margin for the labels
    window.jicengDrawn = performance.now();
  });

  // ---- hiding: a legend entry hides what carries its style; "problems only" the rest
  var hiddenStyles = {};
  Array.prototype.forEach.call(document.querySelectorAll("#legend .toggle.off"), function (row) {
    hiddenStyles[row.getAttribute("data-style")] = true;
  });
  var problemsOnly = false;
  function nodeHidden(n) {
    var meta = byId[n.id];
    if (problemsOnly && !meta.problem && !meta.anchor) { return true; }
    for (var i = 0; i < meta.styles.length; i++) { if (hiddenStyles[meta.styles[i]]) { return true; } }
    return false;
  }
  function refresh() {
    var nodeUpdates = [], edgeUpdates = [];
    nodes.forEach(function (n) {
      var h = nodeHidden(n);
      if (!!n.hidden !== h) { nodeUpdates.push({id: n.id, hidden: h}); }
    });
    nodes.update(nodeUpdates);
    edges.forEach(function (e) {
      var h = e.styles.some(function (s) { return hiddenStyles[s]; });
      if (!!e.hidden !== h) { edgeUpdates.push({id: e.id, hidden: h}); }
    });
    edges.update(edgeUpdates);
  }
  Array.prototype.forEach.call(document.querySelectorAll("#legend .toggle"), function (row) {
    row.addEventListener("click", function () {
      var key = row.getAttribute("data-style");
      hiddenStyles[key] = !hiddenStyles[key];
      row.classList.toggle("off", hiddenStyles[key]);
      refresh();
    });
  });
  var problemsBox = document.getElementById("problems-only");
  problemsBox.addEventListener("change", function () { problemsOnly = problemsBox.checked; refresh(); });

  // ---- the side panel: every value set with textContent
  var panel = document.getElementById("panel");
  function line(label, value) {
    var row = document.createElement("div"); row.className = "field";
    var b = document.createElement("b"); b.textContent = label; row.appendChild(b);
    var span = document.createElement("span"); span.textContent = value; row.appendChild(span);
    panel.appendChild(row);
  }
  function list(label, values, cls) {
    if (!values || !values.length) { return; }
    var head = document.createElement("div"); head.className = "field";
    var b = document.createElement("b"); b.textContent = label; head.appendChild(b);
    panel.appendChild(head);
    var ul = document.createElement("ul"); if (cls) { ul.className = cls; }
    values.forEach(function (v) { var li = document.createElement("li"); li.textContent = v; ul.appendChild(li); });
    panel.appendChild(ul);
  }
  function show(id) {
    var meta = byId[id];
    panel.textContent = "";
    if (!meta) { panel.hidden = true; return; }
    var info = meta.info;
    panel.hidden = false;
    var h = document.createElement("h2"); h.textContent = info.name; panel.appendChild(h);
    line("编号 id", info.id);
    line("类型 kind", info.kind);
    if (info.place) { line("位置 place", info.place); }
    if (info.households !== undefined) { line("户数 households", String(info.households)); }
    if (info.inflow !== undefined) { line("资源流入 inflow (units)", String(info.inflow)); }
    list("状况 status", info.status, "status");
    list("未达标规则 rules failed", info.fails, "fails");
    list("共建单位 tied units", info.ties);
    list("唯一共建单位的社区 only tie of", info.only_tie, "status");
    list("说明 notes", info.extra);
    if (meta.link) {                // a street map written beside this page
      var a = document.createElement("a"); a.href = meta.link; a.className = "open";
      a.textContent = "打开街道地图 open its street map"; panel.appendChild(a);
    }
  }
  function select(id, centre) {
    var neighbours = network.getConnectedNodes(id);
    network.selectNodes([id].concat(neighbours), true);
    if (centre) {
      network.focus(id, {scale: Math.max(network.getScale(), 1.0), animation: false});
    }
    window.jicengFocused = id;
    show(id);
  }
  network.on("click", function (params) {
    var id = network.getNodeAt(params.pointer.DOM);
    if (id !== undefined && byId[id].link) { window.location.href = byId[id].link; return; }
    if (id !== undefined) { select(id, false); }
    else { panel.hidden = true; window.jicengFocused = undefined; }
  });

  // ---- search by id or part of a name
  var input = document.getElementById("search");
  var results = document.getElementById("results");
  var ids = Object.keys(byId);
  function search() {
    var q = input.value.trim().toLowerCase();
    results.textContent = "";
    if (!q) { return []; }
    var found = ids.filter(function (id) { return byId[id].key.indexOf(q) >= 0; });
    found.slice(0, 30).forEach(function (id) {
      var b = document.createElement("button");
      b.type = "button"; b.textContent = byId[id].name + " · " + id;
      b.addEventListener("click", function () { select(id, true); });
      results.appendChild(b);
    });
    if (found.length > 30) {
      var more = document.createElement("div"); more.className = "more";
      more.textContent = "… " + (found.length - 30) + " more"; results.appendChild(more);
    }
    return found;
  }
  input.addEventListener("input", search);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter") { var found = search(); if (found.length) { select(found[0], true); } }
  });
  // ---- the map as a PNG (what the canvas shows, on white); an image of it when printed
  function snapshot() {
    var canvas = document.querySelector("#network canvas");
    var out = document.createElement("canvas");
    out.width = canvas.width; out.height = canvas.height;
    var context = out.getContext("2d");
    context.fillStyle = "#ffffff"; context.fillRect(0, 0, out.width, out.height);
    context.drawImage(canvas, 0, 0);
    return out.toDataURL("image/png");
  }
  var png = document.getElementById("png");
  if (png) {
    png.addEventListener("click", function () {
      var a = document.createElement("a");
      a.href = snapshot(); a.download = png.getAttribute("data-file") || "map.png";
      document.body.appendChild(a); a.click(); document.body.removeChild(a);
    });
  }
  function printImage() {
    var img = document.getElementById("network-print");
    if (!img) {
      img = document.createElement("img"); img.id = "network-print"; img.alt = "";
      var box = document.getElementById("network");
      box.parentNode.insertBefore(img, box);
    }
    img.src = snapshot();
  }
  window.addEventListener("beforeprint", printImage);
  window.jicengSnapshot = snapshot;
  window.jicengPrintImage = printImage;
  window.jicengNetwork = network;
  window.jicengNodes = nodes;
  window.jicengEdges = edges;
  window.jicengMeta = byId;
  window.jicengSelect = select;
})();
