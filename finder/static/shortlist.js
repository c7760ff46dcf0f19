// The shortlist: a ticked filter, a new sort order or a new page size applies at once,
// without pressing "Show" or "Change" (both still work, with or without JavaScript).
// The page reloads with the new view in its address; the control that was changed gets
// the focus back, so a keyboard or screen reader user stays where they were.
(function () {
  "use strict";

  var refocusKey = "finder-shortlist-refocus";

  document.querySelectorAll("form[data-apply-on-change]").forEach(function (form) {
    form.addEventListener("change", function (event) {
      var control = event.target;
      // Typing a search applies with Enter or "Show", not at each change of focus.
      if (!control.id || control.type === "search") { return; }
      try { sessionStorage.setItem(refocusKey, control.id); } catch (error) { /* private mode */ }
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    });
  });

  var refocus = null;
  try {
    refocus = sessionStorage.getItem(refocusKey);
    sessionStorage.removeItem(refocusKey);
  } catch (error) { /* private mode: nothing to give back */ }
  var control = refocus && document.getElementById(refocus);
  if (control) {
    var folded = control.closest("details");
    while (folded) { folded.open = true; folded = folded.parentElement.closest("details"); }
    control.focus();
  }
}());
