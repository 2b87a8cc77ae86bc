from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from supervision.authorization import requires

from ..models import InspectionItem, ItemStatus
from ..services.items import item_set_status


@requires("items.change", hidden=True)
def item_status_view(request, pk: int, status: str):
    item = get_object_or_404(InspectionItem, pk=pk)
    if status not in ItemStatus.values:
        raise Http404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        item_set_status(actor=request.user, item=item, status=status)
    except PermissionDenied:
        raise Http404
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, _("Status changed to %(status)s.") % {"status": ItemStatus(status).label})
    return redirect("inspection_items:inspect", item.pk)
