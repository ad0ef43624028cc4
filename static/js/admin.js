/* A chart, or where there is nothing to draw a sentence saying so (a blank box with 0/0 axes reads as
 * broken). Every chart on the console is made through here. */
window.besideChart = function (el, values) {
  "use strict";
  var any = values.some(function (v) { return Number(v) !== 0; });
  if (!any) {
    el.classList.add("chart--empty");
    el.setAttribute("data-testid", "chart-empty");
    el.textContent = document.body.getAttribute("data-chart-empty") || "";
    return null;
  }
  return window.echarts.init(el);
};

/* The dashboard's chart: added and lost customers per day, from the JSON the page carries. */
(function () {
  "use strict";
  var data = document.getElementById("figures");
  var el = document.getElementById("chart-daily");
  if (!data || !el || !window.echarts) return;
  var figures = JSON.parse(data.textContent);
  var chart = window.besideChart(el, figures.added.concat(figures.lost));
  if (!chart) return;
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [el.getAttribute("data-label-added"), el.getAttribute("data-label-lost")] },
    grid: { left: 40, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: figures.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: el.getAttribute("data-label-added"), type: "line", data: figures.added, itemStyle: { color: "#07c160" } },
      { name: el.getAttribute("data-label-lost"), type: "line", data: figures.lost, itemStyle: { color: "#fa5151" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

/* The variable picker: a button puts its variable into the script text at the cursor. */
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-insert]");
  if (!button) return;
  /* The text box of the same step (the SOP editor has one per step), else of the form. */
  var area = (button.closest(".step") || button.closest("form")).querySelector("[data-insert-target]");
  var value = button.getAttribute("data-insert");
  var start = area.selectionStart || 0, end = area.selectionEnd || 0;
  area.value = area.value.slice(0, start) + value + area.value.slice(end);
  area.focus();
  area.selectionStart = area.selectionEnd = start + value.length;
  area.dispatchEvent(new Event("input", { bubbles: true }));
});

/* The usage chart: script and material sends per day. */
(function () {
  "use strict";
  var data = document.getElementById("usage");
  var el = document.getElementById("chart-usage");
  if (!data || !el || !window.echarts) return;
  var report = JSON.parse(data.textContent);
  var chart = window.besideChart(el, report.scripts.concat(report.materials, report.others));
  if (!chart) return;
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [el.getAttribute("data-label-scripts"), el.getAttribute("data-label-materials"), el.getAttribute("data-label-others")] },
    grid: { left: 40, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: report.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: el.getAttribute("data-label-scripts"), type: "bar", stack: "sends", data: report.scripts, itemStyle: { color: "#07c160" } },
      { name: el.getAttribute("data-label-materials"), type: "bar", stack: "sends", data: report.materials, itemStyle: { color: "#10aeff" } },
      { name: el.getAttribute("data-label-others"), type: "bar", stack: "sends", data: report.others, itemStyle: { color: "#fa9d3b" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

/* The SOP chart: tasks due and done per day. */
(function () {
  "use strict";
  var data = document.getElementById("sop-report");
  var el = document.getElementById("chart-sop");
  if (!data || !el || !window.echarts) return;
  var report = JSON.parse(data.textContent);
  var chart = window.besideChart(el, report.due.concat(report.done));
  if (!chart) return;
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [el.getAttribute("data-label-due"), el.getAttribute("data-label-done")] },
    grid: { left: 40, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: report.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: el.getAttribute("data-label-due"), type: "line", data: report.due, itemStyle: { color: "#10aeff" } },
      { name: el.getAttribute("data-label-done"), type: "line", data: report.done, itemStyle: { color: "#07c160" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

/* Searchable checkbox pickers (macros/pickers.html): typing narrows the options; the summary names
 * what is ticked. */
(function () {
  "use strict";
  function summarise(picker) {
    var summary = picker.querySelector("[data-picker-summary]");
    var names = Array.prototype.map.call(picker.querySelectorAll("input[type=checkbox]:checked"), function (box) {
      return box.parentNode.textContent.trim();
    });
    summary.textContent = names.length ? names.join("、") : summary.getAttribute("data-none");
  }
  function setUp(root) {
    Array.prototype.forEach.call(root.querySelectorAll("[data-picker]"), function (picker) {
      if (picker.hasAttribute("data-picker-ready")) return;
      picker.setAttribute("data-picker-ready", "");
      summarise(picker);
      picker.addEventListener("change", function () { summarise(picker); });
      var search = picker.querySelector("[data-picker-search]");
      search.addEventListener("input", function () {
        var needle = search.value.trim().toLowerCase();
        Array.prototype.forEach.call(picker.querySelectorAll(".picker__option"), function (option) {
          option.hidden = needle !== "" && option.textContent.toLowerCase().indexOf(needle) < 0;
        });
      });
      /* Enter in the search box narrows; it must not submit the form. */
      search.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    });
  }
  setUp(document);
  document.body.addEventListener("htmx:afterSettle", function (e) { setUp(e.target); });
})();

/* A request that failed says why: errors.py answers htmx with the message (HX-Trigger "failed"). */
(function () {
  "use strict";
  var toast = null, timer;
  function show(text) {
    if (!toast) {
      toast = document.createElement("div");
      toast.className = "toast";
      toast.setAttribute("role", "alert");
      document.body.appendChild(toast);
    }
    toast.textContent = text;
    toast.hidden = false;
    clearTimeout(timer);
    timer = setTimeout(function () { toast.hidden = true; }, 5000);
  }
  document.body.addEventListener("failed", function (e) { if (e.detail && e.detail.value) show(e.detail.value); });
  document.body.addEventListener("htmx:sendError", function () {
    show(document.documentElement.lang === "en" ? "No connection, please retry" : "网络不可用，请重试");
  });
})();

/* A channel code's adds per day (and a referral campaign's new contacts: the same chart). */
(function () {
  "use strict";
  var data = document.getElementById("code-days");
  var el = document.getElementById("chart-code");
  if (!data || !el || !window.echarts) return;
  var report = JSON.parse(data.textContent);
  var chart = window.besideChart(el, report.adds);
  if (!chart) return;
  chart.setOption({
    tooltip: { trigger: "axis" },
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    xAxis: { type: "category", data: report.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: el.getAttribute("data-label"), type: "bar", data: report.adds, itemStyle: { color: "#07c160" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

/* A guide's trend: sales (yuan) and orders per month. */
(function () {
  "use strict";
  var data = document.getElementById("guide-trend");
  var el = document.getElementById("chart-guide");
  if (!data || !el || !window.echarts) return;
  var trend = JSON.parse(data.textContent);
  var sales = el.getAttribute("data-label-sales"), orders = el.getAttribute("data-label-orders");
  var chart = window.besideChart(el, trend.sales.concat(trend.orders));
  if (!chart) return;
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [sales, orders] },
    grid: { left: 56, right: 40, top: 40, bottom: 32 },
    xAxis: { type: "category", data: trend.months.map(function (m) { return m.slice(0, 7); }) },
    yAxis: [{ type: "value" }, { type: "value", minInterval: 1 }],
    series: [
      { name: sales, type: "bar", data: trend.sales.map(function (fen) { return fen / 100; }), itemStyle: { color: "#07c160" } },
      { name: orders, type: "line", yAxisIndex: 1, data: trend.orders, itemStyle: { color: "#10aeff" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

/* Customer groups: joins and leaves per day. */
(function () {
  "use strict";
  var data = document.getElementById("group-report");
  var el = document.getElementById("chart-groups");
  if (!data || !el || !window.echarts) return;
  var figures = JSON.parse(data.textContent);
  var chart = window.besideChart(el, figures.joins.concat(figures.leaves));
  if (!chart) return;
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { top: 0, data: [el.getAttribute("data-label-joins"), el.getAttribute("data-label-leaves")] },
    grid: { left: 40, right: 16, top: 40, bottom: 32 },
    xAxis: { type: "category", data: figures.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: el.getAttribute("data-label-joins"), type: "bar", data: figures.joins, itemStyle: { color: "#07c160" } },
      { name: el.getAttribute("data-label-leaves"), type: "bar", data: figures.leaves, itemStyle: { color: "#fa5151" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();

/* The confirm dialog: a form or button with data-confirm="…" asks first, in the page's own dialog
 * (window.confirm's box names the site, not the action). "OK" submits the form as it was going to be
 * submitted (the button pressed included); htmx forms ask the same way through its htmx:confirm event. */
(function () {
  "use strict";
  var dialog = document.getElementById("confirm-dialog");
  if (!dialog || typeof dialog.showModal !== "function") return;
  var text = dialog.querySelector("[data-confirm-text]");
  var proceed = null;
  dialog.addEventListener("close", function () {
    var go = proceed;
    proceed = null;
    if (dialog.returnValue === "ok" && go) go();
  });
  function ask(message, then) {
    text.textContent = message;
    proceed = then;
    dialog.returnValue = "";
    dialog.showModal();
  }
  /* "{n}" in the message is how many of the form's data-confirm-count elements there are (boxes ticked). */
  function messageOf(form, submitter) {
    var message = (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    var counted = form.getAttribute("data-confirm-count");
    if (message && counted) {
      var n = Array.prototype.filter.call(form.elements, function (el) { return el.matches(counted); }).length;
      if (n && form.getAttribute("data-confirm-ticked")) message = form.getAttribute("data-confirm-ticked");
      message = message.replace("{n}", String(n));
    }
    return message;
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-confirmed") || form.hasAttribute("hx-post")) return;
    var message = messageOf(form, event.submitter);
    if (!message) return;
    event.preventDefault();
    var submitter = event.submitter;
    ask(message, function () {
      form.setAttribute("data-confirmed", "");
      if (submitter && form.requestSubmit) form.requestSubmit(submitter); else form.submit();
      form.removeAttribute("data-confirmed");
    });
  }, true);
  document.body.addEventListener("htmx:confirm", function (event) {
    var el = event.detail.elt;
    var form = el.closest("form");
    /* Only what submits the form asks for the form's confirmation: a preview inside it (the SOP step's,
       a campaign's forecast) fetches without asking. */
    var submits = form && (el === form || el.matches("button, input[type=submit]"));
    var message = submits ? messageOf(form, el === form ? null : el) : el.getAttribute("data-confirm");
    if (!message) return;
    event.preventDefault();
    ask(message, function () { event.detail.issueRequest(true); });
  });
})();

/* Ticking many rows: a box with data-select-all="name" ticks every box of that name in its form; an
 * element with data-selected-count="name" says how many are ticked ({n} in its data-template). */
(function () {
  "use strict";
  /* The form's boxes of that name, those outside it that name it in form="…" included. */
  function boxesOf(form, name) {
    return Array.prototype.filter.call(form.elements, function (el) { return el.type === "checkbox" && el.name === name; });
  }
  function refresh(form, name) {
    var boxes = boxesOf(form, name);
    var ticked = boxes.filter(function (b) { return b.checked; }).length;
    Array.prototype.forEach.call(document.querySelectorAll("[data-selected-count='" + name + "']"), function (el) {
      var template = el.getAttribute(ticked ? "data-template" : "data-template-none") || el.getAttribute("data-template");
      el.textContent = template.replace("{n}", String(ticked));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-select-all='" + name + "']"), function (all) {
      all.checked = boxes.length > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    var form = box.form;
    if (!form || box.type !== "checkbox") return;
    var all = box.getAttribute("data-select-all");
    if (all) {
      boxesOf(form, all).forEach(function (b) { if (!b.disabled) b.checked = box.checked; });
      refresh(form, all);
    } else if (box.name) {
      refresh(form, box.name);
    }
  });
})();

/* Fields that apply to one choice only: an element with data-when="field" data-values="a b" shows while
 * the form's field named "field" (a select or radio) has one of those values, and is hidden (and left
 * out of nothing: hidden fields still submit, the server ignores what does not apply) otherwise. */
(function () {
  "use strict";
  function valueOf(form, name) {
    var checked = form.querySelector("[name='" + name + "']:checked");
    if (checked) return checked.value;
    /* A select, or a hidden input where the choice is fixed (an edited rule's customers or groups). */
    var field = form.querySelector("select[name='" + name + "'], input[type=hidden][name='" + name + "']");
    return field ? field.value : "";
  }
  function apply(form) {
    Array.prototype.forEach.call(form.querySelectorAll("[data-when]"), function (el) {
      var wanted = el.getAttribute("data-values").split(" ");
      var value = valueOf(form, el.getAttribute("data-when"));
      /* A radio group that starts with nothing ticked counts as its first choice. */
      el.hidden = wanted.indexOf(value) < 0 && !(value === "" && wanted.indexOf("customers") >= 0);
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("form"), function (form) {
    if (!form.querySelector("[data-when]")) return;
    apply(form);
    form.addEventListener("change", function () { apply(form); });
  });
})();

/* Every console table sorts by a click on its column header and shows 50 rows at a time with a pager —
 * one component, so a page added later gets both without asking. A cell's data-sort (a number of fen,
 * an ISO date) is what it sorts by when its text is not; numbers sort as numbers, "—" and empty cells
 * last. A table sorted and paged by the server (data-server-sort: the customer list at a million rows),
 * a table of fields to fill in row by row (data-nosort: tier bounds, a column mapping), a header marked
 * data-nosort, and tables with merged cells or an empty-state row are left as they are. */
(function () {
  "use strict";
  var PAGE = 50;
  var zh = document.documentElement.lang !== "en";
  var words = zh
    ? { prev: "上一页", next: "下一页", range: function (a, b, n) { return "第 " + a + "–" + b + " 条，共 " + n + " 条"; } }
    : { prev: "Previous", next: "Next", range: function (a, b, n) { return a + "–" + b + " of " + n; } };
  function key(cell) {
    if (!cell) return "";
    var raw = cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent;
    return raw.replace(/\s+/g, " ").trim();
  }
  function number(text) {
    var cleaned = text.replace(/[¥,%\s]/g, "").replace(/^[+]/, "");
    return cleaned !== "" && !isNaN(cleaned) ? parseFloat(cleaned) : null;
  }
  function blank(text) { return text === "" || text === "—" || text === "-"; }
  function sortable(table) {
    if (table.hasAttribute("data-server-sort") || table.hasAttribute("data-nosort")) return false;
    if (!table.tHead || !table.tBodies.length) return false;
    if (table.querySelector("td[colspan], td[rowspan], th[rowspan], tbody th[colspan]")) return false;
    return table.tBodies[0].rows.length >= 2;
  }
  function setUp(table) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var page = 0;
    var pager = null;
    function show() {
      if (!pager) return;
      var pages = Math.ceil(rows.length / PAGE);
      page = Math.max(0, Math.min(page, pages - 1));
      rows.forEach(function (r, i) { r.hidden = Math.floor(i / PAGE) !== page; });
      var first = page * PAGE + 1, last = Math.min(rows.length, (page + 1) * PAGE);
      pager.querySelector("[data-range]").textContent = words.range(first, last, rows.length);
      pager.querySelector("[data-prev]").disabled = page === 0;
      pager.querySelector("[data-next]").disabled = page >= pages - 1;
    }
    if (rows.length > PAGE) {
      pager = document.createElement("nav");
      pager.className = "pager";
      pager.setAttribute("data-testid", "table-pager");
      pager.innerHTML = '<button type="button" class="btn btn--small" data-prev></button><span data-range></span>' +
        '<button type="button" class="btn btn--small" data-next></button>';
      pager.querySelector("[data-prev]").textContent = words.prev;
      pager.querySelector("[data-next]").textContent = words.next;
      pager.querySelector("[data-prev]").addEventListener("click", function () { page -= 1; show(); });
      pager.querySelector("[data-next]").addEventListener("click", function () { page += 1; show(); });
      table.parentNode.insertBefore(pager, table.nextSibling);
      show();
    }
    var heads = table.tHead.rows[table.tHead.rows.length - 1].cells;
    Array.prototype.forEach.call(heads, function (th, column) {
      if (th.hasAttribute("data-nosort") || th.querySelector("input, a, button") || !th.textContent.trim()) return;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.setAttribute("data-testid", "sort-column");
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () {
        var ascending = th.getAttribute("aria-sort") !== "ascending";
        Array.prototype.forEach.call(heads, function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var keys = rows.map(function (r) { return key(r.cells[column]); });
        var numeric = keys.every(function (k) { return blank(k) || number(k) !== null; });
        var order = rows.map(function (r, i) { return i; });
        order.sort(function (a, b) {
          var x = keys[a], y = keys[b];
          if (blank(x) || blank(y)) return blank(x) === blank(y) ? a - b : (blank(x) ? 1 : -1);
          var c = numeric ? number(x) - number(y) : x.localeCompare(y, zh ? "zh-Hans-CN" : "en");
          return (ascending ? c : -c) || a - b;
        });
        rows = order.map(function (i) { return rows[i]; });
        rows.forEach(function (r) { body.appendChild(r); });
        page = 0;
        show();
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("main table.table"), function (table) {
    if (sortable(table)) setUp(table);
  });
})();

/* A mass message's chart: the share of its guides who have sent, hour by hour. */
(function () {
  "use strict";
  var data = document.getElementById("confirmations");
  var el = document.getElementById("chart-confirmations");
  if (!data || !el || !window.echarts) return;
  var series = JSON.parse(data.textContent);
  var chart = window.besideChart(el, series.values);
  if (!chart) return;
  chart.setOption({
    tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
    grid: { left: 40, right: 16, top: 24, bottom: 32 },
    xAxis: { type: "category", data: series.labels },
    yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
    series: [{ name: el.getAttribute("data-label"), type: "line", step: "end", data: series.values, itemStyle: { color: "#07c160" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
