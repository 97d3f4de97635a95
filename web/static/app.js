// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // Changing a filter list submits its form at once (the button stays for use without JS).
  document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.submit();
    });
  });

  // "/" moves focus to the search box (as on many search sites), unless typing elsewhere.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    var box = document.getElementById("q");
    if (box) {
      event.preventDefault();
      box.focus();
      box.select();
    }
  });

  // Arriving at a section from a search hit: move the first highlight into view.
  if (!window.location.hash) {
    var first = document.querySelector(".doc-body mark");
    if (first) first.scrollIntoView({ block: "center" });
  }
})();
