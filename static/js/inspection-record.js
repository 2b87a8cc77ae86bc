// The inspection record on the inspector's phone. Every item, record seen and hazard is saved
// through the shared offline queue (static/js/offline-queue.js) with the time the phone recorded
// it, so saves made without signal are kept on the phone and sent when it returns; the server
// ignores an entry older than the one it has. Photos are made smaller here first (longest side at
// most data-photo-max pixels, JPEG) and queued the same way, each with its own client id.
(() => {
  "use strict";
  const root = document.querySelector("[data-inspection]");
  if (!root) return;
  const gettext = window.gettext || ((text) => text);
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));
  const interpolate = window.interpolate || ((format, values) => format.replace("%s", values[0]));
  const csrf = document.querySelector("input[name=csrfmiddlewaretoken]").value;
  const statusEl = root.querySelector("[data-queue-status]");
  const maxSide = Number(root.dataset.photoMax) || 1600;
  const needsUpload = root.querySelectorAll("[data-needs-upload]");

  const uuid = () => {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };

  const mark = (key, text) => {
    const el = root.querySelector(`[data-saved-for="${key}"]`);
    if (el) el.textContent = text;
  };

  const showStatus = (count, offline) => {
    if (!statusEl) return;
    let text = count
      ? interpolate(ngettext("%s save waiting to upload", "%s saves waiting to upload", count), [count])
      : gettext("Everything is uploaded");
    if (count && offline) text += ` · ${gettext("no signal: kept on this phone")}`;
    statusEl.textContent = text;
    statusEl.classList.toggle("ins-status--pending", count > 0);
    needsUpload.forEach((button) => { button.disabled = count > 0; });
  };

  const loginAgain = () => {
    if (statusEl) statusEl.textContent = gettext("Log in again to upload the saves kept on this phone.");
  };

  const dataUrlBlob = (dataUrl) => {
    const [head, body] = dataUrl.split(",");
    const bytes = atob(body);
    const array = new Uint8Array(bytes.length);
    for (let i = 0; i < bytes.length; i += 1) array[i] = bytes.charCodeAt(i);
    return new Blob([array], { type: head.slice(5).split(";")[0] });
  };

  const send = async (key, entry) => {
    let response;
    if (entry.kind === "photo") {
      const body = new FormData();
      body.append("photo", dataUrlBlob(entry.data), "photo.jpg");
      body.append("client_id", entry.client_id);
      if (entry.check) body.append("check", entry.check);
      response = await fetch(root.dataset.photoUrl, { method: "POST", body, credentials: "same-origin", headers: { "X-CSRFToken": csrf } });
    } else {
      response = await fetch(root.dataset.saveUrl, {
        method: "POST", body: JSON.stringify(entry), credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "Content-Type": "application/json" },
      });
    }
    const json = (response.headers.get("Content-Type") || "").includes("application/json");
    if (response.redirected || !json) { loginAgain(); return "stop"; }  // the session ended: keep everything
    if (response.status >= 500) throw new Error(String(response.status));
    const data = await response.json();
    const photoKey = entry.check ? `photo-for-${entry.check}` : "photo-general";
    mark(entry.kind === "photo" ? photoKey : key, response.ok ? gettext("Uploaded") : data.error);
    if (response.ok && entry.kind === "photo") {
      const pending = root.querySelector(`[data-photo-pending="${entry.client_id}"]`);
      if (pending) { pending.src = data.url; pending.removeAttribute("data-photo-pending"); }
    }
    if (!response.ok && entry.kind === "photo") {
      const pending = root.querySelector(`[data-photo-pending="${entry.client_id}"]`);
      if (pending) pending.remove();
    }
    return "done";
  };

  const queue = new window.OfflineQueue({ storageKey: `inspection-queue-${root.dataset.inspection}`, send, onChange: showStatus });
  const now = () => new Date().toISOString();
  const keep = (key, entry) => {
    mark(key, gettext("Kept, uploading…"));
    if (!queue.put(key, entry)) mark(key, gettext("This phone's storage is full: keep the page open until it is uploaded."));
  };

  root.querySelectorAll("fieldset[data-check]").forEach((fieldset) => {
    const check = fieldset.dataset.check;
    const save = () => {
      const chosen = fieldset.querySelector("input[type=radio]:checked");
      if (!chosen) return;
      keep(`check-${check}`, { kind: "check", check, result: chosen.value, note: fieldset.querySelector("textarea").value, recorded_at: now() });
    };
    fieldset.addEventListener("change", (event) => { if (!event.target.matches("[data-photo-input]")) save(); });
  });

  root.querySelectorAll("fieldset[data-sighting]").forEach((fieldset) => {
    const kind = fieldset.dataset.sighting;
    fieldset.addEventListener("change", () => {
      const chosen = fieldset.querySelector("input[type=radio]:checked");
      if (!chosen) return;
      const value = (name) => fieldset.querySelector(`[name="${name}-${kind}"]`).value;
      keep(`sighting-${kind}`, {
        kind: "sighting", record: kind, seen: chosen.value === "1", period_start: value("start"), period_end: value("end"),
        note: value("note"), recorded_at: now(),
      });
    });
  });

  const hazardForm = root.querySelector("[data-hazard-form]");
  const hazardList = root.querySelector("[data-hazards]");
  if (hazardForm) {
    hazardForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const field = (name) => hazardForm.elements[name];
      const description = field("description").value.trim();
      if (!description) { field("description").focus(); return; }
      const entry = {
        kind: "hazard", client_id: uuid(), description, record_kind: field("record_kind").value,
        corrected: field("corrected").checked, correction_note: field("correction_note").value, recorded_at: now(),
      };
      const empty = hazardList.querySelector("[data-empty]");
      if (empty) empty.remove();
      const item = document.createElement("li");
      const where = field("record_kind").selectedOptions[0].textContent;
      item.textContent = `${where}：${description} — ${entry.corrected ? gettext("corrected") : gettext("not corrected")} `;
      const saved = document.createElement("span");
      saved.className = "ins-saved";
      saved.dataset.savedFor = `hazard-${entry.client_id}`;
      item.appendChild(saved);
      hazardList.appendChild(item);
      keep(`hazard-${entry.client_id}`, entry);
      hazardForm.reset();
    });
  }

  const shrink = (file) => new Promise((resolve, reject) => {
    const url = URL.createObjectURL(file);
    const image = new Image();
    image.onload = () => {
      const scale = Math.min(1, maxSide / Math.max(image.naturalWidth, image.naturalHeight));
      const canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(image.naturalWidth * scale));
      canvas.height = Math.max(1, Math.round(image.naturalHeight * scale));
      canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      resolve(canvas.toDataURL("image/jpeg", 0.8));
    };
    image.onerror = () => { URL.revokeObjectURL(url); reject(new Error("not an image")); };
    image.src = url;
  });

  root.querySelectorAll("[data-photo-input]").forEach((input) => {
    input.addEventListener("change", async () => {
      const file = input.files && input.files[0];
      if (!file) return;
      const check = input.dataset.check || "";
      const key = check ? `photo-for-${check}` : "photo-general";
      let data;
      try {
        data = await shrink(file);
      } catch (error) {
        mark(key, gettext("This file is not a photo that can be read."));
        input.value = "";
        return;
      }
      const clientId = uuid();
      const thumb = document.createElement("img");
      thumb.src = data;
      thumb.alt = "";
      thumb.dataset.photoPending = clientId;
      root.querySelector(`[data-photos-for="${check || "general"}"]`).appendChild(thumb);
      input.value = "";
      mark(key, gettext("Kept, uploading…"));
      if (!queue.put(`photo-${clientId}`, { kind: "photo", client_id: clientId, check, data })) {
        mark(key, gettext("This phone's storage is full: keep the page open until it is uploaded."));
      }
    });
  });

  showStatus(queue.count(), false);
  queue.flush();
})();
