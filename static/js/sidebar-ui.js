/* The sidebar's page furniture: the top tab bar keeps the active tab in view; the profile's section bar
 * jumps to a section and highlights the one being read. Nothing here talks to WeCom (see bridge.js). */
(function () {
  "use strict";
  var observer = null, watching = null;

  function init() {
    var active = document.querySelector(".toptabs [aria-current=page]");
    if (active && active.scrollIntoView) active.scrollIntoView({ block: "nearest", inline: "center" });

    if (observer) observer.disconnect();
    if (watching) document.body.removeEventListener("htmx:afterSettle", watching);
    var bar = document.querySelector(".tabs[data-sections]");
    if (!bar || !window.IntersectionObserver) return;
    var links = Array.prototype.slice.call(bar.querySelectorAll("a[href^='#']"));
    function mark(id) {
      links.forEach(function (a) {
        if (a.getAttribute("href") === "#" + id) a.setAttribute("aria-current", "true");
        else a.removeAttribute("aria-current");
      });
    }
    links.forEach(function (a) {
      a.addEventListener("click", function () { mark(a.getAttribute("href").slice(1)); });
    });
    /* The section whose top most recently passed under the bar is the one being read. Sections are
     * swapped by htmx after a change, so they are looked up again each time. */
    var visible = {};
    observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      var first = links.map(function (a) { return a.getAttribute("href").slice(1); }).filter(function (id) { return visible[id]; })[0];
      if (first) mark(first);
    }, { rootMargin: "-48px 0px -55% 0px" });
    watching = function () {
      observer.disconnect();
      links.forEach(function (a) {
        var section = document.getElementById(a.getAttribute("href").slice(1));
        if (section) observer.observe(section);
      });
    };
    watching();
    document.body.addEventListener("htmx:afterSettle", watching);
  }

  init();
  /* The entry page shows a customer's page in place (bridge.js): set that page up as if loaded. */
  document.addEventListener("beside:page", init);
})();

/* Ticking many (the 群发 page): a box with data-select-all="name" ticks every box of that name in its
 * form; data-selected-count="name" says how many are ticked; a script picker opens the page with that
 * script's text in place. */
(function () {
  "use strict";
  function refresh(form, name) {
    var n = form.querySelectorAll("input[name='" + name + "']:checked").length;
    Array.prototype.forEach.call(form.querySelectorAll("[data-selected-count='" + name + "']"), function (el) {
      el.textContent = n ? el.getAttribute("data-template").replace("{n}", n) : el.getAttribute("data-template-none");
    });
  }
  document.addEventListener("change", function (event) {
    var box = event.target;
    if (box.matches && box.matches("[data-script-picker]") && box.value) { location.href = box.value; return; }
    var form = box.form;
    if (!form || box.type !== "checkbox") return;
    var all = box.getAttribute("data-select-all");
    if (all) {
      Array.prototype.forEach.call(form.querySelectorAll("input[name='" + all + "']"), function (b) { b.checked = box.checked; });
      refresh(form, all);
    } else if (box.name) {
      refresh(form, box.name);
    }
  });
})();
