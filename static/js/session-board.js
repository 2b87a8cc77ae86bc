// The live session board: refresh the table every 10 seconds without reloading the page,
// unless the examiner is typing in one of its forms.
document.addEventListener("DOMContentLoaded", () => {
  const board = document.querySelector("[data-board-url]");
  if (!board) return;
  setInterval(async () => {
    if (board.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    try {
      const response = await fetch(board.dataset.boardUrl, { credentials: "same-origin" });
      if (response.ok) board.innerHTML = await response.text();
    } catch (error) { /* keep the last table */ }
  }, 10000);
});
