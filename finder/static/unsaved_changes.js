// Asks before leaving a page whose form holds typing not yet saved: a menu link, the back
// button or closing the tab would otherwise throw it away without a word. Sending the form
// itself (any of its buttons) does not ask, since that is how it is saved.
//
// A form takes part with data-warn-unsaved. It has unsaved typing when what it would send
// differs from what it held when the page opened, or from the start with data-not-saved (a
// form shown again after a mistake: what is in it was never saved). Without JavaScript
// nothing asks, and every button still saves.
(function () {
  "use strict";

  var forms = Array.prototype.slice.call(document.querySelectorAll("form[data-warn-unsaved]"));
  if (!forms.length) { return; }

  function whatItWouldSend(form) {
    return new URLSearchParams(new FormData(form)).toString();
  }

  var asOpened = forms.map(whatItWouldSend);
  var sending = false;

  function hasUnsavedTyping(form, index) {
    return form.hasAttribute("data-not-saved") || whatItWouldSend(form) !== asOpened[index];
  }

  forms.forEach(function (form) {
    form.addEventListener("submit", function () { sending = true; });
  });

  // Back to this page from the browser's memory after sending: ask again from now on.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { sending = false; }
  });

  window.addEventListener("beforeunload", function (event) {
    if (sending || !forms.some(hasUnsavedTyping)) { return; }
    event.preventDefault();
    event.returnValue = "";  // older browsers ask only when this is set
  });
}());
