// The offline save queue shared by the exam and the on-site inspection: each save is kept on the
// device (localStorage, under one key per page) until the server has it, and sent again when the
// signal returns. A save replaces an earlier one of the same key that has not been sent yet, and a
// save that changed while it was being sent stays queued, so the newest always reaches the server.
// The page gives `send(key, entry)`, which resolves to "done" (the server has it, or has refused it
// for good: drop it), "stop" (stop sending: the page reloads or asks to log in again), or throws
// when the network failed (kept, retried in `retryMs`). `onChange(count, offline)` follows the count.
(() => {
  "use strict";

  class OfflineQueue {
    constructor({ storageKey, send, onChange = () => {}, retryMs = 5000 }) {
      this.storageKey = storageKey;
      this.send = send;
      this.onChange = onChange;
      this.retryMs = retryMs;
      this.memory = this.read();
      this.flushing = false;
      this.offline = false;
      this.stopped = false;
      window.addEventListener("online", () => this.flush());
    }

    read() {
      try { return JSON.parse(localStorage.getItem(this.storageKey)) || {}; } catch (e) { return {}; }
    }

    // Returns false when the device could not keep it (storage full or private mode): it is still
    // sent from memory while the page stays open.
    write() {
      try { localStorage.setItem(this.storageKey, JSON.stringify(this.memory)); return true; } catch (e) { return false; }
    }

    entries() { return Object.entries(this.memory); }

    count() { return Object.keys(this.memory).length; }

    put(key, entry) {
      this.memory[key] = entry;
      const kept = this.write();
      this.changed();
      this.flush();
      return kept;
    }

    changed() { this.onChange(this.count(), this.offline); }

    async flush() {
      if (this.flushing || this.stopped) return;
      this.flushing = true;
      try {
        for (const [key, entry] of Object.entries(this.memory)) {
          const sent = JSON.stringify(entry);
          let outcome;
          try {
            outcome = await this.send(key, entry);
          } catch (error) {
            this.offline = true;
            this.changed();
            setTimeout(() => this.flush(), this.retryMs);
            return;
          }
          if (outcome === "stop") { this.stopped = true; return; }
          if (key in this.memory && JSON.stringify(this.memory[key]) === sent) {
            delete this.memory[key];
            this.write();
          }
        }
        this.offline = false;
        this.changed();
      } finally {
        this.flushing = false;
      }
      if (this.count() && !this.stopped) this.flush();  // saves made while the last ones were sent
    }
  }

  window.OfflineQueue = OfflineQueue;
})();
