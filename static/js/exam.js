// The exam page. The server decides everything; this script only saves each answer as it is
// given (with a retry queue kept on the phone while offline) and shows the server's clock.
(() => {
  "use strict";
  const form = document.querySelector("form.exam-paper");
  if (!form) return;
  const saveUrl = form.dataset.saveUrl;
  const queueKey = `exam-queue-${form.dataset.attempt}`;
  const csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const net = document.querySelector("[data-net]");
  const answeredEl = document.querySelector("[data-answered]");
  // Messages through Django's JavaScript catalogue (/jsi18n/, locale/…/djangojs.po), loaded before us.
  const gettext = window.gettext || ((text) => text);
  const savedText = gettext("Saved");
  const waitingText = gettext("Offline: answers kept, sent when back");

  const answerOf = (fieldset) => Array.from(fieldset.querySelectorAll("input:checked")).map((i) => i.value).join("");

  const markSaved = (position, saved) => {
    const fieldset = form.querySelector(`fieldset[data-position="${position}"]`);
    const nav = document.querySelector(`[data-nav="${position}"]`);
    if (fieldset) fieldset.querySelector("[data-saved]").textContent = saved ? savedText : "…";
    if (nav) nav.classList.toggle("done", answerOf(fieldset) !== "");
    if (answeredEl) answeredEl.textContent = document.querySelectorAll(".exam-nav a.done").length;
  };

  // The shared offline queue (static/js/offline-queue.js, loaded before us): one entry per question.
  const queue = new window.OfflineQueue({
    storageKey: queueKey,
    send: async (position, answer) => {
      const body = new URLSearchParams({ attempt: form.dataset.attempt, position, answer });
      const response = await fetch(saveUrl, {
        method: "POST", body, credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/x-www-form-urlencoded" },
      });
      if (response.status === 409) { window.location.reload(); return "stop"; }
      if (!response.ok && response.status !== 400) throw new Error(String(response.status));
      markSaved(position, response.ok);
      return "done";
    },
    onChange: (count, offline) => { if (net) net.textContent = offline ? waitingText : ""; },
  });

  form.addEventListener("change", (event) => {
    const fieldset = event.target.closest("fieldset[data-position]");
    if (!fieldset) return;
    markSaved(fieldset.dataset.position, false);
    queue.put(fieldset.dataset.position, answerOf(fieldset));
  });
  queue.flush();

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (button && button.dataset.confirm && !window.confirm(button.dataset.confirm)) event.preventDefault();
  });

  // The countdown: remaining seconds come from the server, never from the device clock.
  const clock = document.querySelector("[data-seconds-left]");
  const clockText = document.querySelector("[data-clock]");
  let endsAt = performance.now() + Number(clock.dataset.secondsLeft) * 1000;
  const tick = () => {
    const left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
    const m = Math.floor(left / 60), s = left % 60;
    clockText.textContent = `${m}:${String(s).padStart(2, "0")}`;
    if (left === 0) {
      // Time is up: hand in what the page holds; the server decides what still counts.
      const input = document.createElement("input");
      input.type = "hidden"; input.name = "action"; input.value = "submit";
      form.appendChild(input);
      form.submit();
      return;
    }
    setTimeout(tick, 1000);
  };
  tick();
  document.addEventListener("visibilitychange", async () => {
    if (document.visibilityState !== "visible") return;
    try {
      const response = await fetch(clock.dataset.statusUrl, { credentials: "same-origin" });
      const data = await response.json();
      endsAt = performance.now() + data.seconds_left * 1000;
    } catch (e) { /* offline: keep counting */ }
  });
})();
