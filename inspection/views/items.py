from functools import partial

from django.shortcuts import get_object_or_404

from supervision.authorization import requires
from supervision.versioned import versioned_status_change

from ..models import InspectionItem, ItemStatus
from ..services.items import item_set_status


@requires("items.change", hidden=True)
def item_status_view(request, pk: int, status: str):
    item = get_object_or_404(InspectionItem, pk=pk)
    return versioned_status_change(request, record=item, status=status, statuses=ItemStatus,
                                   set_status=partial(item_set_status, item=item))
