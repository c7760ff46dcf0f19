// The print button on printable pages (the page itself works without it: Ctrl+P).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
