// Keeps a folded list's "(N chosen)" true as its boxes are ticked. The number is written
// when the page is drawn, and would otherwise stay as it was until the page is loaded
// again. A list takes part with a [data-chosen-count] span in its <summary>.
(function () {
  "use strict";

  document.querySelectorAll("details [data-chosen-count]").forEach(function (count) {
    var list = count.closest("details");
    list.addEventListener("change", function () {
      count.textContent = String(list.querySelectorAll("input[type=checkbox]:checked").length);
    });
  });
}());
