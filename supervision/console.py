"""Console building blocks: Wagtail viewsets whose every view is scoped to the user's jurisdiction.

Every console viewset of every app derives from `ScopedModelViewSet`, so the index lists only the
user's subtree and every object view (edit, delete, history, usage, inspect, copy) answers 404 for an
object outside it, whatever the view. Overseers hold only view permissions (see `roles`), so
Wagtail's permission policy already hides add/edit/delete from them. Reference data shared by every
jurisdiction (the question bank, the inspection item list) derives from `ConsoleModelViewSet`, the
settings both share: substring search, refused deletes as messages, the list's related rows in one
query, the form classes by name."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.db.models import ProtectedError, RestrictedError
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.viewsets.model import ModelViewSet

from .authorization import may
from .scoping import scope_queryset


class YesNoColumn(Column):
    """A yes/no field as 是 / 否 (Wagtail's BooleanColumn shows an icon titled "True" / "False")."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return "—" if value is None else (_("Yes") if value else _("No"))


class ScopedObjectMixin:
    """For views of one object: the object must lie in the user's subtree, or 404.

    Checked in `setup`, before Wagtail's permission check, so a user without the permission
    learns nothing about whether another county's object exists."""

    def setup(self, request, *args, **kwargs):
        pk = kwargs.get("pk")
        if pk is not None:
            try:
                in_scope = scope_queryset(
                    self.model._default_manager.filter(pk=unquote(str(pk))), user=request.user
                ).exists()
            except (ValueError, TypeError):
                in_scope = False
            if not in_scope:
                raise Http404
        super().setup(request, *args, **kwargs)


class ScopedEditMixin(ScopedObjectMixin):
    """Overseers (上级监督) never change anything, whatever permissions a group was given."""

    def dispatch(self, request, *args, **kwargs):
        if not may(request.user, "console.edit"):
            raise Http404
        return super().dispatch(request, *args, **kwargs)


class ConsoleIndexView(generic.IndexView):
    """A console list that fetches the related rows its columns show in the same query (no query
    per row): the viewset's `list_select_related`."""

    list_select_related: tuple[str, ...] = ()

    def get_base_queryset(self):
        queryset = super().get_base_queryset()
        return queryset.select_related(*self.list_select_related) if self.list_select_related else queryset


class ScopedIndexView(ConsoleIndexView):
    def get_base_queryset(self):
        return scope_queryset(super().get_base_queryset(), user=self.request.user)


class ScopedCreateView(ScopedEditMixin, generic.CreateView):
    pass


class ScopedEditView(ScopedEditMixin, generic.EditView):
    pass


class ProtectedDeleteMixin:
    """A delete refused because others still refer to the object (the database's PROTECT, or
    Wagtail's reference index finding a protected use) is a Chinese message on the same page and
    nothing deleted: never a 500, nor Wagtail's bare permission-denied redirect."""

    def _refuse(self, count: int, kinds: list[str]):
        messages.error(self.request, _("“%(object)s” cannot be deleted: %(n)s records still refer to it (%(kinds)s). Remove or reassign them first.") % {
            "object": self.object, "n": count, "kinds": "、".join(kinds) or "—",
        })
        return redirect(self.request.path)

    def form_valid(self, form):
        usage = getattr(self, "usage", None)
        if usage and usage.is_protected:
            return self._refuse(usage.count(), [])
        try:
            return super().form_valid(form)
        except (ProtectedError, RestrictedError) as error:
            blocking = error.protected_objects if isinstance(error, ProtectedError) else error.restricted_objects
            return self._refuse(len(blocking), sorted({str(obj._meta.verbose_name) for obj in blocking}))


class ProtectedDeleteView(ProtectedDeleteMixin, generic.DeleteView):
    pass


class ScopedDeleteView(ScopedEditMixin, ProtectedDeleteMixin, generic.DeleteView):
    pass


class ScopedCopyView(ScopedEditMixin, generic.CopyView):
    pass


class ScopedInspectView(ScopedObjectMixin, generic.InspectView):
    def get_field_display_value(self, field_name, field):
        """An empty field as "—" and a yes/no one as 是 / 否 (Wagtail shows None, True, False)."""
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if value is True or value is False:
            return _("Yes") if value else _("No")
        return value


class ScopedHistoryView(ScopedObjectMixin, history.HistoryView):
    # The audit trail is for readers too: overseers check what counties did.
    any_permission_required = ["add", "change", "delete", "view"]


class ScopedUsageView(ScopedObjectMixin, usage.UsageView):
    permission_required = "view"


class ConsoleModelViewSet(ModelViewSet):
    """What every console viewset of ours shares, scoped or not.

    - `list_select_related`: the relations the list's columns read, joined into the list's query;
    - `form_class`, and `add_form_class` where adding asks for more than editing (a new person's
      ID number, a new staff member's password): the forms by name instead of a `get_form_class`
      in every viewset; neither set, Wagtail builds the form from `form_fields` or `panels`;
    - a delete refused because others still refer to the object is a message, never a 500."""

    index_view_class = ConsoleIndexView
    delete_view_class = ProtectedDeleteView
    list_select_related: tuple[str, ...] = ()
    form_class = None
    add_form_class = None
    copy_view_enabled = False
    # Chinese names need substring search, not Wagtail's word index (DESIGN.md §7).
    search_backend_name = None

    def get_index_view_kwargs(self, **kwargs):
        if self.list_select_related:
            kwargs.setdefault("list_select_related", self.list_select_related)
        return super().get_index_view_kwargs(**kwargs)

    def get_form_class(self, for_update=False):
        form_class = self.form_class if for_update else (self.add_form_class or self.form_class)
        return form_class or super().get_form_class(for_update)


class ScopedModelViewSet(ConsoleModelViewSet):
    index_view_class = ScopedIndexView
    add_view_class = ScopedCreateView
    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    copy_view_class = ScopedCopyView
    inspect_view_class = ScopedInspectView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
