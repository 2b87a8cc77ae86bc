"""Console list filters for the register, each limited to the user's jurisdiction."""

import django_filters
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from .models import Jurisdiction, JurisdictionLevel, Person, PersonRole, ProductCategory, ProductionUnit, SizeClass, UnitStatus
from .scoping import scope_queryset
from .selectors import FINDINGS, filter_by_finding

YES_NO = [("1", _("Yes")), ("0", _("No"))]


def counties_in_scope(request):
    if request is None:
        return Jurisdiction.objects.none()
    return scope_queryset(Jurisdiction.objects.filter(level=JurisdictionLevel.COUNTY), user=request.user)


def county_filter(field_name: str = "county") -> django_filters.ModelChoiceFilter:
    """The county filter of a console list, its choices the counties in the user's jurisdiction;
    `field_name` is the path to the county (a person's or an order's: `unit__county`)."""
    return django_filters.ModelChoiceFilter(label=_("county"), queryset=counties_in_scope, field_name=field_name)


class UnitFilterSet(WagtailFilterSet):
    county = county_filter()
    size_class = django_filters.ChoiceFilter(label=_("size class"), choices=SizeClass.choices)
    director_required = django_filters.ChoiceFilter(label=_("director required"), choices=YES_NO, method="filter_yes_no")
    finding = django_filters.ChoiceFilter(
        label=_("compliance finding"), choices=[("any", _("Any finding")), *FINDINGS.items()], method="filter_finding",
    )
    categories = django_filters.ModelChoiceFilter(label=_("product category"), queryset=ProductCategory.objects.all())
    status = django_filters.ChoiceFilter(label=_("status"), choices=UnitStatus.choices)

    class Meta:
        model = ProductionUnit
        fields = ["county", "size_class", "director_required", "finding", "categories", "status"]

    def filter_yes_no(self, queryset, name, value):
        return queryset.filter(**{name: value == "1"})

    def filter_finding(self, queryset, name, value):
        return filter_by_finding(queryset, value)


class PersonFilterSet(WagtailFilterSet):
    role = django_filters.ChoiceFilter(label=_("post"), choices=PersonRole.choices)
    county = county_filter("unit__county")
    in_post = django_filters.ChoiceFilter(label=_("in post"), choices=YES_NO, method="filter_in_post")

    class Meta:
        model = Person
        fields = ["role", "county", "in_post"]

    def filter_in_post(self, queryset, name, value):
        return queryset.filter(left_on__isnull=(value == "1"))
