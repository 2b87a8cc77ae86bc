// Confirmation before what cannot be undone: a form with data-confirm asks first, in the words
// of its data-confirm, and a confirmed form is sent once (a double click does not post twice).
// Delegated on the document, so forms the session board redraws every few seconds still ask.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement)) return;
  const message = form.dataset.confirm;
  if (form.dataset.sent === "1" || (message && !window.confirm(message))) {
    event.preventDefault();
    event.stopImmediatePropagation();
    return;
  }
  if (message) form.dataset.sent = "1";
}, true);
// A page restored from the back-forward cache may send its forms again.
window.addEventListener("pageshow", () => {
  document.querySelectorAll("form[data-sent]").forEach((form) => delete form.dataset.sent);
});
