from datetime import date
from urllib.parse import quote as url_quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..authorization import requires
from ..exports import units_export
from ..filters import UnitFilterSet
from ..models import Person, ProductionUnit
from ..scoping import get_in_scope_or_404, scope_queryset
from ..selectors import units_with_findings
from ..services.units import person_reveal_id

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def file_response(data: bytes, filename: str, file_format: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{url_quote(filename)}"
    return response


@requires("console.read")
def units_export_view(request, file_format: str):
    """The register as the user sees it (their subtree, their filters and search), as a file."""
    if file_format not in CONTENT_TYPES:
        raise Http404
    queryset = units_with_findings(scope_queryset(ProductionUnit.objects.all(), user=request.user))
    filters = UnitFilterSet(request.GET, queryset=queryset, request=request)
    if filters.is_valid():
        queryset = filters.qs
    if q := request.GET.get("q", "").strip():
        from django.db.models import Q

        queryset = queryset.filter(Q(name__icontains=q) | Q(uscc__icontains=q.upper()))
    data = units_export(queryset=queryset, file_format=file_format)
    return file_response(data, f"生产单位_{date.today():%Y%m%d}.{file_format}", file_format)


@requires("console.read")
@never_cache
def person_reveal_view(request, pk: int):
    # Scope first: another county's person is a 404 whatever the method.
    person = get_in_scope_or_404(Person.objects.select_related("unit"), user=request.user, pk=pk)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        id_number = person_reveal_id(actor=request.user, person=person)
    except PermissionDenied as error:
        messages.error(request, str(error) or _("You are not allowed to do this."))
        return redirect("units:inspect", person.unit_id)
    response = render(request, "supervision/person_reveal.html", {"person": person, "id_number": id_number})
    return response
