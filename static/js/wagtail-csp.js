// Wagtail 8 starts some admin widgets with inline <script>s, which our Content-Security-Policy
// (script-src 'self') refuses. In their place our templates (cms/templates/wagtailadmin/, an app directory so that the form renderer finds them too) and cms/csp.py
// write <template data-zl-init="…" data-zl-id="…" data-zl-options="…">; this file makes the same call,
// for the page as loaded (it is deferred, so Wagtail's scripts and the form's media are there) and for
// forms Wagtail adds later (InlinePanel's "add", modals). Only the calls below are made: a name in the
// page is looked up here, never evaluated.
(() => {
  const CALLS = {
    initDateChooser: (id, options) => window.initDateChooser(id, options),
    initTimeChooser: (id, options) => window.initTimeChooser(id, options),
    initDateTimeChooser: (id, options) => window.initDateTimeChooser(id, options),
    InlinePanel: (id, options) => new window.InlinePanel(options),
    createTaskChooser: (id) => window.createTaskChooser(id),
    chooser: (id, options, node) => {
      const name = node.dataset.zlConstructor;
      if (!["Chooser", "PageChooser", "ImageChooser", "DocumentChooser", "SnippetChooser"].includes(name)) {
        throw new Error(`wagtail-csp: unknown chooser ${name}`);
      }
      return new window[name](id, options);
    },
  };

  const start = (node) => {
    if (node.zlStarted) return;
    node.zlStarted = true;
    const call = CALLS[node.dataset.zlInit];
    if (!call) {
      console.error(`wagtail-csp: unknown initialiser ${node.dataset.zlInit}`);
      return;
    }
    const options = node.dataset.zlOptions ? JSON.parse(node.dataset.zlOptions) : undefined;
    try {
      call(node.dataset.zlId, options, node);
    } catch (error) {
      console.error("wagtail-csp:", node.dataset.zlInit, node.dataset.zlId, error);
    }
  };

  // querySelectorAll does not look inside <template> contents: the empty form an InlinePanel keeps for
  // "add" is started when Wagtail puts a copy of it in the page.
  const startAll = (root) => {
    if (root.matches && root.matches("template[data-zl-init]")) start(root);
    if (root.querySelectorAll) root.querySelectorAll("template[data-zl-init]").forEach(start);
  };

  startAll(document);
  new MutationObserver((mutations) => {
    mutations.forEach((mutation) => mutation.addedNodes.forEach(startAll));
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
