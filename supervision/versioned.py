"""Versioned records an approver edits: the question bank (题库) and the inspection item list
(抽查事项清单) are both national lists whose every record keeps its versions, so that an attempt or an
inspection keeps the version it was given, and has a status (draft / active / retired) an approver
changes. What the two share lives here, in the lowest layer; each app keeps its own content, rules,
services and permissions.

- `content_errors_raise`: a content's rule breaches, (field, message) pairs, as one ValidationError;
- `VersionedContentForm`: the console form that builds the content and shows its breaches;
- `VersionedModelViewSet` and `VersionedInspectView`: the list and the record's page;
- `versioned_status_change`: the status buttons' POST, through the app's service."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic

from .console import ConsoleModelViewSet


def content_errors_raise(errors: list[tuple[str, str]]) -> None:
    """Raise the breaches a content's rules found as one ValidationError, each field with its
    messages in order; nothing to raise when the list is empty."""
    if errors:
        raise ValidationError({name: [message for n, message in errors if n == name] for name, _m in errors})


class VersionedContentForm(WagtailAdminModelForm):
    """The form of a record's content: it edits none of the model's own fields. An existing
    record's form starts from its current version (`self.version`, `initial_from`); `clean` builds
    the content (`content_from`), checks it with the same rules the service applies
    (`content_errors`), shows each breach on its field (`error_field`), and leaves the content in
    `self.content` for the view to hand to the service."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = self.instance.current_version if self.instance.pk else None
        if self.version is not None and not self.is_bound:
            self.initial.update(self.initial_from(self.version))

    def initial_from(self, version) -> dict:
        raise NotImplementedError

    def content_from(self, cleaned: dict):
        raise NotImplementedError

    def content_errors(self, content) -> list[tuple[str, str]]:
        raise NotImplementedError

    def error_field(self, name: str) -> str | None:
        return name if name in self.fields else None

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        self.content = self.content_from(cleaned)
        for field_name, message in self.content_errors(self.content):
            self.add_error(self.error_field(field_name), message)
        return cleaned


class VersionedInspectView(generic.InspectView):
    """A record's page (`templates/versioned_inspect_base.html`): the action bar, its current
    version and every version. The shared template calls the record `record`; the app's own
    template extending it, `object_name`."""

    object_name = "object"
    statuses = None  # the record's status choices
    retire_confirm = ""  # the confirmation asked before retiring

    def get_versions(self):
        return self.object.versions.order_by("-number")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update({
            "record": self.object,
            self.object_name: self.object,
            "version": self.object.current_version,
            "versions": self.get_versions(),
            "can_edit": self.permission_policy.user_has_permission(self.request.user, "change"),
            "statuses": self.statuses,
            "retire_confirm": self.retire_confirm,
            "ns": self.request.resolver_match.namespace,
        })
        return context


class VersionedModelViewSet(ConsoleModelViewSet):
    """A national list of versioned records: each has its page, the list shows its status and its
    current version's number after the columns of its content (`content_columns`)."""

    inspect_view_enabled = True
    list_select_related = ("current_version",)
    list_per_page = 50

    @property
    def content_columns(self) -> list:
        return []

    @property
    def list_display(self):
        return [
            *self.content_columns,
            Column("status", label=gettext_lazy("status"), accessor="get_status_display", sort_key="status"),
            Column("version", label=gettext_lazy("version"), accessor="current_version.number"),
        ]


def versioned_status_change(request, *, record, status: str, statuses, set_status: Callable[..., object],
                            activation_refusal: str = "%(errors)s"):
    """The status buttons' POST: `set_status(actor=..., status=...)` is the app's service for this
    record; its refusals become a message on the record's page (`activation_refusal` words the
    refusal to activate), a record the actor may not change is a 404."""
    if status not in statuses.values:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        set_status(actor=request.user, status=status)
    except PermissionDenied:
        raise Http404
    except ValidationError as error:
        reasons = "；".join(error.messages)
        messages.error(request, activation_refusal % {"errors": reasons} if status == statuses.ACTIVE else reasons)
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": statuses(status).label})
    return redirect(f"{request.resolver_match.namespace}:inspect", record.pk)
