// The print button of printable documents (no inline script, so a strict CSP holds).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
