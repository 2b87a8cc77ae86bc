"""The 现场检查 (on-site inspection) section of the console: the inspection item list."""

import django_filters
from django.core.exceptions import ValidationError
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSetGroup

from supervision.versioned import VersionedInspectView, VersionedModelViewSet

from .views import items as views
from .articles import ARTICLE_CHOICES
from .forms import InspectionItemForm
from .models import InspectionItem, ItemStatus
from .selectors import item_versions
from .services.items import item_create, item_update


class InspectionItemFilterSet(WagtailFilterSet):
    article = django_filters.ChoiceFilter(label=_("legal basis"), choices=ARTICLE_CHOICES, field_name="current_version__article")
    status = django_filters.ChoiceFilter(label=_("status"), choices=ItemStatus.choices)

    class Meta:
        model = InspectionItem
        fields = ["article", "status"]


class _ThroughService:
    """Wagtail's save goes through the service; its refusals are shown on the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
            return self.form_invalid(form)


class InspectionItemCreateView(_ThroughService, generic.CreateView):
    def save_instance(self):
        return item_create(actor=self.request.user, code=self.form.cleaned_data["code"], content=self.form.content,
                           sort_order=(InspectionItem.objects.count() + 1) * 10)


class InspectionItemEditView(_ThroughService, generic.EditView):
    def save_instance(self):
        return item_update(actor=self.request.user, item=InspectionItem.objects.get(pk=self.object.pk), content=self.form.content)


class InspectionItemInspectView(VersionedInspectView):
    template_name = "inspection/item_inspect.html"
    object_name = "item"
    statuses = ItemStatus
    retire_confirm = _("Retire this item? New inspections will no longer be given it; finished inspections keep it.")

    def get_versions(self):
        return item_versions(self.object)


class InspectionItemViewSet(VersionedModelViewSet):
    """抽查事项清单: national, like the question bank; inspections keep the version they used."""

    model = InspectionItem
    name = "inspection_items"
    icon = "list-ul"
    menu_label = _("Inspection items")
    menu_order = 100
    add_view_class = InspectionItemCreateView
    edit_view_class = InspectionItemEditView
    inspect_view_class = InspectionItemInspectView
    form_class = InspectionItemForm
    filterset_class = InspectionItemFilterSet
    search_fields = ["code", "current_version__title", "current_version__content"]
    ordering = ["sort_order", "code"]

    @property
    def content_columns(self):
        return [
            Column("code", label=_("code"), sort_key="code"),
            TitleColumn("title", label=_("title"), accessor="current_version.title",
                        get_url=lambda item: reverse("inspection_items:inspect", args=[item.pk])),
            Column("article", label=_("legal basis"), accessor="current_version.legal_basis"),
            Column("consequence", label=_("consequence of a finding"), accessor="current_version.get_consequence_display"),
        ]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("status/<int:pk>/<str:status>/", views.item_status_view, name="status"),
        ]


class InspectionViewSetGroup(ViewSetGroup):
    menu_label = _("On-site inspection")
    menu_icon = "clipboard-list"
    menu_order = 310
    items = (InspectionItemViewSet,)
