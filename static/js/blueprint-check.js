// The blueprint editor: as the user changes role, points or cells, ask the server whether the
// active bank can fill the blueprint and show the answer above the form. No framework.
document.addEventListener("DOMContentLoaded", () => {
  const section = document.querySelector("[data-check-url]");
  const form = document.getElementById("w-editor-form");
  if (!section || !form) return;
  let timer = null;
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const response = await fetch(section.dataset.checkUrl, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
        });
        if (response.ok) section.innerHTML = await response.text();
      } catch (error) {
        // Offline or server busy: keep the last answer; saving still checks on the server.
      }
    }, 300);
  };
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
  // Inline panels add and remove cells by clicking, not typing.
  form.addEventListener("click", (event) => {
    if (event.target.closest("button")) refresh();
  });
});
