"""Wagtail's chooser widgets without inline scripts (CSP script-src 'self').

Wagtail 8's BaseChooser.render writes `<script>new PageChooser("id_page", {…});</script>` after the
widget (page, image, document, snippet and task choosers: the copy-page form, sites, redirects,
workflows, any ForeignKey to them in a form). Our policy refuses inline scripts, so CmsConfig.ready
replaces render by one that writes the same call as data, `<template data-zl-init="chooser" …>`,
which static/js/wagtail-csp.js makes. A chooser whose render_js_init is not one of the two known forms
keeps Wagtail's render: its inline script is then refused, and the browser tests say so."""

import json

from django.utils.html import format_html
from django.utils.safestring import mark_safe
from wagtail.admin.widgets import BaseChooser
from wagtail.admin.widgets.workflows import AdminTaskChooser

# The constructors static/js/wagtail-csp.js agrees to call (it refuses any other name).
CHOOSER_CONSTRUCTORS = {"Chooser", "PageChooser", "ImageChooser", "DocumentChooser", "SnippetChooser"}


def chooser_init(widget, id_, name, value_data):
    """The <template data-zl-init> for this chooser, or None when its inline script is not a known call."""
    render_js_init = type(widget).render_js_init
    if render_js_init is BaseChooser.render_js_init and widget.js_constructor in CHOOSER_CONSTRUCTORS:
        options = widget.get_js_init_options(id_, name, value_data)
        return format_html('<template data-zl-init="chooser" data-zl-constructor="{}" data-zl-id="{}" data-zl-options="{}"></template>',
                           widget.js_constructor, id_, json.dumps(options))
    if render_js_init is AdminTaskChooser.render_js_init:
        return format_html('<template data-zl-init="createTaskChooser" data-zl-id="{}"></template>', id_)
    return None


def install():
    wagtail_render = BaseChooser.render
    if getattr(wagtail_render, "zl_csp", False):
        return

    def render(self, name, value, attrs=None, renderer=None):
        try:
            id_ = attrs["id"]
        except (KeyError, TypeError):
            return wagtail_render(self, name, value, attrs, renderer)  # Wagtail raises its own TypeError
        value_data = self.get_value_data(value)
        init = chooser_init(self, id_, name, value_data)
        if init is None:
            return wagtail_render(self, name, value, attrs, renderer)
        return mark_safe(f"{self.render_html(name, value_data, attrs)}{init}")  # noqa: S308 - both parts escaped

    render.zl_csp = True
    BaseChooser.render = render
